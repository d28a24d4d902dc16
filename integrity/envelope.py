"""
The error body, for responses written outside a DRF view (middleware, Django's
error views): ``{"type", "errors": [{"code", "detail", "attr"}]}``, the shape
drf-standardized-errors gives every DRF error, and byte for byte as DRF's
JSONRenderer writes it with its default settings (compact, UTF-8), so that a
client sees one body whoever answered.
"""

from __future__ import annotations

import json

from django.http import HttpResponse


def error_response(
    status: int, code: str, detail: str, attr: str | None = None, kind: str | None = None
) -> HttpResponse:
    """One error; ``kind`` defaults to ``server_error`` for a 5xx, else ``client_error``."""
    kind = kind or ("server_error" if status >= 500 else "client_error")
    body = {"type": kind, "errors": [{"code": code, "detail": detail, "attr": attr}]}
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # As DRF's renderer: the two line separators JavaScript cannot hold in a string.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(text.encode(), status=status, content_type="application/json")
