from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, cast
from unittest import mock

import psycopg
from django.conf import settings
from django.db import DatabaseError, NotSupportedError, connection
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from web.db.session import check_role_settings
from web.exceptions import DatabaseUnavailable, ExceptionHandler


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
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            if cursor.fetchone()[0] != pid:
                self.skipTest("behind a pooler, which replaces a server connection itself")
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as admin:
            # With a timeout, the call returns once the process has gone, not when
            # the signal is sent; otherwise the ping can still reach it.
            # (PostgreSQL 14+; false when the process outlived the 5 seconds).
            gone = admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
            assert gone == (True,)
        age(connection)

        serve_request()

        assert connection.connection.info.backend_pid != pid


class StatementTimeoutTests(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("statement_timeout is PostgreSQL's")

    def test_migrate_makes_the_timeout_the_roles_default_in_the_database(self) -> None:
        # Not a startup parameter, which PgBouncer refuses: every server connection,
        # pooled or not, starts with the role's default.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setconfig FROM pg_db_role_setting WHERE setrole = "
                "(SELECT oid FROM pg_roles WHERE rolname = current_user) AND setdatabase = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            row = cursor.fetchone()

        assert row is not None
        assert f"statement_timeout={settings.DATABASE_STATEMENT_TIMEOUT_MS}" in row[0]

    def test_database_check_is_clean_after_migrate(self) -> None:
        assert check_role_settings(databases=["default"]) == []

    def test_database_check_reports_a_timeout_migrate_has_not_written(self) -> None:
        with override_settings(DATABASE_STATEMENT_TIMEOUT_MS=1234):
            errors = check_role_settings(databases=["default"])

        assert [error.id for error in errors] == ["web.E001"]


class PreparedStatementTests(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's")

    def prepared(self, sql: str, runs: int) -> int:
        with connection.cursor() as cursor:
            for _ in range(runs):
                cursor.execute(sql, [1])
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
                [sql.replace("%s", "$1")],
            )
            count: int = cursor.fetchone()[0]
        return count

    def skip_behind_a_pooler(self) -> None:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            if cursor.fetchone()[0] != connection.connection.info.backend_pid:
                self.skipTest("behind a pooler nothing is prepared: e2e/test_pgbouncer.py")

    def test_a_direct_connection_prepares_a_statement_after_five_runs(self) -> None:
        self.skip_behind_a_pooler()

        assert self.prepared("SELECT %s::int + 5", 5) == 0
        assert self.prepared("SELECT %s::int + 6", 6) == 1

    def test_no_statement_is_prepared_when_the_threshold_is_0(self) -> None:
        connection.close()
        with override_settings(DATABASE_PREPARE_THRESHOLD=0):
            connection.ensure_connection()
            try:
                assert self.prepared("SELECT %s::int + 7", 7) == 0
            finally:
                connection.close()

    def test_a_statement_whose_plan_a_migration_broke_works_again_after_the_request(self) -> None:
        self.skip_behind_a_pooler()
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE plan_changes (a integer, b integer)")
        try:
            sql = "SELECT a, b FROM plan_changes WHERE a = %s"
            self.prepared(sql, 6)
            params = connection.get_connection_params()
            with psycopg.connect(**params, autocommit=True) as other:
                other.execute("ALTER TABLE plan_changes ALTER COLUMN b TYPE text")

            with self.assertRaises(DatabaseError) as failed, connection.cursor() as cursor:
                cursor.execute(sql, [1])
            # The client is told to try again (a 503), not given a 500.
            answer = ExceptionHandler(failed.exception, cast(Any, {})).convert_known_exceptions(
                failed.exception
            )
            assert isinstance(answer, DatabaseUnavailable)
            connection.close_if_unusable_or_obsolete()  # the request's end

            with connection.cursor() as cursor:
                cursor.execute(sql, [1])
                assert cursor.fetchall() == []
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE plan_changes")


class _ServerError(Exception):
    """What psycopg raises: its diagnostic names the server function that refused."""

    def __init__(self, message: str, source_function: str) -> None:
        super().__init__(message)
        self.diag = SimpleNamespace(source_function=source_function)


class StalePlanAnswerTests(SimpleTestCase):
    def answer(self, message: str, source_function: str) -> Exception:
        error = NotSupportedError(message)
        error.__cause__ = _ServerError(message, source_function)
        return ExceptionHandler(error, cast(Any, {})).convert_known_exceptions(error)

    def test_a_stale_plan_is_a_503_in_any_server_language(self) -> None:
        german = "zwischengespeicherter Plan darf den Ergebnistyp nicht ändern"

        assert isinstance(self.answer(german, "RevalidateCachedQuery"), DatabaseUnavailable)

    def test_another_unsupported_statement_is_not_a_503(self) -> None:
        answer = self.answer("cached plan must not change result type", "transformSelectStmt")

        assert not isinstance(answer, DatabaseUnavailable)
