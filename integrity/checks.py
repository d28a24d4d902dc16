"""
System checks (``manage.py check``) for the mistakes that would otherwise only
show as a wrong 400: a constraint with Django's default message. The checks of
serializers' ``Meta.constraint_attrs`` are ``integrity.rest_framework``'s.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db.models import CheckConstraint, Model, UniqueConstraint


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
