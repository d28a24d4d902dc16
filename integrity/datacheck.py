"""
Find the rows that break a rule: for data that predates a constraint.

Each query is set-based and asks what the database would: a CHECK is broken by
the rows for which its condition is false (not unknown: a NULL passes a
CHECK), compiled from the same declaration the constraint is made of; a
UNIQUE is broken by groups of more than one row, with NULLs grouped together
only where the constraint says NULLS NOT DISTINCT.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    CheckConstraint,
    Count,
    ExpressionWrapper,
    F,
    Model,
    Q,
    UniqueConstraint,
)

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
    label = model._meta.label
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            pks = _check_violations(model, constraint.condition, using)
            if pks:
                yield Finding(label, constraint.name, "check", len(pks), rows=pks[:SAMPLE])
        elif isinstance(constraint, UniqueConstraint):
            yield from _unique_violations(model, constraint, using)
    for model_field in model._meta.concrete_fields:
        if model_field.unique and not model_field.primary_key:
            unique = UniqueConstraint(fields=[model_field.name], name=model_field.name)
            for finding in _unique_violations(model, unique, using):
                finding.constraint = f"{model_field.name} (unique=True)"
                yield finding


def _check_violations(model: type[Model], condition: Any, using: str) -> list[Any]:
    # "= false", not NOT: a row whose condition is unknown (NULL) passes a CHECK.
    passes = ExpressionWrapper(condition, output_field=BooleanField())
    rows = model._base_manager.using(using).alias(passes=passes).filter(passes=False)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _unique_violations(
    model: type[Model], constraint: UniqueConstraint, using: str
) -> Iterator[Finding]:
    rows = model._base_manager.using(using)
    if constraint.condition is not None:
        rows = rows.filter(constraint.condition)
    keys: dict[str, Any] = {name: F(name) for name in constraint.fields}
    keys.update({f"expression_{i}": e for i, e in enumerate(constraint.expressions)})
    rows = rows.annotate(**{f"key_{name}": e for name, e in keys.items()})
    key_names = [f"key_{name}" for name in keys]
    if constraint.nulls_distinct is not False:
        rows = rows.filter(**{f"{name}__isnull": False for name in key_names})
    duplicates = list(
        rows.values(*key_names).annotate(rows=Count("pk")).filter(rows__gt=1).order_by(*key_names)
    )
    if not duplicates:
        return
    groups = []
    for group in duplicates[:SAMPLE]:
        match = Q(*[(name, group[name]) for name in key_names])
        pks = list(rows.filter(match).order_by("pk").values_list("pk", flat=True))
        values = {name.removeprefix("key_"): group[name] for name in key_names}
        groups.append({"values": values, "rows": pks})
    count = sum(group["rows"] for group in duplicates)
    yield Finding(model._meta.label, constraint.name, "unique", count, groups=groups)
