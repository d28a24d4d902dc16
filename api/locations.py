"""
``Location`` on every 201: the URL of the resource the POST created.

A viewset mixes in ``CreatedLocationMixin``; a view of its own answers with
``created_headers``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.reverse import reverse


def created_headers(request: Request, view_name: str, *args: Any) -> dict[str, str]:
    return {"Location": reverse(view_name, args=args, request=request)}


class CreatedLocationMixin:
    """CreateModelMixin's headers: the new row's detail route (DRF names it only from a ``url``)."""

    basename: str
    request: Any  # the view's: DRF's Request

    def get_success_headers(self, data: Any) -> dict[str, str]:
        namespace = self.request.resolver_match.namespace if self.request.resolver_match else ""
        view_name = (
            f"{namespace}:{self.basename}-detail" if namespace else f"{self.basename}-detail"
        )
        return created_headers(self.request, view_name, data["id"])
