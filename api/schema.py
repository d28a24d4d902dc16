"""
OpenAPI: every write endpoint's 400 lists the rule codes it can answer.

The codes come from the same table the translation uses, attached to the same
field the serializer attaches them to, so the documentation cannot drift from
the behaviour.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from api.constraints import NON_FIELD, table
from api.serializers import UNKNOWN_FIELD, ConstraintModelSerializer, StrictFieldsMixin
from api.throttling import WriteThrottle


class AutoSchema(StandardizedErrorsAutoSchema):
    def _should_add_http429_error_response(self) -> bool:
        # The write limit (api/throttling.py) never answers a read.
        return any(
            not (isinstance(throttle, WriteThrottle) and self.method in SAFE_METHODS)
            for throttle in self.view.get_throttles()
        )

    def _get_validation_error_codes_by_field(self, data_fields: Any) -> dict[str, set[str]]:
        codes: dict[str, set[str]] = super()._get_validation_error_codes_by_field(data_fields)
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


class ErrorCode413Enum(models.TextChoices):
    REQUEST_TOO_LARGE = "request_too_large"


class ErrorCode502Enum(models.TextChoices):
    REMOTE_API_FAILED = "remote_api_failed"


class ErrorCode503Enum(models.TextChoices):
    DATABASE_UNAVAILABLE = "database_unavailable"
    REMOTE_API_NOT_CONFIGURED = "remote_api_not_configured"
    REMOTE_API_TOKEN_KEY_MISSING = "remote_api_token_key_missing"  # noqa: S105 (a code)


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


ErrorResponse413Serializer = _error_response(413, ErrorCode413Enum)
ErrorResponse502Serializer = _error_response(502, ErrorCode502Enum)
ErrorResponse503Serializer = _error_response(503, ErrorCode503Enum)
