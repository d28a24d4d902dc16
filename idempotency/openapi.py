"""
The OpenAPI side of Idempotency-Key.

- ``ERROR_SCHEMAS``: the 409 and 422 bodies of a keyed POST, built like every
  other error body; ``IdempotentPostMixin.get_error_schemas`` declares them.
- The postprocessing hook ``document_idempotency``: every authenticated POST of
  a view with the mixin takes the ``Idempotency-Key`` header and may answer a
  replay (``Idempotent-Replayed: true``).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from idempotency.conf import DEFAULTS
from idempotency.views import (
    HEADER,
    KEY_PATTERN,
    REPLAYED_HEADER,
    IdempotentPostMixin,
    KeyInProgress,
    KeyInvalid,
    KeyReused,
)
from integrity.rest_framework import error_body_schema


class ErrorCode409Enum(models.TextChoices):
    KEY_IN_PROGRESS = KeyInProgress.default_code


class ErrorCode422Enum(models.TextChoices):
    KEY_INVALID = KeyInvalid.default_code
    KEY_REUSED = KeyReused.default_code


# The bodies of the statuses a keyed POST adds (IdempotentPostMixin.get_error_schemas).
ERROR_SCHEMAS = {
    "409": error_body_schema(409, ErrorCode409Enum),
    "422": error_body_schema(422, ErrorCode422Enum),
}
_DESCRIPTIONS = {
    "409": "A request with the same Idempotency-Key is still running.",
    "422": "The Idempotency-Key is malformed, or was used for another request.",
}
_PARAMETER = re.compile(r"\{[^}]*\}")


def _keyed_paths(generator: Any) -> set[str]:
    """The paths (parameters blanked) whose POST is a view with the mixin."""
    paths = set()
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view = getattr(callback, "cls", None)
        if method == "POST" and isinstance(view, type) and issubclass(view, IdempotentPostMixin):
            paths.add(_PARAMETER.sub("{}", path))
    return paths


def document_idempotency(
    result: dict[str, Any], generator: Any = None, **kwargs: Any
) -> dict[str, Any]:
    hours = DEFAULTS["IDEMPOTENCY_KEY_EXPIRY"] // 3600
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
        "description": (
            "Makes the POST safe to retry: a retry with the same key and request answers the "
            f"stored response, with `{REPLAYED_HEADER}: true`, and writes nothing. Keys are "
            f"per user and expire after {hours:g} hours by default."
        ),
    }
    replayed = {
        REPLAYED_HEADER: {
            "schema": {"type": "string", "enum": ["true"]},
            "description": "Present on a stored response answered again for an Idempotency-Key.",
        }
    }
    keyed = _keyed_paths(generator)
    for path, item in result.get("paths", {}).items():
        operation = item.get("post")
        if operation is None or _PARAMETER.sub("{}", path) not in keyed:
            continue
        if not any(requirement for requirement in operation.get("security", [])):
            # Open to anonymous callers (registration): the key is only an
            # authenticated caller's, so the operation does not promise it.
            continue
        operation.setdefault("parameters", []).append(parameter)
        responses = operation.setdefault("responses", {})
        for status, response in responses.items():
            # What a replay can answer: anything stored (not 401, 409, 422, 429, 5xx).
            if status.startswith("2") or status in {"400", "403", "404"}:
                response.setdefault("headers", {}).update(replayed)
        for status, description in _DESCRIPTIONS.items():
            if status in responses:
                responses[status]["description"] = description
    return result
