"""
System checks (``manage.py check``) for the mistakes that would otherwise only
show as a wrong 400: a constraint with Django's default message, and a
``Meta.constraint_attrs`` that names no rule, or no field, or restates the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core import checks
from django.db.models import CheckConstraint, Model, UniqueConstraint
from django.urls import get_resolver

from integrity.rest_framework.serializers import ConstraintModelSerializer
from integrity.rules import NON_FIELD, Rule, rules_of


def check_constraint_messages(**kwargs: Any) -> list[checks.CheckMessage]:
    return [
        warning for model in apps.get_models() for warning in constraint_message_warnings(model)
    ]


def constraint_message_warnings(model: type[Model]) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for constraint in model._meta.constraints:
        unique_fields = isinstance(constraint, UniqueConstraint) and constraint.fields
        if unique_fields or not isinstance(constraint, (CheckConstraint, UniqueConstraint)):
            # A unique key of fields gets Django's own "... already exists" message.
            continue
        if constraint.violation_error_message == constraint.default_violation_error_message:
            found.append(
                checks.Warning(
                    f"Constraint {constraint.name!r} has Django's default message, "
                    "which names the constraint; API clients would read it.",
                    hint="Give it a violation_error_message.",
                    obj=model,
                    id="integrity.W001",
                )
            )
    return found


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
