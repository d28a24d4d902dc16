"""
Which rule did the database just enforce?

PostgreSQL says it in structured fields: the SQLSTATE and ``diag`` of the
driver's exception. SQLite says it in its message, which names the CHECK
constraint, the unique index, or the columns of a unique key; columns are
resolved against the rules the models declare. Nothing else of the database's
text is kept.
"""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError

from integrity.rules import Rule, not_null_rule, rule_table

logger = logging.getLogger(__name__)

NOT_NULL_VIOLATION = "23502"

_SQLITE_CHECK = re.compile(r"^CHECK constraint failed: (?P<name>\w+)$")
_SQLITE_INDEX = re.compile(r"^UNIQUE constraint failed: index '(?P<name>[^']+)'$")
_SQLITE_UNIQUE = re.compile(r"^UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)$")
_SQLITE_NOT_NULL = re.compile(r"^NOT NULL constraint failed: (?P<table>\w+)\.(?P<column>\w+)$")


class KnownViolation(IntegrityError):
    """An integrity error whose rule is already known (found by a check query)."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(rule.code)
        self.rule = rule


def identify_violation(exc: IntegrityError) -> Rule | None:
    if isinstance(exc, KnownViolation):
        return exc.rule
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    diag = getattr(cause, "diag", None)
    if sqlstate is not None:
        name = getattr(diag, "constraint_name", None)
        rule = _from_postgresql(sqlstate, name, diag)
    else:
        name, rule = _from_sqlite(str(exc))
    if rule is None:
        # The log line names the SQLSTATE and constraint, never the row:
        # PostgreSQL's DETAIL would print its values, secrets included.
        logger.warning(
            "Integrity error matches no declared rule: sqlstate=%s constraint=%s table=%s",
            sqlstate,
            name,
            getattr(diag, "table_name", None),
        )
    return rule


def _from_postgresql(sqlstate: str, name: str | None, diag: object) -> Rule | None:
    if sqlstate == NOT_NULL_VIOLATION:
        db_table = getattr(diag, "table_name", None)
        column = getattr(diag, "column_name", None)
        return not_null_rule(db_table, column) if db_table and column else None
    return rule_table().by_constraint_name.get(name) if name else None


def _from_sqlite(message: str) -> tuple[str | None, Rule | None]:
    if match := _SQLITE_CHECK.match(message) or _SQLITE_INDEX.match(message):
        return match["name"], rule_table().by_constraint_name.get(match["name"])
    if match := _SQLITE_UNIQUE.match(message):
        qualified = [part.split(".", 1) for part in match["columns"].split(", ")]
        tables = {db_table for db_table, _ in qualified}
        if len(tables) != 1:
            return match["columns"], None
        key = (tables.pop(), frozenset(column for _, column in qualified))
        return match["columns"], rule_table().by_key_columns.get(key)
    if match := _SQLITE_NOT_NULL.match(message):
        return match["column"], not_null_rule(match["table"], match["column"])
    return None, None
