"""The service's URLs plus routes that fail on purpose, for the error-shape tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.urls import urlpatterns as service_urlpatterns


class CrashingAPIView(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internals: SELECT * FROM accounts_user")


def crashing_django_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: SELECT * FROM accounts_user")


urlpatterns: list[URLPattern | URLResolver] = [
    *service_urlpatterns,
    path("crash/api/", CrashingAPIView.as_view()),
    path("crash/django/", crashing_django_view),
]

handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.not_found"
handler500 = "web.errors.server_error"
