"""
OpenAPI error bodies for what the service adds to drf-standardized-errors': a
400 that is no validation error, a body over the size limit (413) and a database
out of reach (503). A feature with statuses of its own declares its codes beside
its views with integrity's ``error_body_schema``.
"""

from __future__ import annotations

from django.db import models
from rest_framework.exceptions import ParseError

from integrity.rest_framework.schema import error_body_schema
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


ErrorResponse400Serializer = error_body_schema(400, ErrorCode400Enum)
ErrorResponse413Serializer = error_body_schema(413, ErrorCode413Enum)
ErrorResponse503Serializer = error_body_schema(503, ErrorCode503Enum)
