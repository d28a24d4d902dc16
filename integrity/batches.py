"""
Many rows of one model at once: all or nothing, every refused row named.

A valid batch is one INSERT (``bulk_create``; SQLite caps a statement at 999
parameters, so Django splits a batch there into INSERTs of 999 // columns
rows). Nothing is checked beforehand.

When the database refuses the batch, nothing of it is kept, and the rows are
tried once more, one by one, in a transaction that is rolled back: each row in
its own savepoint, so that a row the database refuses is named, and a row that
conflicts with an earlier row of the same batch is refused by that row. For n
rows this search runs at most 4n + 5 statements: SAVEPOINT, INSERT, and
RELEASE (or ROLLBACK TO and RELEASE) per row; around them, on PostgreSQL, SET
CONSTRAINTS ALL IMMEDIATE (a bad foreign key then fails its own INSERT) and
back to DEFERRED, on SQLite one ``PRAGMA foreign_key_check`` of the table and
one ``PRAGMA foreign_key_list`` (SQLite checks keys only at COMMIT); and the
savepoint of the whole search when it runs inside a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Model

from integrity.rules import Rule, foreign_key_rule
from integrity.violations import identify_violation
from integrity.writes import checked_write, deferred_keys_checked

M = TypeVar("M", bound=Model)

MAX_BATCH_ROWS = 1000


@dataclass(frozen=True)
class RefusedRow:
    index: int
    # None: a violation that matches no declared rule.
    rule: Rule | None


class BatchRefused(IntegrityError):
    """The database refused a batch; ``rows`` are its refused rows, in batch order."""

    def __init__(self, rows: Sequence[RefusedRow]) -> None:
        super().__init__(f"{len(rows)} rows refused")
        self.rows = tuple(rows)


def insert_batch(model: type[M], instances: Sequence[M], using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """Insert every row of ``instances`` or none; ``BatchRefused`` names the refused rows."""
    for _attempt in range(2):
        try:
            return _insert(model, instances, using)
        except IntegrityError:
            _forget(instances)
        refused = find_refused_rows(model, instances, using)
        if refused:
            raise BatchRefused(refused)
        # The conflicting row went away in the meantime: the batch may pass now.
    raise BatchRefused([RefusedRow(0, None)])


def _insert(model: type[M], instances: Sequence[M], using: str) -> list[M]:
    manager = model._base_manager.db_manager(using)
    if connections[using].in_atomic_block:
        # Inside a transaction, deferred keys would be checked only at its end.
        with checked_write(model, using):
            return manager.bulk_create(instances)
    # bulk_create's own COMMIT checks the deferred keys.
    return manager.bulk_create(instances)


def _forget(instances: Sequence[Model]) -> None:
    # Keys a rolled-back INSERT returned name no row.
    for instance in instances:
        if _is_auto(instance):
            instance.pk = None
        instance._state.adding = True
        instance._state.db = None


def _is_auto(instance: Model) -> bool:
    return instance._meta.pk is not None and instance._meta.pk.get_internal_type() in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
    }


def find_refused_rows(
    model: type[M], instances: Sequence[M], using: str = DEFAULT_DB_ALIAS
) -> list[RefusedRow]:
    """Every row the database refuses, each tried after the rows before it; nothing is kept."""
    connection = connections[using]
    manager = model._base_manager.db_manager(using)
    refused: dict[int, RefusedRow] = {}
    try:
        with transaction.atomic(using=using):
            with deferred_keys_checked(connection, model) as broken:
                for index, instance in enumerate(instances):
                    try:
                        with transaction.atomic(using=using):
                            manager.bulk_create([instance])
                    except IntegrityError as exc:
                        refused[index] = RefusedRow(index, identify_violation(exc))
            refused.update(_rows_with_broken_keys(model, instances, refused, broken))
            transaction.set_rollback(True, using=using)
    finally:
        _forget(instances)
    return [refused[index] for index in sorted(refused)]


def _rows_with_broken_keys(
    model: type[Model],
    instances: Sequence[Model],
    refused: dict[int, RefusedRow],
    broken: list[tuple[int, str]],
) -> dict[int, RefusedRow]:
    # The rows found after the batch (SQLite), by rowid: the primary key of a
    # table whose key is an integer.
    index_of = {instance.pk: index for index, instance in enumerate(instances)}
    found: dict[int, RefusedRow] = {}
    for rowid, column in broken:
        index = index_of.get(rowid)
        if index is not None and index not in refused and index not in found:
            found[index] = RefusedRow(index, foreign_key_rule(model, column))
    return found
