"""
The table of data rules, derived from the models.

Every rule the database enforces for a model is listed here once, built from the
model's own declarations: ``Meta.constraints`` (the name, fields and
``violation_error_message`` of each), ``unique=True`` fields, the primary key,
``unique_together``, foreign keys and NOT NULL columns. Nothing is kept by hand:
the API's error codes, the OpenAPI documentation of those codes and the
data-check command all read this table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from django.apps import apps
from django.db import connections
from django.db.models import (
    BaseConstraint,
    CheckConstraint,
    Expression,
    F,
    Field,
    ForeignKey,
    Model,
    Q,
    UniqueConstraint,
)
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

GENERIC_CODE = "constraint_violation"
GENERIC_MESSAGE = _("The request conflicts with a data rule of the service.")
NON_FIELD = "non_field_errors"
# A batch row that collides with an earlier row of its own batch.
REPEATS_ROW = _("This row repeats row %(row)s of the batch.")


def _interpolate(message: StrOrPromise, params: Mapping[str, Any]) -> str:
    return str(message) % {
        name: str(value) if isinstance(value, Promise) else value for name, value in params.items()
    }


# A message with its placeholders filled in the language of the response, not
# the one active when the rule table was built.
interpolated = lazy(_interpolate, str)


@dataclass(frozen=True)
class Rule:
    model: type[Model]
    code: str
    # Lazy: it reads in the language of the response it is put in.
    message: StrOrPromise
    # Model field names the rule involves; an error attaches to the field when
    # there is exactly one, else to non_field_errors.
    fields: tuple[str, ...]
    constraint: BaseConstraint | None = None
    # "check", "unique", "reference" (a foreign key), "not_null" or "other".
    kind: str = "other"

    @property
    def field(self) -> str | None:
        return self.fields[0] if len(self.fields) == 1 else None


@dataclass(frozen=True)
class RuleTable:
    # The database's name of a constraint or index -> its rule.
    by_constraint_name: dict[str, Rule]
    # (table, the columns of a unique key) -> its rule: SQLite names columns, not keys.
    by_key_columns: dict[tuple[str, frozenset[str]], Rule]
    # (table, column) -> the model and field that own it.
    field_of_column: dict[tuple[str, str], tuple[type[Model], str]]
    # Every rule of a model: declared constraints, then unique fields and keys.
    by_model: dict[type[Model], tuple[Rule, ...]]


def constraint_code(constraint: BaseConstraint) -> str:
    """The API code of a constraint: its ``violation_error_code`` if set, else its name."""
    return constraint.violation_error_code or constraint.name


def referenced_fields(constraint: BaseConstraint) -> tuple[str, ...]:
    names: list[str] = []
    if isinstance(constraint, UniqueConstraint):
        names.extend(constraint.fields)
        names.extend(_expression_fields(constraint.expressions))
    elif isinstance(constraint, CheckConstraint):
        condition = constraint.condition
        if isinstance(condition, Q):
            names.extend(sorted(condition.referenced_base_fields))
        else:
            names.extend(_expression_fields([condition]))
    return tuple(dict.fromkeys(names))


def _expression_fields(expressions: Iterable[object]) -> Iterator[str]:
    for expression in expressions:
        if isinstance(expression, Expression):
            for node in expression.flatten():
                if isinstance(node, F):
                    yield _base_name(node)
        elif isinstance(expression, F):
            yield _base_name(expression)


def _base_name(reference: F) -> str:
    name: str = getattr(reference, "name")  # noqa: B009 (F.name is untyped in the stubs)
    return name.split("__", 1)[0]


def _message(model: type[Model], constraint: BaseConstraint) -> StrOrPromise:
    message = constraint.violation_error_message or constraint.default_violation_error_message
    default = constraint.default_violation_error_message
    if message == default and isinstance(constraint, UniqueConstraint) and constraint.fields:
        return _unique_message(model, tuple(constraint.fields))
    # As BaseConstraint.get_violation_error_message(), in the response's language.
    return interpolated(message, {"name": constraint.name})


def _unique_message(model: type[Model], fields: tuple[str, ...]) -> StrOrPromise:
    # Django's own message for the key ("A user with that username already exists."),
    # whose template and verbose names are translated.
    error = model().unique_error_message(model, fields)
    return interpolated(error.message, error.params or {})


def _pinned_pk_rule(model: type[Model], declared: Iterable[Rule]) -> Rule | None:
    # A CHECK that involves only the primary key (a singleton's ``id = 1``) is
    # the rule a primary-key conflict breaks: a second row is what it forbids.
    pk_name = model._meta.pk.name if model._meta.pk else None
    for rule in declared:
        if isinstance(rule.constraint, CheckConstraint) and rule.fields in {(pk_name,), ("pk",)}:
            return rule
    return None


def model_rules(model: type[Model]) -> tuple[Rule, ...]:
    """The declared rules of one model, in declaration order."""
    rules = []
    for constraint in model._meta.constraints:
        fields = referenced_fields(constraint)
        rules.append(
            Rule(
                model=model,
                code=constraint_code(constraint),
                message=_message(model, constraint),
                fields=fields,
                constraint=constraint,
                kind=_kind(constraint),
            )
        )
    return tuple(rules)


def _kind(constraint: BaseConstraint) -> str:
    if isinstance(constraint, CheckConstraint):
        return "check"
    if isinstance(constraint, UniqueConstraint):
        return "unique"
    return "other"


def _columns(model: type[Model], names: Iterable[str]) -> list[str]:
    return [_column(cast("Field[Any, Any]", model._meta.get_field(name))) for name in names]


def _column(field: Field[Any, Any]) -> str:
    return cast(str, field.column)


def _candidate_names(model: type[Model], columns: list[str], suffix: str) -> Iterator[str]:
    # The names Django and the database give constraints that the model does
    # not name itself: PostgreSQL's "<table>_<col>_key" / "<table>_pkey" for
    # inline ones, and Django's hashed names for those added by ALTER TABLE.
    # Django has no public way to ask the name it gives such a constraint; the
    # private SchemaEditor._create_index_name() is what it uses itself.
    # integrity/tests/test_translation.py (foreign-key and unique-field refusals
    # on PostgreSQL) fails if it changes.
    table = model._meta.db_table
    for alias in connections:
        editor: Any = connections[alias].SchemaEditorClass(connections[alias])
        yield editor._create_index_name(table, columns, suffix=suffix)
    if suffix == "_uniq":
        yield f"{table}_{'_'.join(columns)}_key"


class _Builder:
    def __init__(self) -> None:
        self.by_constraint_name: dict[str, Rule] = {}
        self.by_key_columns: dict[tuple[str, frozenset[str]], Rule] = {}
        self.field_of_column: dict[tuple[str, str], tuple[type[Model], str]] = {}
        self.by_model: dict[type[Model], tuple[Rule, ...]] = {}

    def add(
        self,
        rule: Rule,
        columns: list[str] | None = None,
        names: Iterable[str] = (),
        listed: bool = True,
    ) -> None:
        known = self.by_model.get(rule.model, ())
        if listed and all((r.code, r.fields) != (rule.code, rule.fields) for r in known):
            self.by_model[rule.model] = (*known, rule)
        if columns is not None:
            self.by_key_columns.setdefault((rule.model._meta.db_table, frozenset(columns)), rule)
        for name in names:
            self.by_constraint_name.setdefault(name, rule)

    def add_model(self, model: type[Model]) -> None:
        declared = model_rules(model)
        for rule in declared:
            constraint = rule.constraint
            keyed = isinstance(constraint, UniqueConstraint) and constraint.fields
            columns = _columns(model, cast(UniqueConstraint, constraint).fields) if keyed else None
            self.add(rule, columns, [constraint.name] if constraint else [])
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            column = _column(field)
            self.field_of_column[(table, column)] = (model, field.name)
            single = (field.name,)
            if field.primary_key:
                # A generated key's conflict is no rule a client can break,
                # unless a CHECK pins the key (a singleton).
                pinned = _pinned_pk_rule(model, declared)
                rule = pinned or _unique_rule(model, single)
                self.add(rule, [column], [f"{table}_pkey"], listed=pinned is not None)
            elif field.unique:
                rule = _unique_rule(model, single)
                self.add(rule, [column], _candidate_names(model, [column], "_uniq"))
            if is_enforced_foreign_key(field):
                target = field.target_field
                suffix = f"_fk_{target.model._meta.db_table}_{target.column}"
                names = _candidate_names(model, [column], suffix)
                self.add(_foreign_key_rule(model, field), names=names)
        for together in model._meta.unique_together:
            columns = _columns(model, together)
            names = _candidate_names(model, columns, "_uniq")
            self.add(_unique_rule(model, tuple(together)), columns, names)


def is_enforced_foreign_key(field: object) -> TypeGuard[ForeignKey[Any, Any]]:
    return isinstance(field, ForeignKey) and bool(getattr(field, "db_constraint", True))


def _unique_rule(model: type[Model], fields: tuple[str, ...]) -> Rule:
    return Rule(model, "unique", _unique_message(model, fields), fields, kind="unique")


def _build() -> RuleTable:
    builder = _Builder()
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.proxy and model._meta.managed:
            builder.add_model(model)
    return RuleTable(
        builder.by_constraint_name,
        builder.by_key_columns,
        builder.field_of_column,
        builder.by_model,
    )


@cache
def rule_table() -> RuleTable:
    """Every rule of every installed model, built once."""
    return _build()


def rules_of(model: type[Model]) -> tuple[Rule, ...]:
    """The rules a write of ``model`` can break (a proxy's are its concrete model's)."""
    return rule_table().by_model.get(model._meta.concrete_model or model, ())


def not_null_rule(db_table: str, column: str) -> Rule | None:
    found = rule_table().field_of_column.get((db_table, column))
    if found is None:
        return None
    model, field_name = found
    return Rule(model, "null", _("This field may not be null."), (field_name,), kind="not_null")


def foreign_key_rule(model: type[Model], column: str) -> Rule | None:
    field = next((f for f in model._meta.concrete_fields if f.column == column), None)
    return _foreign_key_rule(model, field) if isinstance(field, ForeignKey) else None


def _foreign_key_rule(model: type[Model], field: ForeignKey[Model, Model]) -> Rule:
    message = interpolated(
        _("The referenced %(field)s does not exist."), {"field": field.verbose_name}
    )
    return Rule(model, "does_not_exist", message, (field.name,), kind="reference")
