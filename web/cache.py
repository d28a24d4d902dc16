"""
The embedded default cache: Django's database cache, shared by every worker and
host that shares the database, with an ``incr`` that concurrent workers cannot
lose counts in (Django's reads the value and writes it back, so two workers
that read the same value both write the same sum).

Here ``incr`` is a compare-and-set: read the value, then ``UPDATE ... WHERE
value = <what was read>``, again if another worker changed it meanwhile; and
``add`` is one ``INSERT ... ON CONFLICT`` that replaces only an expired entry
(PostgreSQL, SQLite 3.24+). Each is one or two statements in autocommit, where
Django's open a transaction around three or four. The rate limits count in it
(web/throttling.py) when no Redis is configured. Its table is made by
``migrate`` (``create_table``), so a fresh database has it; on PostgreSQL it is
UNLOGGED: a counter is not worth a WAL flush on every write, and a crash that
empties the table only restarts the rate limits' windows.
"""

from __future__ import annotations

import base64
import pickle
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.management import call_command
from django.db import connections, router
from django.utils import timezone

# An add() in this many also deletes the expired entries (Django's cull, which
# its own set() runs every time, behind a COUNT(*)).
CULL_ONE_IN = 100


def create_table(using: str, **kwargs: Any) -> None:
    """post_migrate: the table, as ``createcachetable`` makes it; UNLOGGED on PostgreSQL."""
    call_command("createcachetable", database=using, verbosity=0)
    config = settings.CACHES["default"]
    connection = connections[using]
    if connection.vendor != "postgresql" or config["BACKEND"] != "web.cache.DatabaseCache":
        return
    name = str(config["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [name])
        row = cursor.fetchone()
        if row is not None and row[0] == "p":
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(name)} SET UNLOGGED")


def _encode(value: Any, protocol: int) -> str:
    return base64.b64encode(pickle.dumps(value, protocol)).decode()


class DatabaseCache(db.DatabaseCache):
    _table: str
    _cull: Callable[..., None]

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table, expires = quote(self._table), quote("expires")
        seconds = self.get_backend_timeout(timeout)
        until = datetime.max if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)
        now = timezone.now().replace(microsecond=0)
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            if random.randrange(CULL_ONE_IN) == 0:  # noqa: S311 (not security)
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a quoted name)
                self._cull(alias, cursor, now, cursor.fetchone()[0])
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {expires}) "  # noqa: S608
                f"VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) DO UPDATE SET "
                f"{quote('value')} = excluded.{quote('value')}, {expires} = excluded.{expires} "
                f"WHERE {table}.{expires} < %s",
                [
                    key,
                    _encode(value, self.pickle_protocol),
                    adapt(until.replace(microsecond=0)),
                    adapt(now),
                ],
            )
            return bool(cursor.rowcount == 1)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_write(self.cache_model_class)]
        quote = connection.ops.quote_name
        table, value_column, key_column = quote(self._table), quote("value"), quote("cache_key")
        read = (
            f"SELECT {value_column} FROM {table} "  # noqa: S608 (quoted names)
            f"WHERE {key_column} = %s AND {quote('expires')} >= %s"
        )
        swap = (
            f"UPDATE {table} SET {value_column} = %s "  # noqa: S608 (quoted names)
            f"WHERE {key_column} = %s AND {value_column} = %s"
        )
        with connection.cursor() as cursor:
            while True:
                now = timezone.now().replace(microsecond=0)
                cursor.execute(read, [key, connection.ops.adapt_datetimefield_value(now)])
                row = cursor.fetchone()
                if row is None:
                    raise ValueError(f"Key '{key}' not found")
                value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301
                cursor.execute(swap, [_encode(value, self.pickle_protocol), key, row[0]])
                if cursor.rowcount == 1:
                    return value
