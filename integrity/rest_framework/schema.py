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
from drf_standardized_errors.settings import package_settings
from rest_framework import serializers

from integrity.rest_framework.bulk import BULK_DESCRIPTION, BulkListSerializer, is_bulk_create
from integrity.rest_framework.serializers import (
    UNKNOWN_FIELD,
    ConstraintModelSerializer,
    StrictFieldsMixin,
)
from integrity.rules import NON_FIELD, rules_of

LIST_INDEX: str = package_settings.LIST_INDEX_IN_API_SCHEMA


def constraint_error_codes(serializer: object) -> dict[str, set[str]]:
    """The 400 codes a write through ``serializer`` can answer, by attr."""
    if isinstance(serializer, BulkListSerializer):
        # drf-standardized-errors names a row's fields INDEX.<field>.
        rows = constraint_error_codes(serializer.child)
        batch = {f"{LIST_INDEX}.{attr}": found for attr, found in rows.items()}
        batch[NON_FIELD] = {"max_length"}
        batch[LIST_INDEX] = {"null"}  # a row that is null
        return batch
    codes: dict[str, set[str]] = {}
    if isinstance(serializer, StrictFieldsMixin):
        codes.setdefault(NON_FIELD, set()).add(UNKNOWN_FIELD)
    if isinstance(serializer, ConstraintModelSerializer):
        for rule in rules_of(serializer.Meta.model):
            codes.setdefault(serializer.error_attr(rule), set()).add(rule.code)
    return codes


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


class AutoSchema(StandardizedErrorsAutoSchema):
    """
    drf-standardized-errors' AutoSchema, with each write's rule codes in its 400
    and the error bodies a view declares for statuses of its own: a mapping
    ``error_schemas`` (status -> ``error_body_schema(...)``), or a method
    ``get_error_schemas(method, authenticated)`` when they depend on the
    operation.
    """

    def get_response_serializers(self) -> Any:
        responses = super().get_response_serializers()
        # A custom action answers 200 unless told: a batch creates.
        return {"201": responses} if is_bulk_create(self.view) else responses

    def declared_error_schemas(self) -> dict[str, Any]:
        """The error bodies the view declares for this operation, by status."""
        declared = dict(getattr(self.view, "error_schemas", {}))
        get_error_schemas = getattr(self.view, "get_error_schemas", None)
        if get_error_schemas is not None:
            declared.update(get_error_schemas(self.method, authenticated=any(self.get_auth())))
        return {str(status): schema for status, schema in declared.items()}

    def _get_allowed_error_status_codes(self) -> list[str]:
        allowed: list[str] = super()._get_allowed_error_status_codes()
        return allowed + [
            status for status in self.declared_error_schemas() if status not in allowed
        ]

    def _get_error_response_serializer(self, status_code: str) -> Any:
        own = self.declared_error_schemas().get(status_code)
        return own or super()._get_error_response_serializer(status_code)

    def get_description(self) -> str:  # type: ignore[override]
        return BULK_DESCRIPTION if is_bulk_create(self.view) else super().get_description()

    def _get_validation_error_codes_by_field(self, data_fields: Any) -> dict[str, set[str]]:
        # drf-standardized-errors has no public hook for a 400's codes: this
        # private method is what its AutoSchema calls. The drift check of
        # openapi.yaml (scripts/check) fails if the codes vanish.
        codes: dict[str, set[str]] = super()._get_validation_error_codes_by_field(data_fields)
        if self.method in ("POST", "PUT", "PATCH"):
            for attr, found in constraint_error_codes(self.get_request_serializer()).items():
                codes.setdefault(attr, set()).update(found)
        return codes


def forbid_unknown_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Request bodies are strict: an unknown field is a 400, so the schema says so."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
