"""
A PostgreSQL database made for one run, migrated, and seeded with SQL.

Seeding goes through SQL, not the API: a million follows through the ORM would
take longer than the benchmark. Every row still passes the constraints the
migrations created (the database checks them; nothing here disables a
trigger), and the tokens are ordinary ``authtoken_token`` rows.
"""

from __future__ import annotations

import math
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from bench.routes import Account, Accounts

ROOT = Path(__file__).resolve().parent.parent
# Each graph user follows this many others: a million follows need 10,000 users.
FANOUT = 100
# Unusable password hash (as Django's set_unusable_password): nobody logs in with it.
NO_PASSWORD = "!bench"  # noqa: S105 (a hash no password matches)


@contextmanager
def fresh_database(server_url: str, suffix: str = "") -> Iterator[str]:
    """A new database on the server of ``server_url``, dropped on the way out."""
    name = f"bench_{os.getpid()}{suffix}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        connection.execute(drop)
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(drop)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def migrate(env: Mapping[str, str]) -> None:
    command = [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]
    result = subprocess.run(
        command, cwd=ROOT, env=dict(env), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"migrate failed:\n{result.stdout}{result.stderr}")


@dataclass(frozen=True)
class Graph:
    """The users whose follows fill the table: ids first_id .. first_id + users - 1."""

    first_id: int
    users: int

    def capacity(self) -> int:
        return self.users * FANOUT


def graph_for(follows: int) -> int:
    """How many graph users hold ``follows`` follows (more than FANOUT: no self-follow)."""
    return max(FANOUT + 1, math.ceil(follows / FANOUT))


def seed(url: str, *, writers: int, scores: int, graph_users: int) -> tuple[Accounts, Graph]:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        staff = _users(cursor, "bench-staff", 1, staff=True)
        writer_ids = _users(cursor, "bench-writer-", writers)
        graph_ids = _users(cursor, "bench-graph-", graph_users)
        if graph_ids[-1] - graph_ids[0] + 1 != len(graph_ids):
            raise RuntimeError("graph users did not get consecutive ids")
        staff_account, *writer_accounts = _tokens(cursor, [*staff, *writer_ids])
        accounts = Accounts(staff=staff_account, writers=tuple(writer_accounts))
        cursor.execute(
            "INSERT INTO scoring_score (type, value_points, owner_id)"
            " SELECT 1, g, %s::bigint FROM generate_series(1, %s::int) AS g",
            (writer_ids[0], scores),
        )
    return accounts, Graph(first_id=graph_ids[0], users=graph_users)


def _users(
    cursor: psycopg.Cursor[TupleRow], prefix: str, count: int, *, staff: bool = False
) -> list[int]:
    cursor.execute(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
        " email, is_staff, is_active, date_joined)"
        " SELECT %s::text, false, %s::text || g, '', '', '', %s::boolean, true, now()"
        " FROM generate_series(1, %s::int) AS g ORDER BY g RETURNING id",
        (NO_PASSWORD, prefix, staff, count),
    )
    return sorted(row[0] for row in cursor.fetchall())


def _tokens(cursor: psycopg.Cursor[TupleRow], user_ids: list[int]) -> list[Account]:
    accounts = [Account(id=user_id, token=secrets.token_hex(20)) for user_id in user_ids]
    cursor.executemany(
        "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s::text, now(), %s::bigint)",
        [(account.token, account.id) for account in accounts],
    )
    return accounts


def fill_follows(url: str, graph: Graph, *, total: int, seeded: int) -> int:
    """
    Add graph follows until the table holds ``total`` rows; return the graph
    follows seeded so far. Graph follow number g is user g div FANOUT following
    the next (1 + g mod FANOUT)-th user, wrapping: unique pairs, never oneself.
    """
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM social_follow").fetchone()
        missing = total - (row[0] if row else 0)
        if missing <= 0:
            return seeded
        if seeded + missing > graph.capacity():
            raise RuntimeError(f"{graph.users} graph users hold at most {graph.capacity()} follows")
        connection.execute(
            "INSERT INTO social_follow (from_user_id, to_user_id, created_at)"
            " SELECT %(first)s::bigint + g / %(fanout)s::bigint,"
            " %(first)s::bigint + (g / %(fanout)s::bigint + 1 + g %% %(fanout)s::bigint)"
            " %% %(users)s::bigint,"
            " now() FROM generate_series(%(start)s::bigint, %(stop)s::bigint - 1) AS g",
            {
                "first": graph.first_id,
                "fanout": FANOUT,
                "users": graph.users,
                "start": seeded,
                "stop": seeded + missing,
            },
        )
    analyze(url)
    return seeded + missing


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def backend_pids(url: str) -> list[int]:
    """The server processes of this database's other sessions (the workers' connections)."""
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(row[0]) for row in rows]


def set_statement_logging(url: str, *, on: bool) -> None:
    """Log every statement of this database's new sessions (ALTER DATABASE: this one only)."""
    name = sql.Identifier(database_name(url))
    with psycopg.connect(url, autocommit=True) as connection:
        if on:
            connection.execute(sql.SQL("ALTER DATABASE {} SET log_statement = 'all'").format(name))
        else:
            connection.execute(sql.SQL("ALTER DATABASE {} RESET log_statement").format(name))
