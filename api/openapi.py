"""
The service's AutoSchema: integrity's, plus what the HTTP plumbing adds to every
operation it documents.

- Any request can carry too many query parameters: every operation's 400 lists
  ``too_many_fields``.
- A paginated list's 400 lists its cursor's and limit's codes.
- A 201 names the created resource in ``Location`` (a batch's 201 creates many:
  it names none).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.exceptions import TOO_MANY_FIELDS
from api.pagination import INVALID_CURSOR, INVALID_LIMIT, Pagination
from integrity import NON_FIELD
from integrity.rest_framework import AutoSchema as IntegrityAutoSchema

LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    description="The URL of the created resource.",
    response=[201],
)


class AutoSchema(IntegrityAutoSchema):
    def _should_add_validation_error_response(self) -> bool:
        return True

    def _get_validation_error_codes_by_field(self, data_fields: Any) -> dict[str, set[str]]:
        codes: dict[str, set[str]] = super()._get_validation_error_codes_by_field(data_fields)
        codes.setdefault(NON_FIELD, set()).add(TOO_MANY_FIELDS)
        paginator = self._get_paginator()  # type: ignore[no-untyped-call]
        if isinstance(paginator, Pagination) and self._is_list_view():
            codes.setdefault(paginator.cursor_query_param, set()).add(INVALID_CURSOR)
            codes.setdefault(paginator.page_size_query_param, set()).add(INVALID_LIMIT)
        return codes

    def get_override_parameters(self) -> list[Any]:
        # A response header of the 201s only: an operation without one shows none.
        parameters = super().get_override_parameters()
        if getattr(self.view, "action", None) == "bulk":
            return parameters
        return [*parameters, LOCATION]
