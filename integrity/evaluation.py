"""
Every rule a row breaks, as the database judges it.

A database stops at the first rule a write breaks. Once it has refused one, a
single SELECT asks it about every declared rule of the model for the same
submitted values, without writing:

- each CHECK: its own condition (the ``Q`` or expression the constraint is
  made of), with the row's values in place of its columns; false is broken,
  unknown (NULL) passes, as in a CHECK;
- each UNIQUE (constraints, ``unique=True`` fields, ``unique_together``): the
  first stored row, other than this one, with the row's key; NULLs collide only
  where the constraint says NULLS NOT DISTINCT, and a partial UNIQUE only when
  the row meets its condition;
- each foreign key: whether the row it names exists.

Nothing of a rule is restated in Python: the declarations are compiled as the
constraints are, and the database answers. An accepted write never runs it.
A UNIQUE on expressions is left to the violation the database reported.

The SELECT is compiled once per model and set of rules, the row's values its
parameters. It has no table to select from: it is built on Django's ``Query``
without a model, as Django's own ``Q.check()`` builds its one (no public API
makes such a SELECT); integrity/tests/test_evaluation.py, which the matrix runs
on Django 5.2, 6.0 and 6.1, fails if that stops working.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    CheckConstraint,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    Q,
    Subquery,
    UniqueConstraint,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression, RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, IsNull
from django.db.models.sql import Query

from integrity.rules import Rule, rules_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broken:
    # None: a violation the database reported that matches no declared rule.
    rule: Rule | None
    # A UNIQUE: the primary key of the row the submitted one collides with.
    other: Any = None
    # A batch: the index of the earlier row of the batch it collides with.
    repeats: int | None = None


def condition_holds(condition: Q | BaseExpression) -> ExpressionWrapper[Any]:
    """A CHECK's condition as a value: true, false, or NULL (unknown, which passes)."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def broken_rules(
    instance: Model, using: str = DEFAULT_DB_ALIAS, *, fields: Collection[str] | None = None
) -> list[Broken]:
    """
    The declared rules ``instance`` breaks, in declaration order; one SELECT.

    ``fields``: judge only the rules that involve none but these fields (the
    ones a client sent valid values for).
    """
    model = type(instance)
    concrete = model._meta.concrete_fields
    values = {f.attname: getattr(instance, f.attname) for f in concrete}
    # A value the database computes (db_default) is not known before the write.
    unknown = {f.name for f in concrete if hasattr(values[f.attname], "resolve_expression")}
    chosen = tuple(
        index
        for index, rule in enumerate(rules_of(model))
        if (fields is None or set(rule.fields) <= set(fields)) and not unknown & set(rule.fields)
    )
    adding = instance._state.adding or instance.pk is None
    judgement = _compiled(model, using, chosen, adding)
    if not judgement.rules:
        return []
    connection = connections[using]
    # Inside a transaction a failed SELECT must not break it: a savepoint.
    guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        params = [
            each.field.get_db_prep_value(values[each.field.attname], connection)
            if isinstance(each, _Slot)
            else each
            for each in judgement.params
        ]
        with guard, connection.cursor() as cursor:
            cursor.execute(judgement.sql, params)
            row = cursor.fetchone()
    except (DatabaseError, TypeError, ValueError, DjangoValidationError) as exc:
        # As Django's Q.check(): a rule the database cannot judge for these
        # values (nor a value its column cannot take) is left to the violation
        # the database reported, or to the field errors found before it.
        logger.warning("Could not judge the rules of %s: %s", model._meta.label, type(exc).__name__)
        return []
    return [
        Broken(rule, other=value if rule.kind == "unique" else None)
        for rule, value in zip(judgement.rules, row or (), strict=False)
        if _is_broken(rule, value, instance)
    ]


class _Slot:
    """Where the compiled judgement takes one of the row's values (a query parameter)."""

    __slots__ = ("field", "sql")

    def __init__(self, field: Any, using: str) -> None:
        self.field = field
        connection = connections[using]
        # PostgreSQL types a parameter from where it stands, and cannot type a
        # NULL in "%s IS NULL": each value is cast to its column's type. SQLite
        # compares values with their types and needs no cast (nor would take one
        # for a date, which it would turn into a number).
        cast = connection.vendor == "postgresql"
        self.sql = f"%s::{field.cast_db_type(connection)}" if cast else "%s"


@dataclass(frozen=True)
class _Judgement:
    sql: str
    # The query's parameters: its own constants, and a _Slot for each row value.
    params: tuple[Any, ...]
    rules: tuple[Rule, ...]


