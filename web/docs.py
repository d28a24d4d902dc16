"""
The documentation pages, Swagger UI and ReDoc: drf-spectacular's views, with
their scripts and styles served by drf-spectacular-sidecar from this host, and a
Content-Security-Policy under which the browser loads nothing from any other
host (ReDoc's bundle shows a logo from its vendor's CDN: the browser refuses it).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # The pages start their bundle with an inline script, and both style
        # themselves at run time.
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        # Icons drawn as data: URIs; ReDoc's search runs in a worker made from a blob.
        "img-src 'self' data:",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
    ]
)


class SelfContainedPage(APIView):
    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class SwaggerView(SelfContainedPage, SpectacularSwaggerView):
    pass


class RedocView(SelfContainedPage, SpectacularRedocView):
    # drf-spectacular's page without the web fonts it links to.
    template_name = "web/redoc.html"
