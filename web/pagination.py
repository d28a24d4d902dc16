from __future__ import annotations

from base64 import b64decode
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field, Model
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

INVALID_CURSOR = "invalid_cursor"
INVALID_LIMIT = "invalid"


class Pagination(CursorPagination):
    """
    Newest first, by a cursor: a page costs the same at any table size, as it
    needs no COUNT(*) and no OFFSET.

    A cursor or a limit the page cannot use is a 400 naming the parameter:
    DRF answers a cursor that does not decode with a 404, lets one whose
    position does not fit the ordering field reach the database (a 500), and
    replaces a bad limit with the default.
    """

    invalid_cursor_message = _(  # type: ignore[assignment]
        "The cursor is not valid: use a link from a page of this list."
    )
    max_page_size = 100
    ordering = "-pk"
    page_size = 20
    page_size_query_description = "Number of results per page: 20 by default, at most 100."
    page_size_query_param = "limit"

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.model: type[Model] = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        # Digits only: int() would also take " 5", "+5" and "1_0".
        size = int(value) if value.isascii() and value.isdigit() else 0
        if not 1 <= size <= self.max_page_size:
            message = _("The limit must be an integer from 1 to %(max)s.") % {
                "max": self.max_page_size
            }
            raise ValidationError(
                {self.page_size_query_param: [ErrorDetail(message, INVALID_LIMIT)]}
            )
        return size

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            # DRF's decoding, but strict: it drops characters that are not base64.
            b64decode(encoded.encode("ascii"), validate=True)
            cursor = super().decode_cursor(request)
        except (NotFound, ValueError):
            raise self.invalid_cursor() from None
        if cursor is None or cursor.position is None:
            return cursor
        return cursor._replace(position=self.position_value(cursor.position))

    def position_value(self, position: Any) -> Any:
        # The position is compared with the ordering field's column: a value
        # that field cannot hold would be the database's error, not the client's.
        field = self.ordering_field()
        try:
            value = field.to_python(position)
        except DjangoValidationError:
            raise self.invalid_cursor() from None
        portable = BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type())
        if value is None or (portable and not portable[0] <= value <= portable[1]):
            raise self.invalid_cursor()
        return value

    def ordering_field(self) -> Field[Any, Any]:
        name = self.ordering[0].lstrip("-")
        opts = self.model._meta
        return opts.pk if name == "pk" else opts.get_field(name)  # type: ignore[return-value]

    def invalid_cursor(self) -> ValidationError:
        detail = ErrorDetail(str(self.invalid_cursor_message), INVALID_CURSOR)
        return ValidationError({self.cursor_query_param: [detail]})

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        # DRF's example of `next` ends with a stray quote, which makes it no URI.
        link = paginated["properties"]["next"]
        link["example"] = link["example"].rstrip('"')
        return paginated
