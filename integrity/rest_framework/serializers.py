"""
A ModelSerializer that leaves the data rules to the database.

DRF's ModelSerializer checks uniqueness with a SELECT before it writes, and
resolves every foreign key with another. Both race with concurrent writers and
restate a rule the database already enforces. Here the write goes straight to
the database, and the violation it reports becomes the 400: the code is the
constraint's ``violation_error_code`` (else its name), the message its
``violation_error_message``.

``Meta.constraint_attrs`` names the field an error attaches to, for rules that
involve several fields (as Ecto's ``check_constraint(changeset, :field, ...)``).

A refused write is answered with every rule the row breaks, judged by the
database (``integrity.evaluation``); a body with invalid fields, with those
errors and every rule that involves only its valid fields.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field as ModelField
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import Field, SkipField, empty
from rest_framework.validators import UniqueValidator

from integrity.evaluation import broken_rules
from integrity.rest_framework.errors import broken_error, violations_as_400
from integrity.rules import NON_FIELD, Rule, foreign_key_rule

M = TypeVar("M", bound=Model)


class ReferenceField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A foreign key by its primary key, checked by the database, not a SELECT."""

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        queryset = self.get_queryset()
        assert queryset is not None  # noqa: S101 (DRF asserts a queryset at bind time)
        model = queryset.model
        try:
            pk = model._meta.pk.to_python(data)
        except Exception:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not isinstance(pk, int) or not 0 < pk <= _largest_key(model):
            self.missing(data)
        return model(pk=pk)  # type: ignore[no-any-return]

    def missing(self, data: Any) -> None:
        """A key no row can have: the same error as one the database finds names no row."""
        parent_model = getattr(getattr(self.parent, "Meta", None), "model", None)
        if parent_model is not None and len(self.source_attrs) == 1:
            model_field: Any = parent_model._meta.get_field(self.source_attrs[0])
            rule = foreign_key_rule(parent_model, model_field.column)
            if rule is not None:
                raise serializers.ValidationError(ErrorDetail(str(rule.message), code=rule.code))
        self.fail("does_not_exist", pk_value=data)

    def get_attribute(self, instance: Any) -> Any:
        # The key's column value: neither the related row nor DRF's
        # PKOnlyObject, once per row of every page.
        if len(self.source_attrs) == 1:
            return getattr(instance, f"{self.source_attrs[0]}_id")
        return super().get_attribute(instance)

    def to_representation(self, value: Any) -> Any:
        return value.pk if isinstance(value, Model) else value


def _largest_key(model: type[Model]) -> int:
    # The largest key every backend can store: a larger one names no row, and
    # the database would refuse to compare with it rather than answer "none".
    internal_type = model._meta.pk.get_internal_type()
    _, high = BaseDatabaseOperations.integer_field_ranges.get(internal_type, (0, 2**63 - 1))
    return high


def _unbound_copy(field: Field) -> Field:  # type: ignore[type-arg]
    """A field as built, for one serializer to bind: its own name, parent and source."""
    if (
        isinstance(field, serializers.BaseSerializer)
        or hasattr(field, "child")
        or (hasattr(field, "child_relation"))
    ):
        # Bound to the field that holds it: a copy of the whole, as DRF makes one.
        return copy.deepcopy(field)
    # What binding sets is the copy's own, and so is every container a
    # serializer may change in place (its validators list, messages, style,
    # a mutable default); the validators themselves, choices and a queryset
    # are shared, as DRF's own deep copy shares the validators.
    bound = copy.copy(field)
    own = bound.__dict__
    if "_validators" in own:
        own["_validators"] = list(own["_validators"])
    for name in ("error_messages", "style"):
        if isinstance(own.get(name), dict):
            own[name] = dict(own[name])
    default = own.get("default", empty)
    if default is not empty and not callable(default):
        own["default"] = copy.deepcopy(default)
    return bound


