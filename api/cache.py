"""
The embedded default cache: Django's database cache, shared by every worker and
host that shares the database, with an ``incr`` that concurrent workers cannot
lose counts in (Django's reads and writes the value in two steps).

The rate limits count in it (api/throttling.py) when no Redis is configured.
Its table is made by ``migrate`` (api/apps.py), so a fresh database has it.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    _table: str

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        # SQLite's transactions take the write lock when they begin (BEGIN
        # IMMEDIATE, api/settings.py); PostgreSQL's row lock serialises the rest.
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608 (quoted names)
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301 (ours)
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode()
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608 (quoted names)
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value
