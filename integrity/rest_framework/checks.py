"""
System checks of the DRF layer: a serializer's ``Meta.constraint_attrs`` that
names no rule, or no field, or restates the default attr.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core import checks
from django.urls import get_resolver

from integrity.rest_framework.serializers import ConstraintModelSerializer
from integrity.rules import NON_FIELD, Rule, rules_of


def check_constraint_attrs(**kwargs: Any) -> list[checks.CheckMessage]:
    # Serializers are found through the views the URLconf routes to.
    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    found: list[checks.CheckMessage] = []
    for serializer_class in _subclasses(ConstraintModelSerializer):
        meta: Any = getattr(serializer_class, "Meta", None)
        declared: dict[str, str] = dict(getattr(meta, "constraint_attrs", {}))
        model = getattr(meta, "model", None)
        if not declared or model is None:
            continue
        rules = {rule.code: rule for rule in rules_of(model)}
        serializer = serializer_class()
        for code, attr in declared.items():
            found.extend(_check_entry(serializer, rules, code, attr))
    return found


def _check_entry(
    serializer: ConstraintModelSerializer[Any], rules: dict[str, Rule], code: str, attr: str
) -> Iterator[checks.CheckMessage]:
    serializer_class = type(serializer)
    name = f"{serializer_class.__module__}.{serializer_class.__qualname__}"
    if code not in rules:
        yield checks.Error(
            f"{name}.Meta.constraint_attrs names {code!r}, which is no rule of its model.",
            hint=f"Rules: {', '.join(sorted(rules))}.",
            obj=serializer_class,
            id="integrity.E001",
        )
    elif attr not in {*serializer.fields, NON_FIELD}:
        yield checks.Error(
            f"{name}.Meta.constraint_attrs attaches {code!r} to {attr!r}, "
            "which is no field of the serializer.",
            obj=serializer_class,
            id="integrity.E002",
        )
    elif attr == serializer.default_error_attr(rules[code]):
        yield checks.Warning(
            f"{name}.Meta.constraint_attrs[{code!r}] restates the default attr {attr!r}.",
            hint="Remove the entry.",
            obj=serializer_class,
            id="integrity.W002",
        )


def _subclasses(cls: type[Any]) -> Iterator[type[Any]]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)
