"""
``VersionTrigger``: the migration operation, after the ``AddField`` of a
``Versioned`` model's ``version``, that installs the trigger raising it on every
UPDATE; reversed, it drops the trigger before the column goes.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from conditional.triggers import create_trigger_sql, drop_trigger_sql, has_trigger


class VersionTrigger(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # a trigger is no part of the models' state

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        if self.allow_migrate_model(connection.alias, model) and not has_trigger(connection, model):
            for sql in create_trigger_sql(connection, model):
                schema_editor.execute(sql, params=None)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            for sql in drop_trigger_sql(schema_editor.connection, model):
                schema_editor.execute(sql, params=None)

    def describe(self) -> str:
        return f"Raise {self.model_name}.version on every UPDATE (a trigger)"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_version_trigger"
