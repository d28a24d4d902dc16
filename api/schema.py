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
from drf_standardized_errors.openapi_serializers import ServerErrorEnum
from rest_framework import serializers

from api.constraints import table
from api.serializers import ConstraintModelSerializer


class AutoSchema(StandardizedErrorsAutoSchema):
    def _get_validation_error_codes_by_field(self, data_fields: Any) -> dict[str, set[str]]:
        codes: dict[str, set[str]] = super()._get_validation_error_codes_by_field(data_fields)
        if self.method not in ("POST", "PUT", "PATCH"):
            return codes
        serializer = self.get_request_serializer()
        if isinstance(serializer, ConstraintModelSerializer):
            for rule in table().by_model.get(serializer.Meta.model, ()):
                codes.setdefault(serializer.attr_for(rule), set()).add(rule.code)
        return codes


class ErrorCode502Enum(models.TextChoices):
    REMOTE_API_FAILED = "remote_api_failed"


class Error502Serializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=ErrorCode502Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse502Serializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = Error502Serializer(many=True)  # type: ignore[assignment]


class ErrorCode503Enum(models.TextChoices):
    DATABASE_UNAVAILABLE = "database_unavailable"
    REMOTE_API_NOT_CONFIGURED = "remote_api_not_configured"


class Error503Serializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=ErrorCode503Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse503Serializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = Error503Serializer(many=True)  # type: ignore[assignment]
