"""A table that predates some of its model's constraints, and migrations run on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import Model

from integrity.violations import identify_violation


def constraint_of(model: type[Model], name: str) -> Any:
    # CheckConstraint or UniqueConstraint, as the operation under test takes.
    return next(c for c in model._meta.constraints if c.name == name)


def in_database(model: type[Model], name: str) -> bool:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return name in found


class LiveTable:
    """A model's table without some of its constraints, and a migration to run on it."""

    def __init__(self, model: type[Model], names: Sequence[str]) -> None:
        self.model = model
        self.app_label = model._meta.app_label
        self.state = ProjectState.from_apps(apps)
        for name in names:
            self.state.remove_constraint(self.app_label, str(model._meta.model_name), name)

    def migrate(self, *operations: Operation) -> None:
        """What migrate does for a migration of these operations with atomic = False."""
        for operation in operations:
            to_state = self.state.clone()
            operation.state_forwards(self.app_label, to_state)
            with connection.schema_editor(atomic=False) as editor:
                operation.database_forwards(self.app_label, editor, self.state, to_state)
            self.state = to_state


@contextmanager
def live_table(model: type[Model], *names: str) -> Iterator[LiveTable]:
    """The constraints are dropped for the block, as in a table that predates them."""
    table = LiveTable(model, names)
    without = table.state.apps.get_model(model._meta.label)
    with connection.schema_editor() as editor:
        for name in names:
            editor.remove_constraint(without, constraint_of(model, name))
    try:
        yield table
    finally:
        model._base_manager.all().delete()
        missing = [name for name in names if not in_database(model, name)]
        with connection.schema_editor() as editor:
            for name in missing:
                editor.add_constraint(model, constraint_of(model, name))


def refused(write: Callable[[], object]) -> str | None:
    """The code of the rule the database refuses ``write()`` for; None if it is kept."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError as exc:
        rule = identify_violation(exc)
        return rule.code if rule else "unknown"
    return None
