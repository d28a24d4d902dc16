"""
Django's PostgreSQL backend, pinging only the connections that sat idle, with the
session settings of web/db/session.py.

With CONN_HEALTH_CHECKS, Django sends ``SELECT 1`` before the first query of
every request that reuses a connection: a round trip that was a fifth of a
write's time in the benchmark, spent on a connection that answered a moment
ago. Here a connection that served a request within the last
``HEALTH_CHECK_AFTER_IDLE`` seconds is trusted; one idle for longer — when a
database restart, a failover or a network idle timeout would have cut it — is
pinged and replaced before the request uses it, as Django does. A connection
that fails during a request still fails that request (503) and is dropped at
its end by Django's own check, so the next request reconnects.
"""

from __future__ import annotations

import select
import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base

from web.db.session import check_session


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.used_in_request = False
        self.answered_at: float | None = None

    def init_connection_state(self) -> None:
        super().init_connection_state()
        if self.alias != NO_DB_ALIAS:
            check_session(self, self.connection)

    def close_if_health_check_failed(self) -> None:
        self.used_in_request = True
        idle_limit = getattr(settings, "DATABASE_HEALTH_CHECK_AFTER_IDLE", 0)
        recently_answered = (
            self.answered_at is not None and time.monotonic() - self.answered_at < idle_limit
        )
        if self.connection is not None and recently_answered and self._socket_quiet():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _socket_quiet(self) -> bool:
        # Between requests nothing is due from the server: a readable socket
        # means it closed the connection (a restart, a failover). A system
        # call, not a round trip.
        try:
            readable, _, _ = select.select([self.connection.pgconn.socket], [], [], 0)
        except (OSError, ValueError, psycopg.Error):
            return False
        return not readable

    def close_if_unusable_or_obsolete(self) -> None:
        # Runs when a request starts and when it ends: a connection that
        # served the request that is ending without an error has just answered.
        used, self.used_in_request = self.used_in_request, False
        if self.errors_occurred and self.connection is not None and self._prepares():
            # A prepared statement that failed fails again on this connection (a
            # column whose type a migration changed: "cached plan must not change
            # result type"), where a new connection prepares it afresh.
            self.close()
            return
        super().close_if_unusable_or_obsolete()
        if used and self.connection is not None and not self.errors_occurred:
            self.answered_at = time.monotonic()

    def _prepares(self) -> bool:
        return self.connection is not None and self.connection.prepare_threshold is not None

    def close(self) -> None:
        self.answered_at = None
        super().close()
