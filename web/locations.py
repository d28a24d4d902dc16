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

    def get_success_headers(self, data: Any) -> dict[str, str]:
        viewset: Any = self  # a ViewSet, whose reverse_action knows its routes' names
        return {"Location": viewset.reverse_action("detail", args=[data["id"]])}
