"""
drf-spectacular postprocessing hooks: what the generated document cannot know.

- ``document_batches``: a batch body (a JSON array) holds 1 to 1,000 rows; and
  drf-standardized-errors names a row's field ``INDEX.<field>`` where the API
  answers ``3.<field>``: the attr becomes a pattern.
- ``document_idempotency``: every authenticated POST takes ``Idempotency-Key``,
  may answer a replay (``Idempotent-Replayed: true``), 409 and 422.
"""

from __future__ import annotations

import re
from typing import Any

from drf_standardized_errors.settings import package_settings

from integrity.batches import MAX_BATCH_ROWS
from integrity.idempotency import (
    HEADER,
    IN_PROGRESS,
    INVALID,
    KEY_PATTERN,
    REPLAYED_HEADER,
    REUSED,
)

_ROW = package_settings.LIST_INDEX_IN_API_SCHEMA
_INDEX = _ROW + package_settings.NESTED_FIELD_SEPARATOR


def document_batches(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for path in result.get("paths", {}).values():
        for operation in path.values():
            content = (
                operation.get("requestBody", {}).get("content", {})
                if isinstance(operation, dict)
                else {}
            )
            for media in content.values():
                if media.get("schema", {}).get("type") == "array":
                    media["schema"].update(minItems=1, maxItems=MAX_BATCH_ROWS)
    schemas = result.get("components", {}).get("schemas", {})
    for component in schemas.values():
        attr = component.get("properties", {}).get("attr", {})
        names = attr.get("enum", [])
        if len(names) == 1 and names[0].startswith(_INDEX):
            field = names[0].removeprefix(_INDEX)
            attr.clear()
            attr.update(
                type="string",
                pattern=rf"^[0-9]+\.{re.escape(field)}$",
                description=f"The row's index in the batch, then `.{field}`.",
            )
        elif names == [_ROW]:
            attr.clear()
            attr.update(type="string", pattern="^[0-9]+$", description="The row's index.")
    for component in schemas.values():
        mapping = component.get("discriminator", {}).get("mapping", {})
        if any(name == _ROW or name.startswith(_INDEX) for name in mapping):
            # No value of the attr to dispatch on any more: a client tries each,
            # and the variants need not exclude each other.
            del component["discriminator"]
            component["anyOf"] = component.pop("oneOf")
    return result


_ERROR_RESPONSES = {
    "409": (
        "IdempotencyInProgressErrorResponse409",
        [IN_PROGRESS],
        "A request with the same Idempotency-Key is still running.",
    ),
    "422": (
        "IdempotencyKeyErrorResponse422",
        [INVALID, REUSED],
        "The Idempotency-Key is malformed, or was used for another request.",
    ),
}


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


def _authenticated(operation: dict[str, Any]) -> bool:
    return any(requirement for requirement in operation.get("security", []))


def document_idempotency(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, codes, _ in _ERROR_RESPONSES.values():
        schemas[name] = _error_component(codes)
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
        "description": (
            "Makes the POST safe to retry: a retry with the same key and request answers the "
            f"stored response, with `{REPLAYED_HEADER}: true`, and writes nothing. Keys are "
            "per user and expire after 24 hours by default."
        ),
    }
    replayed = {
        REPLAYED_HEADER: {
            "schema": {"type": "string", "enum": ["true"]},
            "description": "Present on a stored response answered again for an Idempotency-Key.",
        }
    }
    for path in result.get("paths", {}).values():
        operation = path.get("post")
        if operation is None or not _authenticated(operation):
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
