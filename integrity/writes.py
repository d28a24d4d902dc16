"""
A write the database checks, inside a savepoint.

The write is not checked beforehand: the database checks it. Foreign keys are
deferred (PostgreSQL and SQLite both create Django's foreign keys DEFERRABLE
INITIALLY DEFERRED), so they are checked here before the savepoint is
released: a bad reference raises inside the block, where it can be translated,
not at the request's commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from integrity.rules import foreign_key_rule, is_enforced_foreign_key
from integrity.violations import KnownViolation


@contextmanager
def checked_write(
    model: type[Model], using: str = DEFAULT_DB_ALIAS, *, one_statement: bool = False
) -> Iterator[None]:
    """
    Run the block's write of ``model`` so that every rule it breaks raises
    ``IntegrityError`` inside the block, and the transaction stays usable.

    ``one_statement``: the block is a single INSERT or UPDATE of one table.
    """
    connection = connections[using]
    if one_statement and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # In autocommit one statement is its own transaction, and PostgreSQL
        # checks the deferred foreign keys when it ends: BEGIN and COMMIT
        # would add two round trips and protect nothing.
        yield
        return
    with transaction.atomic(using=using):
        yield
        check_deferred(connection, model)


def check_deferred(connection: BaseDatabaseWrapper, model: type[Model]) -> None:
    if not any(is_enforced_foreign_key(f) for f in model._meta.concrete_fields):
        return
    if connection.vendor == "postgresql":
        # At the outermost level the COMMIT checks them and reports the
        # constraint; inside a savepoint nothing would until the request ends.
        if connection.savepoint_ids:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    elif connection.vendor == "sqlite":
        # SQLite's own COMMIT error names no constraint; its check pragma does.
        db_table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA foreign_key_check({connection.ops.quote_name(db_table)})")
            violation = cursor.fetchone()
            if violation is None:
                return
            cursor.execute(f"PRAGMA foreign_key_list({connection.ops.quote_name(db_table)})")
            columns = {row[0]: row[3] for row in cursor.fetchall()}
        rule = foreign_key_rule(model, columns.get(violation[3], ""))
        if rule is not None:
            raise KnownViolation(rule)
        raise IntegrityError("FOREIGN KEY constraint failed")
