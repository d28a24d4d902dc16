"""
Make sure the PostgreSQL database that the tests run against exists.

Usage: python scripts/ensure_database.py postgres://user@host:port/name

Creates the database when the server runs but the database does not exist yet.
Exits 0 when the database is there; otherwise prints one line that says what is
missing and how to fix it, and exits 1.
"""

from __future__ import annotations

import sys
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def ensure_database(url: str) -> str | None:
    """None when the database exists (creating it if needed); else what went wrong."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        return f"{url!r} names no database."
    # The server's maintenance database, reached with the same credentials.
    maintenance = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if found is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created the database {name} on {_where(url)}.", file=sys.stderr)
    except psycopg.errors.InsufficientPrivilege:
        return (
            f"the database {name} does not exist on {_where(url)} and this role may not create "
            f"it: run `createdb -h {parts.hostname} -p {parts.port or 5432} {name}` as a role "
            "that may, or set TEST_DATABASE_URL."
        )
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "no answer"
        return (
            f"PostgreSQL at {_where(url)} is not reachable ({reason}): start it, "
            "or set TEST_DATABASE_URL to a server that runs."
        )
    return None


if __name__ == "__main__":
    problem = ensure_database(sys.argv[1])
    if problem:
        print(f"The PostgreSQL half did not run: {problem}", file=sys.stderr)
        sys.exit(1)
