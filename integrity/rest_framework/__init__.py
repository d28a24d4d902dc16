"""
The integrity rules in Django REST framework: serializers, the 400, the schema.

Django imports this package while it loads the apps (``integrity.rest_framework``
in ``INSTALLED_APPS`` registers this layer's system checks), before DRF's views
can be imported; so each public name is imported from its module when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from integrity.rest_framework.bulk import BulkCreateMixin, BulkListSerializer
    from integrity.rest_framework.errors import (
        ExceptionHandler,
        model_field_attr,
        violation_error,
        violations_as_400,
    )
    from integrity.rest_framework.hooks import describe_error_codes, document_batches
    from integrity.rest_framework.schema import (
        AutoSchema,
        constraint_error_codes,
        error_body_schema,
        forbid_unknown_fields,
    )
    from integrity.rest_framework.serializers import (
        UNKNOWN_FIELD,
        ConstraintModelSerializer,
        ReferenceField,
        StrictFieldsMixin,
    )

_MODULES = {
    "bulk": ["BulkCreateMixin", "BulkListSerializer"],
    "errors": ["ExceptionHandler", "model_field_attr", "violation_error", "violations_as_400"],
    "hooks": ["describe_error_codes", "document_batches"],
    "schema": [
        "AutoSchema",
        "constraint_error_codes",
        "error_body_schema",
        "forbid_unknown_fields",
    ],
    "serializers": [
        "UNKNOWN_FIELD",
        "ConstraintModelSerializer",
        "ReferenceField",
        "StrictFieldsMixin",
    ],
}
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

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
    "describe_error_codes",
    "document_batches",
    "error_body_schema",
    "forbid_unknown_fields",
    "model_field_attr",
    "violation_error",
    "violations_as_400",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
