"""
Fix or delete the rows that break a rule, in bounded batches, while writes go on.

The rows are the ones ``find_constraint_violations`` reports, found by the same
set-based queries (``integrity.datacheck``). Each batch is its own short
transaction, so no lock is held for long and an interruption loses at most the
batch under way: what was done stays done, and running the cleanup again
finds only what is left.

- A CHECK: the table is read in ranges of ``batch_size`` primary keys; in
  each, one UPDATE (``update={field: value}``) or DELETE of the rows whose
  condition is false. ``start_after`` resumes the scan after a key.
- A UNIQUE: every row after the first (the lowest primary key) of its key is
  found in one read (what is kept in memory is their primary keys, never the
  table); then ``batch_size`` of them per DELETE, each deleted only while an
  earlier row of its key still exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BaseConstraint,
    CheckConstraint,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    UniqueConstraint,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.lookups import IsNull

from integrity.datacheck import duplicate_groups, failing_rows

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Batch:
    """One committed batch: how far it went, and how many rows it changed."""

    # Rows the batch looked at (CHECK) or duplicates it went through (UNIQUE), of how many.
    done: int
    total: int
    changed: int
    # The last primary key the batch covered (a CHECK's scan resumes after it).
    last_pk: Any = None


def clean_violations(
    model: type[Model],
    constraint: BaseConstraint,
    *,
    update: dict[str, Any] | None = None,
    batch_size: int = BATCH_SIZE,
    start_after: Any = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[Batch]:
    """
    Make every row of ``model`` keep ``constraint``, a batch at a time: each
    batch is committed before it is yielded. A CHECK's rows are deleted, or
    given the ``update`` values; a UNIQUE's duplicates are deleted.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    if isinstance(constraint, CheckConstraint):
        yield from _clean_check(model, constraint, update, batch_size, start_after, using)
    elif isinstance(constraint, UniqueConstraint):
        if update:
            raise ValueError(f"{constraint.name}: a duplicate can only be deleted, not updated.")
        yield from _clean_unique(model, constraint, batch_size, using)
    else:
        raise TypeError(f"{constraint.name}: only CHECK and UNIQUE constraints can be cleaned.")


def _clean_check(
    model: type[Model],
    constraint: CheckConstraint,
    update: dict[str, Any] | None,
    batch_size: int,
    start_after: Any,
    using: str,
) -> Iterator[Batch]:
    rows = model._base_manager.using(using).order_by("pk")
    if start_after is not None:
        rows = rows.filter(pk__gt=start_after)
    total = rows.count()
    done, last = 0, start_after
    while True:
        window = rows if last is None else rows.filter(pk__gt=last)
        # The range's last key; none: the rest of the table, rows written meanwhile too.
        end = next(iter(window.values_list("pk", flat=True)[batch_size - 1 : batch_size]), None)
        broken = failing_rows(model, constraint, using)
        if last is not None:
            broken = broken.filter(pk__gt=last)
        if end is not None:
            broken = broken.filter(pk__lte=end)
        with transaction.atomic(using=using):
            changed = broken.update(**update) if update else _delete(model, broken)
        done = min(done + batch_size, total) if end is not None else total
        yield Batch(done, total, changed, end)
        if end is None:
            return
        last = end


def _clean_unique(
    model: type[Model], constraint: UniqueConstraint, batch_size: int, using: str
) -> Iterator[Batch]:
    rows, _groups, key_names = duplicate_groups(model, constraint, using)
    # Every row after the first of its key (PARTITION BY groups NULLs together, as
    # NULLS NOT DISTINCT does; duplicate_groups leaves them out otherwise): one
    # read of the whole table, which blocks no writer. What is kept in memory is
    # their primary keys, never the table.
    position = Window(
        RowNumber(), partition_by=[F(name) for name in key_names], order_by=F("pk").asc()
    )
    with untimed(connections[using]):
        surplus = list(
            rows.annotate(position=position)
            .filter(position__gt=1)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    # Deleted only while an earlier row of the same key still exists: a row
    # whose key changed since the read is not a duplicate any more, and stays.
    earlier = rows.filter(*[_same(name) for name in key_names], pk__lt=OuterRef("pk"))
    for start in range(0, len(surplus), batch_size):
        chunk = surplus[start : start + batch_size]
        with transaction.atomic(using=using):
            changed = _delete(model, rows.filter(Exists(earlier), pk__in=chunk))
        yield Batch(min(start + batch_size, len(surplus)), len(surplus), changed, chunk[-1])
    if not surplus:
        yield Batch(0, 0, 0)


def _same(name: str) -> Q:
    # Equal, or both NULL: only rows NULLS NOT DISTINCT groups reach here with a NULL.
    return Q(**{name: OuterRef(name)}) | Q(
        IsNull(OuterRef(name), True), **{f"{name}__isnull": True}
    )


@contextmanager
def untimed(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """
    PostgreSQL: no statement timeout for the block. A read of the whole table,
    a validation or a concurrent index build blocks no writer and takes as long
    as the table is large; a timeout meant to stop a stuck request would only
    make it fail. The session's own value is put back after it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'),"
            " set_config('statement_timeout', '0', false)"
        )
        before = cursor.fetchone()[0]
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [before])


def _delete(model: type[Model], rows: Any) -> int:
    # The rows of the model itself, not what their deletion cascades to.
    _total, by_model = rows.delete()
    return int(by_model.get(model._meta.label, 0))
