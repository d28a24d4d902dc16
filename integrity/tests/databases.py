"""Databases for integrity's tests: Django settings from a URL, and a fresh database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def settings_for(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:]}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path[1:],
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


@contextmanager
def fresh_database(server_url: str | None, scratch: Path) -> Iterator[str]:
    """A new database on the PostgreSQL server of ``server_url`` (else SQLite in scratch)."""
    if not server_url or not server_url.startswith("postgres"):
        yield f"sqlite:///{scratch / 'fresh.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"integrity_{secrets.token_hex(4)}"
    # Made and dropped from the server's maintenance database: the one the URL
    # names need not exist (the tests run in pytest-django's test_<name>).
    admin = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(sql.Identifier(name)))
