"""
Find the rows that break a rule: for data that predates a constraint.

Each query is set-based and asks what the database would: a CHECK is broken by
the rows for which its condition is false (not unknown: a NULL passes a
CHECK), compiled from the same declaration the constraint is made of; a
UNIQUE is broken by groups of more than one row, with NULLs grouped together
only where the constraint says NULLS NOT DISTINCT. Nothing is loaded but the
counts and a sample: a table of millions of rows is read by the database, not
by Python. ``integrity.cleanup`` fixes the rows these same queries find.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CheckConstraint,
    Count,
    F,
    Min,
    Model,
    Q,
    QuerySet,
    Sum,
    UniqueConstraint,
)

from integrity.evaluation import condition_holds

SAMPLE = 20


@dataclass
class Finding:
    model: str
    constraint: str
    kind: str
    count: int
    rows: list[Any] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)


def find_violations(model: type[Model], using: str = "default") -> Iterator[Finding]:
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            yield from _check_violations(model, constraint, using)
        elif isinstance(constraint, UniqueConstraint):
            yield from _unique_violations(model, constraint, using)
    for model_field in model._meta.concrete_fields:
        if model_field.unique and not model_field.primary_key:
            unique = UniqueConstraint(fields=[model_field.name], name=model_field.name)
            for finding in _unique_violations(model, unique, using):
                finding.constraint = f"{model_field.name} (unique=True)"
                yield finding


def failing_rows(model: type[Model], constraint: CheckConstraint, using: str) -> QuerySet[Any]:
    """The rows for which the CHECK's condition is false."""
    # "= false", not NOT: a row whose condition is unknown (NULL) passes a CHECK.
    # The same judgement as a refused write's (integrity.evaluation), over the table.
    passes = condition_holds(constraint.condition)
    rows: QuerySet[Any] = model._base_manager.using(using).alias(passes=passes)
    return rows.filter(passes=False)


def duplicate_groups(
    model: type[Model], constraint: UniqueConstraint, using: str
) -> tuple[QuerySet[Any], QuerySet[Any], list[str]]:
    """
    The rows the UNIQUE covers, with their key as ``key_<field>`` annotations;
    its groups of more than one row (``rows``: how many, ``keep``: the first
    row's key); and the names of the key annotations.
    """
    rows = model._base_manager.using(using)
    if constraint.condition is not None:
        rows = rows.filter(constraint.condition)
    keys: dict[str, Any] = {name: F(name) for name in constraint.fields}
    keys.update({f"expression_{i}": e for i, e in enumerate(constraint.expressions)})
    rows = rows.annotate(**{f"key_{name}": e for name, e in keys.items()})
    key_names = [f"key_{name}" for name in keys]
    if constraint.nulls_distinct is not False:
        rows = rows.filter(**{f"{name}__isnull": False for name in key_names})
    groups = (
        rows.values(*key_names)
        .annotate(rows=Count("pk"), keep=Min("pk"))
        .filter(rows__gt=1)
        .order_by(*key_names)
    )
    return rows, groups, key_names


def duplicate_count(model: type[Model], constraint: UniqueConstraint, using: str) -> int:
    """How many rows are in the UNIQUE's groups of more than one row."""
    _rows, groups, _keys = duplicate_groups(model, constraint, using)
    return int(groups.aggregate(total=Sum("rows"))["total"] or 0)


def group_match(group: dict[str, Any], key_names: list[str]) -> Q:
    """The rows of one duplicate group (a NULL key matches NULL)."""
    return Q(*[(name, group[name]) for name in key_names])


def _check_violations(
    model: type[Model], constraint: CheckConstraint, using: str
) -> Iterator[Finding]:
    rows = failing_rows(model, constraint, using)
    count = rows.count()
    if count:
        sample = list(rows.order_by("pk").values_list("pk", flat=True)[:SAMPLE])
        yield Finding(model._meta.label, constraint.name, "check", count, rows=sample)


def _unique_violations(
    model: type[Model], constraint: UniqueConstraint, using: str
) -> Iterator[Finding]:
    count = duplicate_count(model, constraint, using)
    if not count:
        return
    rows, groups, key_names = duplicate_groups(model, constraint, using)
    sample = []
    for group in groups[:SAMPLE]:
        pks = rows.filter(group_match(group, key_names)).order_by("pk")
        values = {name.removeprefix("key_"): group[name] for name in key_names}
        sample.append({"values": values, "rows": list(pks.values_list("pk", flat=True))})
    yield Finding(model._meta.label, constraint.name, "unique", count, groups=sample)
