"""
SQL statements per request, from PostgreSQL's own statement log.

pg_stat_statements needs shared_preload_libraries and a server restart, which
a benchmark must not impose on a shared server. ``log_statement = 'all'`` can
be set for one database (ALTER DATABASE), so only the benchmark's sessions are
logged. The count includes what an ORM-level capture does not see: Django's
connection health check, BEGIN/COMMIT, SET CONSTRAINTS.

The requests are sent one at a time, between marker statements that the
benchmark's own session writes to the same log.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from bench.checks import send
from bench.database import database_name
from bench.routes import CREATES, Accounts, Route, call

# log_line_prefix must show the pid and user@database (Debian's '%m [%p] %q%u@%d ' does).
_LINE = re.compile(r"\[(\d+)\] [^@\s]*@(\S+) LOG:  (?:statement|execute [^:]*): (.*)")
_MARK = "bench-mark "


@dataclass(frozen=True)
class StatementCount:
    per_request: float
    # One request's statements, when every request ran the same number.
    sample: tuple[str, ...]

    def reading(self, table: str) -> str | None:
        """The request's SELECT from ``table`` (for EXPLAIN), if it ran one."""
        quoted = f'FROM "{table}"'
        return next((s for s in self.sample if s.startswith("SELECT") and quoted in s), None)


def server_log(url: str) -> Path | None:
    """The server's log file, when this process can read it."""
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT pg_current_logfile(), current_setting('data_directory'),"
            " current_setting('cluster_name')"
        ).fetchone()
    if row is None:
        return None
    current, data_directory, cluster = row
    if current:
        path = Path(data_directory) / current
    else:
        # Debian's pg_ctlcluster sends the server's stderr to this file.
        path = Path("/var/log/postgresql") / f"postgresql-{cluster.replace('/', '-')}.log"
    return path if os.access(path, os.R_OK) else None


def count(
    url: str,
    base_url: str,
    accounts: Accounts,
    routes: tuple[Route, ...],
    log: Path,
    *,
    requests: int,
    first_pair: int,
) -> dict[str, StatementCount]:
    """Statements per request of each route. The database must log statements already."""
    database = database_name(url)
    with (
        psycopg.connect(url, autocommit=True) as marker,
        httpx.Client(base_url=base_url, timeout=10) as http,
    ):
        # Both workers open their connections (and run any session set-up) first.
        for _ in range(20):
            http.get("/api/health/ready/")
        start = log.stat().st_size
        for route in routes:
            marker.execute(f"SELECT '{_MARK}{route.key}'")
            # Each create route maps indexes to its own pairs: both start at first_pair.
            pair = first_pair
            for _ in range(requests):
                response = send(http, call(route, accounts, pair))
                if route in CREATES:
                    pair += 1
                if response.status_code != route.expected:
                    raise RuntimeError(f"{route.key}: {response.status_code} {response.text}")
        marker.execute(f"SELECT '{_MARK}end'")
        own_pid = marker.info.backend_pid
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
    return _tally(text, database, own_pid, requests)


def _tally(text: str, database: str, own_pid: int, requests: int) -> dict[str, StatementCount]:
    by_route: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = _LINE.search(line)
        if match is None or match.group(2) != database:
            continue
        statement = match.group(3)
        if int(match.group(1)) == own_pid:
            if _MARK in statement:
                key = statement.split(_MARK, 1)[1].rstrip("'")
                current = by_route.setdefault(key, [])
            continue
        if current is not None:
            current.append(" ".join(statement.split()))
    counts = {}
    for key, statements in by_route.items():
        if key == "end":
            continue
        each, remainder = divmod(len(statements), requests)
        sample = tuple(statements[:each]) if not remainder else ()
        counts[key] = StatementCount(per_request=len(statements) / requests, sample=sample)
    return counts
