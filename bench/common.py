"""What the benchmark's runs share: the service's environment, and progress on stderr."""

from __future__ import annotations

import secrets
import sys

from e2e.live import process_env

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
