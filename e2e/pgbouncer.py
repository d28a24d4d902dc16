"""
A real PgBouncer (Debian's) in transaction mode in front of a PostgreSQL server.

``pgbouncer(server_url)`` starts one on a free port with a generated
configuration in a temporary directory — every database of the server through
it, trust authentication as the local server has it — and yields the same URL
through it. As a command it runs another command with ``DATABASE_URL`` pointing
through a PgBouncer (scripts/test runs the PostgreSQL suite that way):

    python -m e2e.pgbouncer postgres://postgres@127.0.0.1:5432/name -- python -m pytest ...
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

from e2e.live import free_port, reached_at, stop

# Debian's package installs it in /usr/sbin, which is not on every PATH.
_CANDIDATES = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
# Set by main() for the command it runs: PostgreSQL itself, not the PgBouncer.
SERVER_URL_VARIABLE = "PGBOUNCER_SERVER_URL"
# PgBouncer refuses to run as root; as root it is started as this user.
_RUN_AS = "postgres"


def binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (path for path in _CANDIDATES if os.access(path, os.X_OK)), None
    )


def _config(server_url: str, port: int, directory: Path) -> str:
    server = urlsplit(server_url)
    upstream = f"host={server.hostname or '127.0.0.1'} port={server.port or 5432}"
    if server.password:
        upstream += f" password={unquote(server.password)}"
    user = unquote(server.username or _RUN_AS)
    (directory / "userlist.txt").write_text(f'"{user}" ""\n')
    return f"""\
[databases]
* = {upstream}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "userlist.txt"}
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
logfile = {directory / "pgbouncer.log"}
pidfile = {directory / "pgbouncer.pid"}
"""


@contextmanager
def pgbouncer(server_url: str) -> Iterator[str]:
    executable = binary()
    if executable is None:
        raise RuntimeError("PgBouncer is not installed (apt-get install pgbouncer)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pgbouncer-") as scratch:
        directory = Path(scratch)
        config = directory / "pgbouncer.ini"
        config.write_text(_config(server_url, port, directory))
        command = [executable, "-q", str(config)]
        if os.geteuid() == 0:
            account = pwd.getpwnam(_RUN_AS)
            for path in (directory, *directory.iterdir()):
                os.chown(path, account.pw_uid, account.pw_gid)
            command[1:1] = ["-u", _RUN_AS]
        process = subprocess.Popen(command)  # noqa: S603 (a fixed command)
        try:
            url = reached_at(server_url, "127.0.0.1", port)
            _wait_until_ready(url, process, directory / "pgbouncer.log")
            yield url
        finally:
            stop(process, timeout=10)


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with psycopg.connect(url, connect_timeout=2, autocommit=True) as connection:
                connection.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            time.sleep(0.2)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"PgBouncer did not start:\n{text}")


def drop_test_database(server_url: str) -> None:
    """pytest-django's test database, which a run through PgBouncer keeps (--reuse-db)."""
    name = "test_" + urlsplit(server_url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(drop.format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    server_url, separator, *command = argv
    if separator != "--" or not command:
        raise SystemExit(f"usage: {sys.argv[0]} SERVER_URL -- COMMAND ...")
    drop_test_database(server_url)
    try:
        with pgbouncer(server_url) as url:
            print(f"PgBouncer (transaction mode) on {urlsplit(url).port}", flush=True)
            # The server behind it, for tests that start a PgBouncer of their own.
            env = {**os.environ, "DATABASE_URL": url, SERVER_URL_VARIABLE: server_url}
            return subprocess.run(command, env=env, check=False).returncode  # noqa: S603
    finally:
        drop_test_database(server_url)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
