"""Content negotiation with a fast path for what API clients send."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

# What SDKs and HTTP libraries send (or nothing at all): the JSON renderer, as
# DRF's negotiation would pick it, without parsing the header into media types.
_JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        first = renderers[0] if renderers else None
        if (
            isinstance(first, JSONRenderer)
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT", "") in _JSON_ACCEPTS
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)  # type: ignore[no-any-return]
