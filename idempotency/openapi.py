"""
drf-spectacular postprocessing hook ``idempotency.openapi.document_idempotency``:
every authenticated POST of a view with ``IdempotentPostMixin`` takes
``Idempotency-Key``, may
answer a replay (``Idempotent-Replayed: true``), 409 and 422.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework.exceptions import APIException

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

_ERROR_RESPONSES: dict[str, tuple[str, list[type[APIException]], str]] = {
    "409": (
        "IdempotencyInProgressErrorResponse409",
        [KeyInProgress],
        "A request with the same Idempotency-Key is still running.",
    ),
    "422": (
        "IdempotencyKeyErrorResponse422",
        [KeyInvalid, KeyReused],
        "The Idempotency-Key is malformed, or was used for another request.",
    ),
}
_PARAMETER = re.compile(r"\{[^}]*\}")


def _error_component(codes: list[str]) -> dict[str, Any]:
    error = {
        "type": "object",
        "properties": {
            "code": {"enum": codes, "type": "string"},
            "detail": {"type": "string"},
            "attr": {"type": "string", "nullable": True},
        },
        "required": ["attr", "code", "detail"],
    }
    return {
        "type": "object",
        "properties": {
            "type": {"$ref": "#/components/schemas/ClientErrorEnum"},
            "errors": {"type": "array", "items": error},
        },
        "required": ["errors", "type"],
    }


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
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, exceptions, _ in _ERROR_RESPONSES.values():
        schemas[name] = _error_component([str(exc.default_code) for exc in exceptions])
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
        for status, (name, _, description) in _ERROR_RESPONSES.items():
            responses[status] = {
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                },
                "description": description,
            }
    return result
