"""
The OpenAPI side of conditional requests.

- ``ERROR_SCHEMAS``: the 412 and 428 bodies of a write, built like every other
  error body; ``ConditionalMixin.get_error_schemas`` declares them.
- The postprocessing hook ``document_conditional_requests``: on each operation
  of a view with the mixin that shows or writes one row, the ``ETag`` response
  header, ``If-None-Match`` and its 304 on a read, ``If-Match`` on a write; every GET
  of a view with ``RepresentationTagMixin``: the ETag, If-None-Match and 304.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from conditional.views import (
    ConditionalMixin,
    PreconditionFailed,
    PreconditionRequired,
    RepresentationTagMixin,
)
from integrity.rest_framework import error_body_schema


class ErrorCode412Enum(models.TextChoices):
    PRECONDITION_FAILED = PreconditionFailed.default_code


class ErrorCode428Enum(models.TextChoices):
    PRECONDITION_REQUIRED = PreconditionRequired.default_code


ERROR_SCHEMAS = {
    "412": error_body_schema(412, ErrorCode412Enum),
    "428": error_body_schema(428, ErrorCode428Enum),
}
_DESCRIPTIONS = {
    "412": "The resource has changed since the ETag in If-Match: nothing was written.",
    "428": "If-Match is required (CONDITIONAL_REQUIRE_IF_MATCH) and was not sent.",
}
_ETAG = {
    "ETag": {
        "schema": {"type": "string"},
        "description": (
            "A strong entity tag of what the response shows (a row's: its version): send it "
            "in If-None-Match to read only a newer one; a row's, in If-Match to write only "
            "that version."
        ),
    }
}
_IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        "Write only if the resource still has this ETag (else 412, nothing written). "
        "`*` or no header: write whatever its version."
    ),
}
_IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "Answer 304 with no body if the resource still has this ETag.",
}
_NOT_MODIFIED = {
    "description": "Not modified: the resource still has the ETag in If-None-Match. No body.",
    "headers": _ETAG,
}
# What each operation of a row answers; a list and a batch answer many rows.
_ROW_ACTIONS = {"retrieve", "create", "update", "partial_update", "destroy"}
_PARAMETER = re.compile(r"\{[^}]*\}")


def _row_operations(generator: Any) -> set[tuple[str, str]]:
    """(path, parameters blanked; method) of each operation that answers an ETag."""
    found = set()
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view = getattr(callback, "cls", None)
        if not isinstance(view, type):
            continue
        actions = getattr(callback, "actions", None)
        one_row = actions is None or actions.get(method.lower()) in _ROW_ACTIONS
        if (issubclass(view, ConditionalMixin) and one_row) or (
            issubclass(view, RepresentationTagMixin) and method == "GET"
        ):
            found.add((_PARAMETER.sub("{}", path), method.lower()))
    return found


def document_conditional_requests(
    result: dict[str, Any], generator: Any = None, **kwargs: Any
) -> dict[str, Any]:
    rows = _row_operations(generator)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if (_PARAMETER.sub("{}", path), method) not in rows:
                continue
            responses = operation.setdefault("responses", {})
            for status in ("200", "201"):
                if status in responses:
                    responses[status].setdefault("headers", {}).update(_ETAG)
            if method == "get":
                operation.setdefault("parameters", []).append(_IF_NONE_MATCH)
                responses["304"] = _NOT_MODIFIED
            elif method in ("put", "patch", "delete"):
                operation.setdefault("parameters", []).append(_IF_MATCH)
                for status, description in _DESCRIPTIONS.items():
                    if status in responses:
                        responses[status]["description"] = description
    return result
