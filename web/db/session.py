"""
PostgreSQL session settings that survive a transaction-mode pooler.

PgBouncer in transaction mode refuses startup ``options`` and runs each
transaction on whichever server connection is free, so a ``SET`` on one
connection promises nothing for the next transaction. The statement timeout is
therefore the service role's default in its database (``ALTER ROLE CURRENT_USER
IN DATABASE ... SET``), which every server connection starts with, pooled or
not. ``migrate`` writes it from ``DATABASE_STATEMENT_TIMEOUT_MS``. A new
connection that finds another value (``migrate`` has not run since the setting
changed) sets the value for its own session, so a direct connection
keeps the promise either way, and `manage.py check --deploy --database default` reports the
role's default when it is not the configured one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import Error
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

_ROLE_SETTING = (
    "SELECT setconfig FROM pg_db_role_setting "
    "WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
    "AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
# One round trip: the server process's id, the value the session
# started with, and the wanted one set for this session when they differ.
_CHECK_AND_SET = (
    "SELECT pg_backend_pid(), setting::bigint, CASE WHEN setting::bigint <> %(ms)s "
    "THEN set_config('statement_timeout', %(ms)s::text, false) END "
    "FROM pg_settings WHERE name = 'statement_timeout'"
)


def statement_timeout_ms() -> int:
    return int(settings.DATABASE_STATEMENT_TIMEOUT_MS)


def write_role_settings(using: str, **kwargs: Any) -> None:
    """post_migrate: make the statement timeout the role's default in this database."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER ROLE CURRENT_USER IN DATABASE {name} "
            f"SET statement_timeout = {statement_timeout_ms()}"
        )


def check_session(wrapper: BaseDatabaseWrapper, raw: Any) -> None:
    """
    On a new connection: the timeout the role's default gave it, set when it is not
    ours; and prepared statements when no pooler stands between.

    psycopg prepares a statement once it has run ``DATABASE_PREPARE_THRESHOLD`` times
    on one connection, which spares PostgreSQL parsing and planning it again: half
    the database's CPU on a refused write (bench/run.py levers --live). Through a
    transaction-mode pooler a named statement would be sent to whichever server
    connection runs the next transaction, where it is missing or, worse, another
    client's of the same name. A pooler answers the connection with a cancel key
    of its own, so the process id libpq was given is not the server process's:
    only a connection whose two ids agree prepares.
    """
    wanted = statement_timeout_ms()
    with raw.cursor() as cursor:
        cursor.execute(_CHECK_AND_SET, {"ms": wanted})
        row = cursor.fetchone()
    if not raw.autocommit:
        raw.commit()
    server_pid, found = (row[0], row[1]) if row else (None, None)
    threshold = int(settings.DATABASE_PREPARE_THRESHOLD)
    if threshold > 0 and server_pid == raw.info.backend_pid:
        raw.prepare_threshold = threshold
    if found != wanted:
        # Before the first migrate, or after the setting changed without one;
        # `manage.py check --deploy --database default` reports it.
        logger.debug("statement_timeout was %s ms on a new connection; set to %s", found, wanted)


def check_role_settings(databases: Iterable[str] | None = None, **kwargs: Any) -> list[Error]:
    """A deployment check (tag "database"): the role's default is the configured timeout."""
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(_ROLE_SETTING)
            row = cursor.fetchone()
        wanted = f"statement_timeout={statement_timeout_ms()}"
        if row is None or wanted not in row[0]:
            errors.append(
                Error(
                    f"The database role's statement_timeout is not {statement_timeout_ms()} ms "
                    f"(DATABASE_STATEMENT_TIMEOUT_MS) in database {alias!r}.",
                    hint="Run `manage.py migrate`, which sets it; then have PgBouncer "
                    "reconnect (RECONNECT) so that its server connections start with it.",
                    id="web.E001",
                )
            )
    return errors
