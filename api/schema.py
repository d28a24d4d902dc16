"""
OpenAPI: every write endpoint's 400 lists the rule codes it can answer.

The codes come from the same table the translation uses, attached to the same
field the serializer attaches them to, so the documentation cannot drift from
the behaviour. Every operation also documents each other status it can answer
(413 where it reads a body), says who may call it, and has a summary.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_standardized_errors.handler import exception_handler as standardized_errors_handler
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination

from api.constraints import NON_FIELD, table
from api.serializers import UNKNOWN_FIELD, ConstraintModelSerializer, StrictFieldsMixin

# What a paged list answers, under the parameter's name, for a cursor or a page
# size it cannot use (api.md, "Query strings and paging").
PAGE_QUERY_ERROR_CODES = {"cursor": {"invalid_cursor"}, "limit": {"invalid"}}

# The summary of a standard action: a verb and the model's verbose name.
_ACTION_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create {a} {name}",
    "retrieve": "Retrieve {a} {name}",
    "update": "Replace {a} {name}",
    "partial_update": "Update {a} {name}",
    "destroy": "Delete {a} {name}",
}
# The action a plain APIView's method stands for.
_METHOD_ACTIONS = {
    "POST": "create",
    "PUT": "update",
    "PATCH": "partial_update",
    "DELETE": "destroy",
}


class AutoSchema(StandardizedErrorsAutoSchema):
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
        # An operation that takes no credentials says so (`security: [{}]`)
        # rather than leaving it unsaid.
        auth: list[dict[str, Any]] = super().get_auth()
        return auth or [{}]

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

    def _should_add_validation_error_response(self) -> bool:
        return bool(super()._should_add_validation_error_response()) or self._pages()

    def _pages(self) -> bool:
        return (
            self.method == "GET"
            and issubclass(getattr(self.view, "pagination_class", None) or object, CursorPagination)
            and self._is_list_view()
        )

    def _get_validation_error_codes_by_field(self, data_fields: Any) -> dict[str, set[str]]:
        codes: dict[str, set[str]] = super()._get_validation_error_codes_by_field(data_fields)
        if self._pages():
            for parameter, parameter_codes in PAGE_QUERY_ERROR_CODES.items():
                codes.setdefault(parameter, set()).update(parameter_codes)
        if self.method not in ("POST", "PUT", "PATCH"):
            return codes
        serializer = self.get_request_serializer()
        if isinstance(serializer, StrictFieldsMixin):
            codes.setdefault(NON_FIELD, set()).add(UNKNOWN_FIELD)
        if isinstance(serializer, ConstraintModelSerializer):
            model: Any = serializer.Meta.model
            model = model._meta.concrete_model
            for rule in table().by_model.get(model, ()):
                codes.setdefault(serializer.attr_for(rule), set()).add(rule.code)
        return codes


def forbid_unknown_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Request bodies are strict: an unknown field is a 400, so the schema says so."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


class ErrorCode400Enum(models.TextChoices):
    PARSE_ERROR = "parse_error"
    # Refused by Django before any view (api.errors.bad_request): e.g. a Host
    # header that ALLOWED_HOSTS does not name.
    BAD_REQUEST = "bad_request"
    # More query or form parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS (api.md,
    # "Query strings and paging").
    TOO_MANY_FIELDS = "too_many_fields"


class ErrorCode413Enum(models.TextChoices):
    REQUEST_TOO_LARGE = "request_too_large"


class ErrorCode502Enum(models.TextChoices):
    REMOTE_API_FAILED = "remote_api_failed"


class ErrorCode503Enum(models.TextChoices):
    DATABASE_UNAVAILABLE = "database_unavailable"
    REMOTE_API_NOT_CONFIGURED = "remote_api_not_configured"


def _error_response(
    status: int, codes: type[models.TextChoices]
) -> type[serializers.Serializer[Any]]:
    kind = ClientErrorEnum if status < 500 else ServerErrorEnum
    error = type(
        f"Error{status}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        f"ErrorResponse{status}Serializer",
        (serializers.Serializer,),
        {"type": serializers.ChoiceField(choices=kind.choices), "errors": error(many=True)},
    )


ErrorResponse400Serializer = _error_response(400, ErrorCode400Enum)
ErrorResponse413Serializer = _error_response(413, ErrorCode413Enum)
ErrorResponse502Serializer = _error_response(502, ErrorCode502Enum)
ErrorResponse503Serializer = _error_response(503, ErrorCode503Enum)
