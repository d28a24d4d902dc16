"""
The app's settings, each with its default (read on every use, so that
``override_settings`` applies):

- ``IDEMPOTENCY_KEY_EXPIRY``: seconds a stored key answers retries (24 hours);
  ``manage.py purge_idempotency_keys`` deletes older ones.
- ``IDEMPOTENCY_KEY_LOCK_TIMEOUT``: seconds a request waits, on PostgreSQL, for
  another request holding its key before it answers 409 (5).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULTS: dict[str, float] = {
    "IDEMPOTENCY_KEY_EXPIRY": 24 * 60 * 60,
    "IDEMPOTENCY_KEY_LOCK_TIMEOUT": 5.0,
}


def value(name: str) -> object:
    return getattr(settings, name, DEFAULTS[name])


def expiry() -> dt.timedelta:
    return dt.timedelta(seconds=float(value("IDEMPOTENCY_KEY_EXPIRY")))  # type: ignore[arg-type]


def lock_timeout_ms() -> int:
    return int(float(value("IDEMPOTENCY_KEY_LOCK_TIMEOUT")) * 1000)  # type: ignore[arg-type]
