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
    """Raise now for a foreign key of ``model`` written in this transaction that names no row."""
    # At the outermost level PostgreSQL's COMMIT checks them and names the
    # constraint; inside a savepoint nothing would until the request ends.
    with deferred_keys_checked(connection, model, by_commit=not connection.savepoint_ids) as broken:
        pass
    if broken:
        rule = foreign_key_rule(model, broken[0][1])
        if rule is not None:
            raise KnownViolation(rule)
        raise IntegrityError("FOREIGN KEY constraint failed")


@contextmanager
def deferred_keys_checked(
    connection: BaseDatabaseWrapper, model: type[Model], *, by_commit: bool = False
) -> Iterator[list[tuple[int, str]]]:
    """
    Check the deferred foreign keys of the block's writes of ``model`` before
    the transaction ends, the one way each database can.

    PostgreSQL checks each statement of the block (``SET CONSTRAINTS ALL
    IMMEDIATE``), which raises ``IntegrityError`` there, and defers them again
    after it; the list yielded stays empty. SQLite cannot check a statement
    early: after the block the list holds the model's rows whose key names no
    row, as ``(rowid, column)``.

    ``by_commit``: the transaction ends with the block and PostgreSQL's COMMIT
    checks them anyway (SQLite's names no constraint, so it is checked still).
    """
    broken: list[tuple[int, str]] = []
    if not any(is_enforced_foreign_key(f) for f in model._meta.concrete_fields):
        yield broken
    elif connection.vendor == "postgresql" and not by_commit:
        set_constraints(connection, "IMMEDIATE")
        yield broken
        set_constraints(connection, "DEFERRED")
    elif connection.vendor == "sqlite":
        yield broken
        broken.extend(sqlite_broken_keys(connection, model))
    else:
        yield broken


def set_constraints(connection: BaseDatabaseWrapper, mode: str) -> None:
    """PostgreSQL: check the deferrable constraints at each statement, or at COMMIT."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS ALL {mode}")


def sqlite_broken_keys(
    connection: BaseDatabaseWrapper, model: type[Model]
) -> list[tuple[int, str]]:
    """SQLite: the rows of the model's table whose foreign key names no row, by rowid and column."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA foreign_key_check({table})")
        violations = cursor.fetchall()
        if not violations:
            return []
        cursor.execute(f"PRAGMA foreign_key_list({table})")
        columns = {row[0]: row[3] for row in cursor.fetchall()}
    return [(rowid, columns.get(key_id, "")) for _table, rowid, _parent, key_id in violations]
