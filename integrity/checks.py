"""
System checks (``manage.py check``) for the mistakes that would otherwise only
show as a wrong 400 (a constraint with Django's default message) or as writes
that wait while a migration adds a rule to a table that holds rows. The checks of
serializers' ``Meta.constraint_attrs`` are ``integrity.rest_framework``'s.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db import connections, migrations
from django.db.migrations import Migration
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


def check_live_table_migrations(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """
    integrity.W003: an ``AddConstraint`` that would validate a table holding
    rows under an exclusive lock on PostgreSQL; integrity.W004: steps that
    ``integrity.operations`` makes lock-free, run in one transaction.
    """
    if not any(connections[alias].vendor == "postgresql" for alias in connections):
        return []
    from django.db.migrations.loader import MigrationLoader

    labels = {config.label for config in app_configs} if app_configs else None
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found: list[checks.CheckMessage] = []
    for (app_label, _name), migration in sorted(loader.disk_migrations.items()):
        if labels is None or app_label in labels:
            found.extend(migration_warnings(migration))
    return found


def migration_warnings(migration: Migration) -> list[checks.CheckMessage]:
    from integrity.operations import (
        AddCheckConstraintNotValid,
        AddUniqueConstraintConcurrently,
        CleanViolations,
        ValidateConstraint,
    )

    created = {
        operation.name_lower
        for operation in migration.operations
        if isinstance(operation, migrations.CreateModel)
    }
    added_not_valid = {
        operation.constraint.name
        for operation in migration.operations
        if isinstance(operation, AddCheckConstraintNotValid)
    }
    found: list[checks.CheckMessage] = []

    def warn(message: str, hint: str, check_id: str) -> None:
        found.append(checks.Warning(message, hint=hint, obj=migration, id=check_id))

    for operation in migration.operations:
        # Django's own AddConstraint: subclasses (NOT VALID, concurrently) are the advice.
        exact = type(operation) is migrations.AddConstraint
        if (
            isinstance(operation, migrations.AddConstraint)
            and exact
            and operation.model_name_lower not in created
        ):
            constraint = operation.constraint
            if isinstance(constraint, CheckConstraint):
                warn(
                    f"AddConstraint {constraint.name!r} reads every row of the table under an "
                    "ACCESS EXCLUSIVE lock on PostgreSQL: every read and write of it waits.",
                    "Add it with integrity.operations.AddCheckConstraintNotValid, then "
                    "ValidateConstraint, in a migration with atomic = False "
                    "(docs/deploying.md).",
                    "integrity.W003",
                )
            elif isinstance(constraint, UniqueConstraint):
                warn(
                    f"AddConstraint {constraint.name!r} builds its index under a lock that "
                    "blocks every write of the table on PostgreSQL.",
                    "Add it with integrity.operations.AddUniqueConstraintConcurrently, in a "
                    "migration with atomic = False (docs/deploying.md).",
                    "integrity.W003",
                )
        if not migration.atomic:
            continue
        if isinstance(operation, AddUniqueConstraintConcurrently):
            warn(
                f"AddUniqueConstraintConcurrently {operation.constraint.name!r} cannot run in a "
                "transaction, and this migration is atomic.",
                "Set atomic = False on the migration.",
                "integrity.W004",
            )
        elif isinstance(operation, ValidateConstraint) and operation.name in added_not_valid:
            warn(
                f"ValidateConstraint {operation.name!r} runs in the transaction that added the "
                "constraint, which holds its ACCESS EXCLUSIVE lock until the validation ends.",
                "Set atomic = False on the migration, or validate in the next migration.",
                "integrity.W004",
            )
        elif isinstance(operation, CleanViolations):
            warn(
                f"CleanViolations {operation.rule_name!r} runs its batches in the migration's "
                "one transaction: its row locks are held until the last batch ends.",
                "Set atomic = False on the migration.",
                "integrity.W004",
            )
    return found
