"""
The service's AutoSchema: integrity's, plus what the HTTP plumbing adds to every
operation it documents.

- Any request can carry too many query parameters: every operation's 400 lists
  ``too_many_fields``.
- A paginated list's 400 lists its cursor's and limit's codes.
- A 201 names the created resource in ``Location`` (a batch's 201 creates many:
  it names none).
- 413 where the operation reads a body; 403 where a browser session's write may
  fail its CSRF check; a 400 that is no validation error with its codes.
- 429 only where a rate limit applies.
- Every operation has a summary and says who may call it.
- Every operation takes ``Accept-Language``: the language of each error's ``detail``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_standardized_errors.handler import exception_handler as standardized_errors_handler
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS

from integrity import NON_FIELD
from integrity.rest_framework import AutoSchema as IntegrityAutoSchema
from integrity.rest_framework import describe_error_codes as describe_integrity_codes
from integrity.rest_framework.bulk import BULK_ACTION, is_bulk_create
from web.exceptions import TOO_MANY_FIELDS, TOO_MANY_FIELDS_MESSAGE, BadRequest
from web.pagination import INVALID_CURSOR, INVALID_LIMIT, Pagination
from web.schema import ErrorResponse400Serializer
from web.throttling import WriteThrottle

LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    description="The URL of the created resource.",
    response=[201],
)
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "The language of every error's `detail`: "
        + ", ".join(f"`{code}` ({name})" for code, name in settings.LANGUAGES)
        + ", as in HTTP (`de-CH, de;q=0.9, en;q=0.5`); any other language gets English. "
        "The `code` of an error is the same in every language. The response says which "
        "language it chose in `Content-Language` (and `Vary: Accept-Language`)."
    ),
)

# The summary of a standard action: a verb and the model's verbose name.
_ACTION_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create {a} {name}",
    "retrieve": "Retrieve {a} {name}",
    "update": "Replace {a} {name}",
    "partial_update": "Update {a} {name}",
    "destroy": "Delete {a} {name}",
    BULK_ACTION: "Create many {plural} at once, all or none",
}
# The action a plain APIView's method stands for.
_METHOD_ACTIONS = {
    "POST": "create",
    "PUT": "update",
    "PATCH": "partial_update",
    "DELETE": "destroy",
}


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
        parameters = [*super().get_override_parameters(), ACCEPT_LANGUAGE]
        if is_bulk_create(self.view):
            return parameters
        return [*parameters, LOCATION]

    def get_summary(self) -> str | None:
        """
        A summary (shown in the operation list of Swagger UI and ReDoc): the one
        given by extend_schema, else the first line of the method's own docstring,
        else the standard action's verb and the model's name.
        """
        summary = super().get_summary()
        if summary:
            return summary
        method = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        if method is not None and method.__doc__:
            return str(method.__doc__).strip().splitlines()[0].rstrip(".")
        return self._action_summary()

    def _action_summary(self) -> str | None:
        action = getattr(self.view, "action", None)
        if action is None:
            action = (
                "list" if self._is_list_view() else _METHOD_ACTIONS.get(self.method, "retrieve")
            )
        template = _ACTION_SUMMARIES.get(action)
        model = self._model()
        if template is None or model is None:
            return None
        name = str(model._meta.verbose_name)
        article = "an" if name[:1] in ("a", "e", "i", "o") else "a"  # not "an user"
        return template.format(a=article, name=name, plural=model._meta.verbose_name_plural)

    def _model(self) -> type[models.Model] | None:
        queryset = getattr(self.view, "queryset", None)
        if queryset is not None:
            model: type[models.Model] = queryset.model
            return model
        if not hasattr(self.view, "get_serializer_class"):
            return None
        meta = getattr(self.view.get_serializer_class(), "Meta", None)
        return getattr(meta, "model", None)

    def get_auth(self) -> list[dict[str, Any]]:
        # An operation anyone may call says so with `security: []` (get_operation):
        # Swagger UI shows it without a lock, and an SDK sends it no credentials.
        auth: list[dict[str, Any]] = super().get_auth()
        return [] if {} in auth else auth

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and not operation.get("security"):
            operation["security"] = []
        return operation

    def _should_add_http401_error_response(self) -> bool:
        # A public operation still answers 401 to a credential that is wrong.
        return any(super().get_auth())

    def _should_add_http429_error_response(self) -> bool:
        # The write limit (web/throttling.py) never answers a read.
        return any(
            not (isinstance(throttle, WriteThrottle) and self.method in SAFE_METHODS)
            for throttle in self.view.get_throttles()
        )

    def _get_http400_serializer(self) -> Any:
        # A 400 that is no validation error is a parse error, or a refusal of
        # the request as a whole: all their codes are documented.
        proxy: Any = super()._get_http400_serializer()  # a PolymorphicProxySerializer
        if ClientErrorEnum.CLIENT_ERROR.value in proxy.serializers:
            proxy.serializers[ClientErrorEnum.CLIENT_ERROR.value] = ErrorResponse400Serializer
        return proxy

    def _should_add_error_response(self, responses: dict[str, Any], status_code: str) -> bool:
        if super()._should_add_error_response(responses, status_code):
            return status_code != "413" or self._reads_body()
        # drf-standardized-errors leaves out 403 where every caller is allowed.
        return (
            status_code == "403"
            and status_code not in responses
            and self.view.get_exception_handler() is standardized_errors_handler
            and self._may_fail_csrf()
        )

    def _reads_body(self) -> bool:
        # Django refuses an oversized body (413) when the view reads it.
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None

    def _may_fail_csrf(self) -> bool:
        # A browser session's unsafe request without its CSRF token is a 403,
        # even where every caller is allowed.
        return self.method not in ("GET", "HEAD", "OPTIONS") and any(
            isinstance(authenticator, SessionAuthentication)
            for authenticator in self.view.get_authenticators()
        )


def describe_error_codes(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """integrity's hook, with the messages of the codes the service adds."""
    extra = {
        TOO_MANY_FIELDS: str(TOO_MANY_FIELDS_MESSAGE),
        INVALID_CURSOR: str(Pagination.invalid_cursor_message),
        str(BadRequest.default_code): str(BadRequest.default_detail),
        "parse_error": "JSON parse error - <what is wrong>.",
    }
    return describe_integrity_codes(result, extra=extra, **kwargs)
