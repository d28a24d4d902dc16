"""The integrity rules in Django REST framework: serializers, the 400, the schema."""

from __future__ import annotations

from integrity.rest_framework.bulk import BulkCreateMixin, BulkListSerializer
from integrity.rest_framework.errors import (
    ExceptionHandler,
    default_error_attr,
    translated_writes,
    violation_error,
)
from integrity.rest_framework.hooks import (
    describe_error_codes,
    document_batches,
    document_idempotency,
)
from integrity.rest_framework.schema import (
    AutoSchema,
    constraint_error_codes,
    forbid_unknown_fields,
)
from integrity.rest_framework.serializers import (
    UNKNOWN_FIELD,
    ConstraintModelSerializer,
    ReferenceField,
    StrictFieldsMixin,
)

__all__ = [
    "UNKNOWN_FIELD",
    "AutoSchema",
    "BulkCreateMixin",
    "BulkListSerializer",
    "ConstraintModelSerializer",
    "ExceptionHandler",
    "ReferenceField",
    "StrictFieldsMixin",
    "constraint_error_codes",
    "default_error_attr",
    "describe_error_codes",
    "document_batches",
    "document_idempotency",
    "forbid_unknown_fields",
    "translated_writes",
    "violation_error",
]