@lru_cache(maxsize=512)
def _compiled(model: type[Model], using: str, chosen: tuple[int, ...], adding: bool) -> _Judgement:
    """
    The SELECT that judges the ``chosen`` rules of ``model`` (indexes into
    ``rules_of``), compiled once: the row's values are its parameters.
    """
    rules = rules_of(model)
    slots = {f.attname: _Slot(f, using) for f in model._meta.concrete_fields}
    query = Query(None)
    for name, value in _submitted(model, slots).items():
        query.add_annotation(value, name, select=False)
    judged: list[Rule] = []
    for index in chosen:
        expression = _judgement(rules[index], slots, using, adding)
        if expression is not None:
            query.add_annotation(expression, f"rule_{len(judged)}")
            judged.append(rules[index])
    if not judged:
        return _Judgement("", (), ())
    sql, params = query.get_compiler(using=using).as_sql()
    return _Judgement(sql, tuple(params), tuple(judged))


def _value_of(slots: dict[str, _Slot], field: Any) -> RawSQL:
    # A parameter the compiler keeps as it is: the _Slot, filled in at each call.
    slot = slots[field.attname]
    return RawSQL(slot.sql, [slot], output_field=field)  # noqa: S611 (a placeholder and a cast)


def _submitted(model: type[Model], slots: dict[str, _Slot]) -> dict[str, Any]:
    """Each concrete field's value in the row, by name, column name and ``pk``."""
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        value = _value_of(slots, field)
        values[field.name] = value
        values[field.attname] = value
        if field.primary_key:
            values["pk"] = value
    return values


def _is_broken(rule: Rule, value: Any, instance: Model) -> bool:
    if rule.kind == "unique":
        return value is not None
    if rule.kind == "reference":
        # A NULL reference names no row and breaks no key.
        field: Any = type(instance)._meta.get_field(rule.fields[0])
        return getattr(instance, field.attname) is not None and not value
    return value is not None and not value  # a CHECK: false breaks it, unknown passes


def _judgement(rule: Rule, slots: dict[str, _Slot], using: str, adding: bool) -> Any:
    constraint = rule.constraint
    if isinstance(constraint, CheckConstraint):
        return Coalesce(
            condition_holds(constraint.condition), Value(True), output_field=BooleanField()
        )
    if rule.kind == "unique":
        return _collision(rule, slots, using, adding)
    if rule.kind == "reference":
        return _reference_exists(rule, slots, using)
    return None


def _collision(rule: Rule, slots: dict[str, _Slot], using: str, adding: bool) -> Any:
    model = rule.model
    constraint = rule.constraint
    unique = constraint if isinstance(constraint, UniqueConstraint) else None
    if unique is not None and unique.expressions:
        return None
    nulls_distinct = unique is None or unique.nulls_distinct is not False
    others = model._base_manager.using(using).all()
    for name in rule.fields:
        field: Any = model._meta.get_field(name)
        value = _value_of(slots, field)
        # "=" never matches a NULL: a NULL key collides with nothing, unless
        # the constraint says NULLS NOT DISTINCT.
        same = Q(Exact(F(name), value))
        if not nulls_distinct:
            same |= Q(IsNull(F(name), True), IsNull(value, True))
        others = others.filter(same)
    if unique is not None and unique.condition is not None:
        others = others.filter(unique.condition)
    if not adding:
        pk: Any = model._meta.pk
        others = others.exclude(Exact(F("pk"), _value_of(slots, pk)))
    first = Subquery(others.order_by("pk").values("pk")[:1])
    if unique is not None and unique.condition is not None:
        # The submitted row is covered only when it meets the condition itself.
        return Case(When(unique.condition, then=first), default=None)
    return first


def _reference_exists(rule: Rule, slots: dict[str, _Slot], using: str) -> Any:
    field: Any = rule.model._meta.get_field(rule.fields[0])
    target = field.target_field
    rows = target.model._base_manager.using(using).filter(
        Exact(F(target.attname), _value_of(slots, field))
    )
    return Exists(rows)


def every_broken_rule(
    reported: Rule | None, instance: Model | None, using: str = DEFAULT_DB_ALIAS
) -> list[Broken]:
    """
    What to tell a client whose write of ``instance`` the database refused with
    the ``reported`` rule: every rule the row breaks, in declaration order. The
    reported one is kept even when the second look does not find it (a row that
    collided has gone since, a rule no query judges).
    """
    found = broken_rules(instance, using) if instance is not None else []
    if reported is None:
        return [*found, Broken(None)]
    if any(_same(b.rule, reported) for b in found):
        return found
    order = {(r.code, r.fields): i for i, r in enumerate(rules_of(reported.model))}
    merged = [*found, Broken(reported)]
    return sorted(
        merged, key=lambda b: order.get((b.rule.code, b.rule.fields), -1) if b.rule else -1
    )


def _same(rule: Rule | None, other: Rule) -> bool:
    return rule is not None and (rule.code, rule.fields) == (other.code, other.fields)
