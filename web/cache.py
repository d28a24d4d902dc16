"""
The embedded default cache: Django's database cache, shared by every worker and
host that shares the database, with the rate limits' counters (web/throttling.py)
in a table of their own, ``web_rate_count`` (web/models.py).

A counter is an integer the database adds to: ``count`` is one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` in autocommit (PostgreSQL,
SQLite 3.35+), which no concurrent worker can lose a count in, where a count in
Django's cache entries (a pickled value) is a read and a compare-and-set. One in
``CULL_ONE_IN`` counts also deletes the windows that have ended. On PostgreSQL
both tables are UNLOGGED: a counter is not worth a WAL flush on every write, and
a crash that empties them only restarts the rate limits' windows. The cache's
own table is made by ``migrate`` (``create_table``), the counters' by a migration.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache.backends import db
from django.core.management import call_command
from django.db import connections, router
from django.utils import timezone

from web.models import RateCount

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


class DatabaseCache(db.DatabaseCache):
    def count(self, key: str, timeout: int) -> int:
        """One more in the window ``key``, which lasts ``timeout`` seconds; the count so far."""
        key = self.make_and_validate_key(key)
        connection = connections[router.db_for_write(RateCount)]
        quote = connection.ops.quote_name
        names = (RateCount._meta.db_table, "count", "expires")
        table, count, expires = (quote(name) for name in names)
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        # A window whose key comes back after it ended starts again at 1.
        ended = f"{table}.{expires} < %s"
        sql = (
            f"INSERT INTO {table} ({quote('key')}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({quote('key')}) DO UPDATE SET "
            f"{count} = CASE WHEN {ended} THEN 1 ELSE {table}.{count} + 1 END, "
            f"{expires} = CASE WHEN {ended} THEN excluded.{expires} ELSE {table}.{expires} END "
            f"RETURNING {count}"
        )
        with connection.cursor() as cursor:
            if random.randrange(CULL_ONE_IN) == 0:  # noqa: S311 (not security)
                cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [adapt(now)])  # noqa: S608
            until = adapt(now + timedelta(seconds=timeout))
            cursor.execute(sql, [key, until, adapt(now), adapt(now)])
            return int(cursor.fetchone()[0])
