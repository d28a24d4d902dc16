"""
The trigger that raises a ``Versioned`` row's version on every UPDATE, installed
for every such model after ``migrate`` (and after ``flush``), where it is
missing: PostgreSQL sets ``NEW.version`` before the row is written; SQLite, whose
triggers cannot change ``NEW``, rewrites the column after it.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from conditional.versions import Versioned


def versioned_models() -> list[type[Model]]:
    return [
        model
        for model in global_apps.get_models()
        if issubclass(model, Versioned) and not model._meta.proxy
    ]


def trigger_name(model: type[Model]) -> str:
    return f"{model._meta.db_table}_bump_version"


def install_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Create each versioned table's trigger where it is missing (a post_migrate receiver)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    for model in versioned_models():
        if (
            model._meta.db_table in tables
            and router.allow_migrate_model(using, model)
            and _has_version_column(connection, model)
            and not has_trigger(connection, model)
        ):
            with connection.cursor() as cursor:
                for sql in create_trigger_sql(connection, model):
                    cursor.execute(sql)


def _has_version_column(connection: BaseDatabaseWrapper, model: type[Model]) -> bool:
    # Migrated back to before the column was added: nothing to install.
    column = model._meta.get_field("version").column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return any(field.name == column for field in description)


def has_trigger(connection: BaseDatabaseWrapper, model: type[Model]) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [trigger_name(model)])
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [trigger_name(model)],
            )
        else:
            raise NotImplementedError(f"Row versions need a trigger on {connection.vendor}.")
        return cursor.fetchone() is not None


def create_trigger_sql(connection: BaseDatabaseWrapper, model: type[Model]) -> list[str]:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    name = quote(trigger_name(model))
    column = quote(str(model._meta.get_field("version").column))  # type: ignore[union-attr]
    pk = quote(str(model._meta.pk.column))
    if connection.vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN NEW.{column} := OLD.{column} + 1; RETURN NEW; END $$",
            f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    # Every name is the model's, quoted: nothing comes from a request.
    bump = f"UPDATE {table} SET {column} = OLD.{column} + 1 WHERE {pk} = NEW.{pk}"  # noqa: S608
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER UPDATE ON {table} "
        f"FOR EACH ROW BEGIN {bump}; END"
    ]


def drop_trigger_sql(connection: BaseDatabaseWrapper, model: type[Model]) -> list[str]:
    name = connection.ops.quote_name(trigger_name(model))
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return [f"DROP TRIGGER IF EXISTS {name}"]
