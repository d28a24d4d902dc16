"""
Migration operations that add a rule to a table that already holds rows,
without stopping the writes to it.

``AddConstraint`` validates every row while it holds the table's ACCESS
EXCLUSIVE lock on PostgreSQL, and a new UNIQUE builds its index under a lock
that blocks writes: on a large table every write waits while it runs. Here:

- ``AddCheckConstraintNotValid`` adds a CHECK that new writes must keep from
  that moment, without reading the old rows (PostgreSQL's ``NOT VALID``: the
  exclusive lock is held only to change the catalog).
- ``CleanViolations`` fixes or deletes the rows that break a rule, in short
  batches (``integrity.cleanup``).
- ``ValidateConstraint`` checks the old rows (PostgreSQL's ``VALIDATE
  CONSTRAINT``, under a SHARE UPDATE EXCLUSIVE lock that lets writes go on).
  Rows that break the rule fail it with the rule's name and how many rows; the
  rule stays in force for new writes.
- ``AddUniqueConstraintConcurrently`` builds the UNIQUE's index with ``CREATE
  UNIQUE INDEX CONCURRENTLY`` and attaches it as the constraint (``ADD
  CONSTRAINT … UNIQUE USING INDEX``). Duplicates fail it with the rule's name
  and how many rows, and leave no index behind.

Run them in a migration with ``atomic = False``: in one transaction the locks
of each step would be held until the last one ends. SQLite has no such locks
(a writer holds the whole database); there the operations do what it can: the
CHECK is added by its table rebuild without checking the copied rows, and is
validated by the same query ``find_constraint_violations`` runs.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import NotSupportedError, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddConstraint
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import (
    BaseConstraint,
    CheckConstraint,
    Deferrable,
    Model,
    UniqueConstraint,
)
from django.db.utils import IntegrityError

from integrity.cleanup import BATCH_SIZE, clean_violations, untimed
from integrity.datacheck import duplicate_count, failing_rows


class RowsBreakRule(Exception):
    """A rule could not be validated or built: rows of the table break it."""

    def __init__(self, model: type[Model], constraint: BaseConstraint, count: int) -> None:
        self.constraint_name = constraint.name
        self.count = count
        label = model._meta.label
        super().__init__(
            f"{constraint.name}: {count} rows of {label} break the rule. Clean them "
            f"(manage.py clean_constraint_violations {label} {constraint.name}) and migrate again."
        )


class AddCheckConstraintNotValid(AddConstraint):
    """A CHECK new writes keep at once; ``ValidateConstraint`` checks the old rows."""

    def __init__(self, model_name: str, constraint: CheckConstraint) -> None:
        if not isinstance(constraint, CheckConstraint):
            raise TypeError("AddCheckConstraintNotValid takes a CheckConstraint.")
        super().__init__(model_name, constraint)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            sql = self.constraint.create_sql(model, schema_editor)
            # create_sql() interpolates its values: params=None keeps them as they are.
            schema_editor.execute(f"{sql} NOT VALID", params=None)
        elif vendor == "sqlite":
            # The rebuild copies the rows into a table that has the CHECK;
            # they are checked by ValidateConstraint, as on PostgreSQL.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = ON")
                try:
                    schema_editor.add_constraint(model, self.constraint)
                finally:
                    cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            schema_editor.add_constraint(model, self.constraint)

    def describe(self) -> str:
        return f"Create constraint {self.constraint.name} on model {self.model_name}, not valid"

    @property
    def migration_name_fragment(self) -> str:
        return f"{super().migration_name_fragment}_not_valid"


class ValidateConstraint(Operation):
    """Check the old rows against a CHECK added by ``AddCheckConstraintNotValid``."""

    reversible = True

    def __init__(self, model_name: str, name: str) -> None:
        self.model_name = model_name
        self.name = name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [], {"model_name": self.model_name, "name": self.name}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        if not self.allow_migrate_model(connection.alias, model):
            return
        constraint = _constraint(model, self.name)
        if not isinstance(constraint, CheckConstraint):
            raise TypeError(f"{self.name}: only a CHECK constraint is validated.")
        if connection.vendor == "postgresql":
            table = schema_editor.quote_name(model._meta.db_table)
            name = schema_editor.quote_name(self.name)
            try:
                with _untimed(schema_editor), transaction.atomic(using=connection.alias):
                    schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
                return
            except IntegrityError:
                pass  # counted below
        with _untimed(schema_editor):
            count = failing_rows(model, constraint, connection.alias).count()
        if count:
            raise RowsBreakRule(model, constraint, count)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        pass  # a validated constraint cannot be made not valid again; nothing to undo

    def describe(self) -> str:
        return f"Validate constraint {self.name} on model {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_validate_{self.name.lower()}"


class AddUniqueConstraintConcurrently(AddConstraint):
    """A UNIQUE whose index is built while writes go on, then attached as the constraint."""

    def __init__(self, model_name: str, constraint: UniqueConstraint) -> None:
        if not isinstance(constraint, UniqueConstraint):
            raise TypeError("AddUniqueConstraintConcurrently takes a UniqueConstraint.")
        super().__init__(model_name, constraint)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        if not self.allow_migrate_model(connection.alias, model):
            return
        if connection.vendor != "postgresql":
            _add_or_count(model, self.constraint, schema_editor)
            return
        if connection.in_atomic_block:
            raise NotSupportedError(
                f"{self.constraint.name}: CREATE INDEX CONCURRENTLY cannot run in a "
                "transaction; set atomic = False on the migration."
            )
        constraint: UniqueConstraint = self.constraint  # type: ignore[assignment]
        statement: Any = constraint.create_sql(model, schema_editor)
        # A UNIQUE of plain fields is created as ALTER TABLE … ADD CONSTRAINT;
        # its index is built first, then attached.
        attach = statement.template == schema_editor.sql_create_unique
        if attach:
            statement.template = schema_editor.sql_create_unique_index
        sql = str(statement).replace("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX CONCURRENTLY", 1)
        name = schema_editor.quote_name(constraint.name)
        # An earlier run that was stopped leaves an invalid index of that name.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        try:
            with _untimed(schema_editor):
                schema_editor.execute(sql, params=None)
        except IntegrityError:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            with _untimed(schema_editor):
                count = duplicate_count(model, constraint, connection.alias)
            raise RowsBreakRule(model, constraint, count) from None
        if attach:
            table = schema_editor.quote_name(model._meta.db_table)
            deferrable = _DEFERRABLE.get(constraint.deferrable, "")
            schema_editor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}{deferrable}"
            )

    def describe(self) -> str:
        return f"Create constraint {self.constraint.name} on model {self.model_name}, concurrently"

    @property
    def migration_name_fragment(self) -> str:
        return f"{super().migration_name_fragment}_concurrently"


class CleanViolations(Operation):
    """
    Delete the rows that break a rule, or give them ``update``'s values, in
    batches of ``batch_size``, each its own transaction (``integrity.cleanup``).

    ``constraint``: the rule, or the name of one the model already has (a
    CHECK added by ``AddCheckConstraintNotValid`` just before). Undoing it
    does nothing: the rows are gone, or fixed.
    """

    reversible = True
    reduces_to_sql = False

    def __init__(
        self,
        model_name: str,
        constraint: BaseConstraint | str,
        update: dict[str, Any] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.model_name = model_name
        self.constraint = constraint
        self.update = update
        self.batch_size = batch_size

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name, "constraint": self.constraint}
        if self.update:
            kwargs["update"] = self.update
        if self.batch_size != BATCH_SIZE:
            kwargs["batch_size"] = self.batch_size
        return self.__class__.__name__, [], kwargs

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        alias = schema_editor.connection.alias
        if not self.allow_migrate_model(alias, model):
            return
        constraint = self.constraint
        if isinstance(constraint, str):
            constraint = _constraint(model, constraint)
        batches = clean_violations(
            model, constraint, update=self.update, batch_size=self.batch_size, using=alias
        )
        for _batch in batches:
            pass

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        pass

    @property
    def rule_name(self) -> str:
        return self.constraint if isinstance(self.constraint, str) else self.constraint.name

    def describe(self) -> str:
        return f"Clean the rows of model {self.model_name} that break {self.rule_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_clean_{self.rule_name.lower()}"


def _untimed(schema_editor: BaseDatabaseSchemaEditor) -> AbstractContextManager[None]:
    # sqlmigrate collects the SQL: nothing runs, nothing to lift.
    return nullcontext() if schema_editor.collect_sql else untimed(schema_editor.connection)


_DEFERRABLE: dict[Deferrable | None, str] = {
    Deferrable.DEFERRED: " DEFERRABLE INITIALLY DEFERRED",
    Deferrable.IMMEDIATE: " DEFERRABLE INITIALLY IMMEDIATE",
}


def _constraint(model: type[Model], name: str) -> BaseConstraint:
    for constraint in model._meta.constraints:
        if constraint.name == name:
            return constraint
    raise ValueError(f"{model._meta.label} has no constraint {name!r}.")


def _add_or_count(
    model: type[Model], constraint: BaseConstraint, schema_editor: BaseDatabaseSchemaEditor
) -> None:
    alias = schema_editor.connection.alias
    if isinstance(constraint, UniqueConstraint):
        count = duplicate_count(model, constraint, alias)
        if count:
            raise RowsBreakRule(model, constraint, count)
    schema_editor.add_constraint(model, constraint)
