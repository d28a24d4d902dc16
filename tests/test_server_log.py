"""
Refused writes copy no secret into PostgreSQL's server log.

PostgreSQL logs the statement of every failed write (log_min_error_statement,
default ERROR). With values bound on the server the statement reads
``VALUES ($1, $2, ...)``; the token is encrypted before it is sent at all.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth.hashers import identify_hasher
from django.db import connection
from rest_framework.test import APITestCase

from accounts.models import User

DEBIAN_LOG = "/var/log/postgresql/postgresql-{cluster}.log"


def server_log() -> Path | None:
    """The server's log file, as Debian's cluster or the logging collector writes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_logfile(), current_setting('data_directory'), "
            "current_setting('cluster_name')"
        )
        current, data_directory, cluster = cursor.fetchone()
    if current:
        path = Path(data_directory) / current
    else:
        path = Path(DEBIAN_LOG.format(cluster=cluster.replace("/", "-")))
    return path if path.is_file() and _readable(path) else None


def _readable(path: Path) -> bool:
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


class ServerLogTests(APITestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL's server log")
        log = server_log()
        if log is None:
            self.skipTest("the PostgreSQL server's log is not readable here")
        self.log = log
        self.start = log.stat().st_size

    def logged_since_start(self) -> str:
        with self.log.open("rb") as stream:
            stream.seek(self.start)
            text = stream.read().decode(errors="replace")
        # Only this database's lines: other clients share the server.
        name = connection.settings_dict["NAME"]
        return "\n".join(line for line in text.splitlines() if f"@{name} " in line)

    def test_refused_singleton_create_and_duplicate_registration_log_no_secret(self) -> None:
        token = f"token-{secrets.token_urlsafe(24)}"
        password = f"pass-{secrets.token_urlsafe(24)}"
        username = f"user-{secrets.token_hex(6)}"
        staff = User.objects.create_user(f"staff-{secrets.token_hex(6)}", is_staff=True)
        self.client.force_authenticate(staff)
        account = {"access_token": token, "access_token_expires": "2099-01-01T00:00:00Z"}
        assert self.client.post("/api/remote-api-account/", account).status_code == 201
        self.client.force_authenticate(None)
        credentials = {"username": username, "password": password}
        assert self.client.post("/api/users/", credentials).status_code == 201
        stored_hash = User.objects.get(username=username).password

        self.client.force_authenticate(staff)
        refused_account = self.client.post("/api/remote-api-account/", account)
        self.client.force_authenticate(None)
        refused_user = self.client.post("/api/users/", credentials)

        assert refused_account.status_code == 400
        assert refused_user.status_code == 400
        logged = self.logged_since_start()
        # Both refusals reached the log, with their statements...
        assert "accounts_remoteapiaccount" in logged
        assert "accounts_user_username_key" in logged
        assert "STATEMENT:" in logged
        # ...and none of what they carried.
        assert token not in logged
        assert password not in logged
        assert stored_hash not in logged
        assert f"{identify_hasher(stored_hash).algorithm}$" not in logged
