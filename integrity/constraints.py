"""
A unique constraint in which NULL equals NULL, enforced by every supported database.

PostgreSQL 15+ has it natively (``UNIQUE NULLS NOT DISTINCT``, Django's
``nulls_distinct=False``). SQLite has no such clause, and Django creates a plain
unique constraint there, under which two rows with NULLs never conflict. On
SQLite this constraint is instead a unique index on ``COALESCE(column, '')``
for each column: '' is no value a NULL-able column of another type holds, and
SQLite compares values with their types, so only NULL maps to it. The index
carries the constraint's name, so a violation reports the same name, and the
API the same code, on both databases. Nothing is stored beside the row: no
path (``update()``, ``bulk_create()``, raw SQL) can bypass it or leave it stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core import checks
from django.db import NotSupportedError
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import CharField, F, Model, UniqueConstraint, Value
from django.db.models.functions import Coalesce


class UniqueNullsNotDistinct(UniqueConstraint):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["nulls_distinct"] = False
        super().__init__(*args, **kwargs)

    def _emulated(self, schema_editor: BaseDatabaseSchemaEditor) -> UniqueConstraint | None:
        connection = schema_editor.connection
        if connection.features.supports_nulls_distinct_unique_constraints:
            return None
        if connection.vendor != "sqlite" or self.expressions:
            raise NotSupportedError(
                f"{self.name}: NULLS NOT DISTINCT needs PostgreSQL 15+ or SQLite."
            )
        return UniqueConstraint(
            *(Coalesce(F(name), Value(""), output_field=CharField()) for name in self.fields),
            name=self.name,
            condition=self.condition,
        )

    def constraint_sql(self, model: type[Model] | None, schema_editor: Any) -> Any:
        emulated = self._emulated(schema_editor)
        if emulated is None:
            return super().constraint_sql(model, schema_editor)
        return emulated.constraint_sql(model, schema_editor)

    def create_sql(self, model: type[Model] | None, schema_editor: Any) -> Any:
        emulated = self._emulated(schema_editor)
        if emulated is None:
            return super().create_sql(model, schema_editor)
        return emulated.create_sql(model, schema_editor)

    def remove_sql(self, model: type[Model] | None, schema_editor: Any) -> Any:
        emulated = self._emulated(schema_editor)
        if emulated is None:
            return super().remove_sql(model, schema_editor)
        return emulated.remove_sql(model, schema_editor)

    # Django warns (models.W047) that SQLite ignores nulls_distinct; here it is
    # emulated, so the warning is dropped. Django 5.2 runs constraint checks
    # through the private BaseConstraint._check(), Django 6.0 and later through
    # the public check(); integrity/tests/test_constraints.py (no system check
    # warns) guards both, run on each by scripts/integrity-matrix.
    def _check(self, model: type[Model], connection: Any) -> list[checks.CheckMessage]:
        return _emulated_on_sqlite(super()._check(model, connection))  # type: ignore[misc]

    def check(self, model: type[Model], connection: Any) -> list[checks.CheckMessage]:
        return _emulated_on_sqlite(super().check(model, connection))

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        kwargs.pop("nulls_distinct", None)
        return path, args, kwargs


def _emulated_on_sqlite(found: list[checks.CheckMessage]) -> list[checks.CheckMessage]:
    return [message for message in found if message.id != "models.W047"]
