"""
OpenAPI: every write endpoint's 400 lists the rule codes it can answer.

The codes come from the same table the translation uses, attached to the same
field the serializer attaches them to, so the documentation cannot drift from
the behaviour.
"""

from __future__ import annotations

from typing import Any

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.settings import package_settings

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


class AutoSchema(StandardizedErrorsAutoSchema):
    def get_response_serializers(self) -> Any:
        serializers = super().get_response_serializers()
        # A custom action answers 200 unless told: a batch creates.
        return {"201": serializers} if is_bulk_create(self.view) else serializers

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
