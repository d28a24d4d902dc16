"""
OpenAPI error bodies for what the service adds to drf-standardized-errors': a
400 that is no validation error, a body over the size limit (413) and a database
out of reach (503). A feature with statuses of its own declares its codes beside
its views with ``error_body_schema``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from web.exceptions import BadRequest, DatabaseUnavailable, RequestTooLarge


class ErrorCode400Enum(models.TextChoices):
    PARSE_ERROR = ParseError.default_code
    # Refused by Django before any view (web.errors.bad_request): e.g. a Host
    # header that ALLOWED_HOSTS does not name.
    BAD_REQUEST = BadRequest.default_code


class ErrorCode413Enum(models.TextChoices):
    REQUEST_TOO_LARGE = RequestTooLarge.default_code


class ErrorCode503Enum(models.TextChoices):
    DATABASE_UNAVAILABLE = DatabaseUnavailable.default_code


def error_body_schema(
    status: int, codes: type[models.TextChoices], name: str = ""
) -> type[serializers.Serializer[Any]]:
    """The error body of ``status`` whose ``code`` is one of ``codes``."""
    kind = ClientErrorEnum if status < 500 else ServerErrorEnum
    error = type(
        f"Error{status}{name}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        f"ErrorResponse{status}{name}Serializer",
        (serializers.Serializer,),
        {"type": serializers.ChoiceField(choices=kind.choices), "errors": error(many=True)},
    )


ErrorResponse400Serializer = error_body_schema(400, ErrorCode400Enum)
ErrorResponse413Serializer = error_body_schema(413, ErrorCode413Enum)
ErrorResponse503Serializer = error_body_schema(503, ErrorCode503Enum)