UNKNOWN_FIELD = "unknown_field"
UNKNOWN_FIELD_MESSAGE = _("Unknown field: %(name)s.")


class StrictFieldsMixin:
    """
    A field the serializer does not know is a 400 (`unknown_field`), not silently
    dropped; a read-only field sent in a body is ignored, as DRF ignores it.
    """

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                # Not attached to the field itself: its name is the client's,
                # and the documented attrs are the serializer's fields.
                detail = [
                    ErrorDetail(UNKNOWN_FIELD_MESSAGE % {"name": name}, code=UNKNOWN_FIELD)
                    for name in unknown
                ]
                raise serializers.ValidationError({NON_FIELD: detail})
        return super().to_internal_value(data)  # type: ignore[misc]


class ConstraintModelSerializer(StrictFieldsMixin, serializers.ModelSerializer[M]):
    serializer_related_field = ReferenceField
    # Each class's own, set by get_fields() (a subclass builds its own).
    _field_prototypes: ClassVar[dict[str, Field]]  # type: ignore[type-arg]

    @cached_property
    def _readable_fields(self) -> list[Field]:  # type: ignore[type-arg]
        # DRF filters the fields anew for every row it represents. There is no
        # public hook: this is DRF's private property that to_representation()
        # reads. Were it renamed, this would only stop saving time.
        return [field for field in self.fields.values() if not field.write_only]

    def get_fields(self) -> dict[str, Field]:  # type: ignore[type-arg]
        # DRF reads the model and builds every field anew for each serializer:
        # for each request, and for each row of a batch. Here the fields are
        # built once per class, from its Meta and declared fields alone (as
        # ModelSerializer builds them), and each serializer binds copies. A
        # serializer whose fields depend on the request or instance overrides
        # this method and builds them itself.
        cls = type(self)
        prototypes = cls.__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = super().get_fields()
            cls._field_prototypes = prototypes
        return {name: _unbound_copy(field) for name, field in prototypes.items()}

    def get_unique_together_validators(self) -> list[Any]:
        return []

    def get_unique_for_date_validators(self) -> list[Any]:
        return []

    def get_uniqueness_extra_kwargs(
        self, field_names: Any, declared_fields: Any, extra_kwargs: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        return extra_kwargs, {}

    def build_standard_field(
        self, field_name: str, model_field: Any
    ) -> tuple[type[Field], dict[str, Any]]:  # type: ignore[type-arg]
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField):
            # Stored as sent: a rule about blank strings is the database's.
            field_kwargs.setdefault("trim_whitespace", False)
        # The range every backend can store, not the default connection's:
        # SQLite stores 64 bits in an IntegerField, PostgreSQL 32.
        portable = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
        if portable is not None:
            low, high = portable
            field_kwargs["min_value"] = max(field_kwargs.get("min_value", low), low)
            field_kwargs["max_value"] = min(field_kwargs.get("max_value", high), high)
        return field_class, field_kwargs

    def build_field(self, *args: Any, **kwargs: Any) -> tuple[type[Field], dict[str, Any]]:  # type: ignore[type-arg]
        field_class, field_kwargs = super().build_field(*args, **kwargs)
        if "validators" in field_kwargs:
            field_kwargs["validators"] = [
                v for v in field_kwargs["validators"] if not isinstance(v, UniqueValidator)
            ]
        return field_class, field_kwargs

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(data, Mapping) and isinstance(exc.detail, dict):
                self.add_rules_of_valid_fields(exc.detail, data)
            raise

    def add_rules_of_valid_fields(self, errors: dict[str, Any], data: Mapping[str, Any]) -> None:
        """
        To the field errors of a body, add every rule that involves only its
        valid fields, as the database judges them: one SELECT, nothing written.
        """
        model: type[Model] = self.Meta.model
        values: dict[str, Any] = {}
        invalid: set[str] = set()
        for field in self._writable_fields:
            if len(field.source_attrs) != 1:
                continue
            source = field.source_attrs[0]
            if field.field_name in errors:
                invalid.add(source)
                continue
            try:
                values[source] = field.run_validation(field.get_value(data))
            except (serializers.ValidationError, DjangoValidationError):
                invalid.add(source)
            except SkipField:
                pass
        if self.instance is not None:
            # A partial update keeps the stored values of the fields it omits.
            row = model(**self.stored_values(self.instance))
            row._state.adding = False
            known = {f.name for f in model._meta.concrete_fields}
        else:
            # A create stores the model's default in a field the body omits.
            row = model()
            known = {f.source_attrs[0] for f in self._writable_fields if len(f.source_attrs) == 1}
        if self.instance is not None and not self.partial:
            values = {**self.omitted_values(values), **values}
        for name, value in values.items():
            setattr(row, name, value)
        for broken in broken_rules(row, fields=known - invalid):
            attr, detail = broken_error(broken, self.error_attr)
            found = errors.setdefault(attr, [])
            if isinstance(found, list) and detail not in found:
                found.append(detail)

    def stored_values(self, instance: M) -> dict[str, Any]:
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    def create(self, validated_data: Any) -> M:
        with violations_as_400(
            self.Meta.model,
            error_attr=self.error_attr,
            one_statement=self.is_one_statement(validated_data),
            row=lambda: self.submitted_row(validated_data),
        ):
            return super().create(validated_data)

    def update(self, instance: M, validated_data: Any) -> M:
        if not self.partial:
            validated_data = {**self.omitted_values(validated_data), **validated_data}
        with violations_as_400(
            self.Meta.model,
            error_attr=self.error_attr,
            one_statement=self.is_one_statement(validated_data),
            # ModelSerializer.update() sets the values on the instance, then saves it.
            row=lambda: instance,
        ):
            return super().update(instance, validated_data)

    def submitted_row(self, validated_data: Any) -> M | None:
        """The row ``create()`` tried to insert, unsaved (its many-to-many values aside)."""
        model: type[M] = self.Meta.model
        many = {field.name for field in model._meta.many_to_many}
        try:
            return model(**{k: v for k, v in validated_data.items() if k not in many})
        except (TypeError, ValueError):
            return None

    def omitted_values(self, validated_data: Any) -> dict[str, Any]:
        """
        What a replacement (PUT) stores in the fields the client left out: null
        where the field takes it, else the model's default. DRF's update keeps
        the stored value, which makes PUT a merge.
        """
        model: type[Model] = self.Meta.model
        values: dict[str, Any] = {}
        for field in self._writable_fields:
            if len(field.source_attrs) != 1 or field.source_attrs[0] in validated_data:
                continue
            name: str = field.source_attrs[0]
            if field.allow_null:
                values[name] = None
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, ModelField) and model_field.has_default():
                values[name] = model_field.get_default()
        return values

    def is_one_statement(self, validated_data: Any) -> bool:
        # ModelSerializer saves the row, then sets many-to-many relations; a
        # multi-table model saves a row per table.
        model: type[Model] = self.Meta.model
        opts = model._meta
        many = {field.name for field in opts.many_to_many}
        return not opts.parents and not many.intersection(validated_data)

    def error_attr(self, rule: Rule) -> str:
        """The field of this serializer a violation of ``rule`` attaches to."""
        declared: dict[str, str] = dict(getattr(self.Meta, "constraint_attrs", {}))
        return declared.get(rule.code) or self.default_error_attr(rule)

    def default_error_attr(self, rule: Rule) -> str:
        """The serializer field of the rule's one model field, else non_field_errors."""
        if rule.field is None:
            return NON_FIELD
        model_field = rule.model._meta.get_field(rule.field)
        sources = {rule.field, getattr(model_field, "attname", rule.field)}
        for name, field in self.fields.items():
            if field.source in sources:
                return str(name)
        return NON_FIELD
