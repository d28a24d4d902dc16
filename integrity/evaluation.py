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
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    CheckConstraint,
    Exists,
    ExpressionWrapper,
    Model,
    Q,
    Subquery,
    UniqueConstraint,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression, DatabaseDefault
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

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
    rules = [rule for rule in rules_of(model) if fields is None or set(rule.fields) <= set(fields)]
    query = Query(None)
    for name, value in submitted_values(instance).items():
        query.add_annotation(value, name, select=False)
    judged: list[Rule] = []
    for rule in rules:
        expression = _judgement(rule, instance, using)
        if expression is not None:
            query.add_annotation(expression, f"rule_{len(judged)}")
            judged.append(rule)
    if not judged:
        return []
    connection = connections[using]
    # Inside a transaction a failed SELECT must not break it: a savepoint.
    guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as exc:
        # As Django's Q.check(): a rule the database cannot judge for these
        # values is left to the violation it reported.
        logger.warning("Could not judge the rules of %s: %s", model._meta.label, type(exc).__name__)
        return []
    return [
        Broken(rule, other=value if rule.kind == "unique" else None)
        for rule, value in zip(judged, row or (), strict=False)
        if _is_broken(rule, value)
    ]


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


def submitted_values(instance: Model) -> dict[str, Any]:
    """Each concrete field's value as a typed SQL value, by name, column name and ``pk``."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, DatabaseDefault):
            value = field.db_default
        if not hasattr(value, "resolve_expression"):
            value = Value(value, output_field=field)
        values[field.name] = value
        values[field.attname] = value
        if field.primary_key:
            values["pk"] = value
    return values


def _is_broken(rule: Rule, value: Any) -> bool:
    if rule.kind == "check":
        return value is not None and not value
    if rule.kind == "unique":
        return value is not None
    return value is not None and not value  # a reference: does the row exist?


def _judgement(rule: Rule, instance: Model, using: str) -> Any:
    constraint = rule.constraint
    if isinstance(constraint, CheckConstraint):
        return Coalesce(
            condition_holds(constraint.condition), Value(True), output_field=BooleanField()
        )
    if rule.kind == "unique":
        return _collision(rule, instance, using)
    if rule.kind == "reference":
        return _reference_exists(rule, instance, using)
    return None


def _collision(rule: Rule, instance: Model, using: str) -> Any:
    model = type(instance)
    constraint = rule.constraint
    unique = constraint if isinstance(constraint, UniqueConstraint) else None
    if unique is not None and unique.expressions:
        return None
    nulls_distinct = unique is None or unique.nulls_distinct is not False
    key: dict[str, Any] = {}
    for name in rule.fields:
        field: Any = model._meta.get_field(name)
        value = getattr(instance, field.attname)
        if value is None:
            if nulls_distinct:
                return None  # a NULL key collides with nothing
            key[f"{name}__isnull"] = True
        else:
            key[name] = value
    others = model._base_manager.using(using).filter(**key)
    if unique is not None and unique.condition is not None:
        others = others.filter(unique.condition)
    if not instance._state.adding and instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    first = Subquery(others.order_by("pk").values("pk")[:1])
    if unique is not None and unique.condition is not None:
        # The submitted row is covered only when it meets the condition itself.
        return Case(When(unique.condition, then=first), default=None)
    return first


def _reference_exists(rule: Rule, instance: Model, using: str) -> Any:
    field: Any = type(instance)._meta.get_field(rule.fields[0])
    value = getattr(instance, field.attname)
    if value is None:
        return None
    target = field.target_field
    rows = target.model._base_manager.using(using).filter(**{target.attname: value})
    return Exists(rows)
