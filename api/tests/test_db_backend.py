from __future__ import annotations

import time
from typing import Any
from unittest import mock

import psycopg
from django.db import connection
from django.test import TransactionTestCase


def serve_request() -> None:
    """What a request does to the connection: Django's checks around one query."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close_if_unusable_or_obsolete()


def age(wrapper: Any) -> None:
    """As if the connection last served a request a minute ago."""
    wrapper.answered_at = time.monotonic() - 60


class IdleHealthCheckTests(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the health-checking backend is PostgreSQL's")
        serve_request()

    def test_recently_used_connection_is_not_pinged(self) -> None:
        with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as ping:
            serve_request()

        assert ping.call_count == 0

    def test_idle_connection_is_pinged(self) -> None:
        age(connection)

        with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as ping:
            serve_request()

        assert ping.call_count == 1

    def test_idle_connection_cut_by_the_server_is_replaced_before_use(self) -> None:
        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        age(connection)

        serve_request()

        assert connection.connection.info.backend_pid != pid
