"""What the benchmark's runs share: the service's environment, and progress on stderr."""

from __future__ import annotations

import secrets
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from e2e.live import fresh_database, manage, process_env

HIGH_RATE = "1000000/minute"  # counted as in production, never reached


def service_env(url: str, workers: int) -> dict[str, str]:
    """The production settings on the run's database; the login and write limits raised."""
    return process_env(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        WEB_CONCURRENCY=str(workers),
        THROTTLE_AUTH=HIGH_RATE,
        THROTTLE_REGISTER=HIGH_RATE,
        THROTTLE_WRITE=HIGH_RATE,
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def migrated_database(
    stack: ExitStack, server_url: str, workers: int, prefix: str = "bench"
) -> tuple[str, Path, dict[str, str]]:
    """A fresh database on the server, migrated; a scratch directory; the service's env."""
    url = stack.enter_context(fresh_database(server_url, Path(), prefix=prefix))
    scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
    env = service_env(url, workers)
    say(f"migrate {url.rpartition('/')[2]}")
    manage("migrate", "--no-input", "-v0", env=env)
    return url, scratch, env
