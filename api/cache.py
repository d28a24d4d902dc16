"""
The embedded default cache: Django's database cache, shared by every worker and
host that shares the database, with an ``incr`` that concurrent workers cannot
lose counts in (Django's reads the value and writes it back, so two workers
that read the same value both write the same sum).

Here ``incr`` is a compare-and-set: read the value, then ``UPDATE ... WHERE
value = <what was read>``, again if another worker changed it meanwhile. Two
statements in autocommit, no transaction to open or commit. The rate limits
count in it (api/throttling.py) when no Redis is configured. Its table is made
by ``migrate`` (api/apps.py), so a fresh database has it.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends import db
from django.db import connections, router
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    _table: str

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
                encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode()
                cursor.execute(swap, [encoded, key, row[0]])
                if cursor.rowcount == 1:
                    return value
