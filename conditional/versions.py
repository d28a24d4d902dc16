"""
A row version the database keeps: ``Versioned`` models carry ``version``, which
a trigger (conditional/triggers.py) raises by one on every UPDATE of the row,
whoever runs it: the API, the admin, the ORM's ``save()`` or ``update()``, SQL.

A save of a ``Versioned`` instance is conditional on the version it holds:
``UPDATE … WHERE id = %s AND version = %s``. When the row has changed since the
instance was read, the save either fails (``require_version()`` was called: the
client named the version it wants to replace) with ``VersionChanged``, or writes
anyway, as any save does, and reads back the version the database gave it.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import models, transaction


def new_version() -> int:
    """A new row's first version: the clock in microseconds, never one a deleted row had."""
    return time.time_ns() // 1000


class VersionChanged(Exception):
    """The row changed (or went) since the version the write was conditional on."""


class Versioned(models.Model):
    version = models.BigIntegerField(
        default=new_version,
        # A row inserted with SQL that names no version starts at 1.
        db_default=1,
        editable=False,
        help_text="Raised by the database on every change of the row.",
    )

    class Meta:
        abstract = True

    def require_version(self) -> None:
        """
        The next save (or delete through ``ConditionalMixin``) writes only if
        the row still has the version this instance holds.
        """
        self._version_required = True

    @property
    def version_required(self) -> bool:
        return bool(self.__dict__.get("_version_required"))

    def _do_update(  # type: ignore[override]
        self,
        base_qs: models.QuerySet[Any],
        using: str,
        pk_val: Any,
        values: Any,
        update_fields: Any,
        forced_update: bool,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        # Django's one place where a save's UPDATE is filtered; the version is
        # the trigger's, so the value this instance writes to it is overridden.
        required = self.__dict__.pop("_version_required", False)
        held = self.version
        conditional = base_qs.filter(version=held)
        updated = super()._do_update(
            conditional, using, pk_val, values, update_fields, forced_update, *args, **kwargs
        )
        if updated:
            self.version = held + 1
            return updated
        if required:
            raise VersionChanged(f"{self._meta.label} {pk_val} is no longer at version {held}.")
        # Changed since it was read: the last write wins, as without versions.
        # Read the version in the same transaction: the row is this write's.
        with transaction.atomic(using=using):
            updated = super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs
            )
            if updated:
                self.version = base_qs.filter(pk=pk_val).values_list("version", flat=True).get()
        return updated
