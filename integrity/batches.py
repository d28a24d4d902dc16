"""
Many rows of one model at once: all or nothing, every refused row named.

A valid batch is one INSERT (``bulk_create``; SQLite caps a statement at 999
parameters, so Django splits a batch there into INSERTs of 999 // columns
rows). Nothing is checked beforehand.

When the database refuses the batch, nothing of it is kept, and the rows are
tried once more, one by one, in a transaction that is rolled back: each row in
its own savepoint, so that a row the database refuses is named, and a row that
conflicts with an earlier row of the same batch is refused by that row. Each
refused row is then judged once more, by one SELECT, for every rule it breaks
(``integrity.evaluation``), the earlier rows of the batch in place: a row that
repeats one of them names it. For n rows of which r are refused, this search
runs at most 4n + 3r + 5 statements: SAVEPOINT, INSERT, and RELEASE (or
ROLLBACK TO and RELEASE) per row, and per refused row the SELECT in its own
savepoint (a rule the database cannot judge leaves the search intact); around them,
on PostgreSQL, SET CONSTRAINTS ALL IMMEDIATE (a bad foreign key then fails its
own INSERT) and back to DEFERRED, on SQLite one ``PRAGMA foreign_key_check``
of the table and one ``PRAGMA foreign_key_list`` (SQLite checks keys only at
COMMIT); and the savepoint of the whole search when it runs inside a
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Model

from integrity.evaluation import Broken, every_broken_rule
from integrity.rules import Rule, foreign_key_rule
from integrity.violations import identify_violation
from integrity.writes import checked_write, deferred_keys_checked

M = TypeVar("M", bound=Model)

MAX_BATCH_ROWS = 1000


@dataclass(frozen=True)
class RefusedRow:
    index: int
    # The rule the database reported; None: a violation that matches no declared rule.
    rule: Rule | None
    # Every rule the row breaks, in declaration order (the reported one among them).
    broken: tuple[Broken, ...] = ()


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
    raise BatchRefused([RefusedRow(0, None, (Broken(None),))])


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
    # The primary key of each row inserted so far -> its index in the batch.
    inserted: dict[Any, int] = {}
    try:
        with transaction.atomic(using=using):
            with deferred_keys_checked(connection, model) as broken:
                for index, instance in enumerate(instances):
                    try:
                        with transaction.atomic(using=using):
                            manager.bulk_create([instance])
                    except IntegrityError as exc:
                        refused[index] = _judged(
                            index, identify_violation(exc), instance, inserted, using
                        )
                    else:
                        inserted[instance.pk] = index
            for index, rule in _rows_with_broken_keys(instances, refused, broken).items():
                refused[index] = _judged(index, rule, instances[index], inserted, using)
            transaction.set_rollback(True, using=using)
    finally:
        _forget(instances)
    return [refused[index] for index in sorted(refused)]


def _judged(
    index: int, reported: Rule | None, instance: Model, inserted: dict[Any, int], using: str
) -> RefusedRow:
    broken = []
    for each in every_broken_rule(reported, instance, using):
        earlier = inserted.get(each.other) if each.other is not None else None
        broken.append(replace(each, repeats=earlier) if earlier is not None else each)
    return RefusedRow(index, reported, tuple(broken))


def _rows_with_broken_keys(
    instances: Sequence[Model],
    refused: dict[int, RefusedRow],
    broken: list[tuple[int, str]],
) -> dict[int, Rule | None]:
    # The rows found after the batch (SQLite), by rowid: the primary key of a
    # table whose key is an integer.
    index_of = {instance.pk: index for index, instance in enumerate(instances)}
    found: dict[int, Rule | None] = {}
    for rowid, column in broken:
        index = index_of.get(rowid)
        if index is not None and index not in refused and index not in found:
            found[index] = foreign_key_rule(type(instances[index]), column)
    return found
