"""
Run a write in a savepoint and turn a database rule violation into a 400.

The write is not checked beforehand: the database checks it, and the
violation it raises is translated. Foreign keys are deferred (PostgreSQL and
SQLite both create Django's foreign keys DEFERRABLE INITIALLY DEFERRED), so
they are checked before the savepoint is released; a bad reference is a 400
here, not a 500 at the request's commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from rest_framework.exceptions import ErrorDetail, ValidationError

from api.constraints import (
    GENERIC_CODE,
    GENERIC_MESSAGE,
    NON_FIELD,
    Rule,
    foreign_key_rule,
    is_enforced_foreign_key,
)
from api.violations import KnownViolation, identify

AttrFor = Callable[[Rule], str]


def default_attr(rule: Rule) -> str:
    return rule.field or NON_FIELD


def violation_error(exc: IntegrityError, attr_for: AttrFor = default_attr) -> ValidationError:
    rule = identify(exc)
    if rule is None:
        return ValidationError({NON_FIELD: [ErrorDetail(GENERIC_MESSAGE, code=GENERIC_CODE)]})
    return ValidationError({attr_for(rule): [ErrorDetail(rule.message, code=rule.code)]})


@contextmanager
def translated_writes(
    model: type[Model],
    using: str = DEFAULT_DB_ALIAS,
    attr_for: AttrFor = default_attr,
    *,
    one_statement: bool = False,
) -> Iterator[None]:
    connection = connections[using]
    if one_statement and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # In autocommit one statement is its own transaction, and PostgreSQL
        # checks the deferred foreign keys when it ends: BEGIN and COMMIT
        # would add two round trips and protect nothing.
        try:
            yield
        except IntegrityError as exc:
            raise violation_error(exc, attr_for) from None
        return
    try:
        with transaction.atomic(using=using):
            yield
            check_deferred(connection, model)
    except IntegrityError as exc:
        raise violation_error(exc, attr_for) from None


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
