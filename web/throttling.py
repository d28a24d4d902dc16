"""
Rate limits counted in Django's cache, so that one client's limit holds across
every worker and host: Redis when ``REDIS_URL`` is set, else the database
cache (web/cache.py), one statement a count. A limit is a fixed window: at most
N requests per client in each minute (or second, hour, day) of the clock.

When the cache cannot be reached the request goes through and a warning is
logged: a rate limit is not worth an outage.
"""

from __future__ import annotations

import logging
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import DatabaseError, connection, transaction
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from web.cache import DatabaseCache

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


def cache_errors() -> tuple[type[Exception], ...]:
    # Redis's errors, once Django's Redis backend has imported the client: a
    # service without Redis does not load it (about 20 MB in every worker).
    redis = sys.modules.get("redis.exceptions")
    return (DatabaseError, OSError, *([redis.RedisError] if redis else []))


class SharedRateThrottle(SimpleRateThrottle):
    # Set by SimpleRateThrottle from the rate; None when the scope has no limit.
    num_requests: int | None
    duration: int | None
    window_ends = 0.0

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        # The default cache itself: DRF's is django.core.cache.cache, a proxy that no
        # isinstance() sees through.
        return caches[DEFAULT_CACHE_ALIAS]

    def allow_request(self, request: Request, view: APIView) -> bool:
        limit, duration = self.num_requests, self.duration
        if self.rate is None or limit is None or duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // duration)
        self.window_ends = (window + 1) * duration
        try:
            with _own_savepoint(self.cache):
                count = self._count(f"{self.key}:{window}", duration)
        except cache_errors() as exc:
            logger.warning(
                "Rate limit %r not applied: the cache is unavailable (%s)",
                self.scope,
                type(exc).__name__,
            )
            return True
        return count <= limit

    def _count(self, key: str, duration: int) -> int:
        # The database cache counts in one statement (web/cache.py); in Redis incr is
        # atomic and add is SET NX.
        if isinstance(self.cache, DatabaseCache):
            return self.cache.count(key, duration + 1)
        try:
            return int(self.cache.incr(key))
        except ValueError:  # the window's first request
            if self.cache.add(key, 1, timeout=duration + 1):
                return 1
            return int(self.cache.incr(key))

    def wait(self) -> float | None:
        return max(self.window_ends - self.timer(), 1.0)


def _own_savepoint(cache: BaseCache) -> AbstractContextManager[Any]:
    # Inside a request's transaction (an Idempotency-Key's), a counter statement
    # of the database cache that fails must not abort the request's own
    # statements: it fails open. Redis runs no statement in the transaction.
    in_database = isinstance(cache, BaseDatabaseCache)
    return transaction.atomic() if in_database and connection.in_atomic_block else nullcontext()


class ScopedThrottle(ScopedRateThrottle, SharedRateThrottle):
    """The view's ``throttle_scope`` (token requests, registration), per client address."""


class WriteThrottle(SharedRateThrottle):
    """Writes of an authenticated user (``THROTTLE_WRITE``), per user, on every route."""

    scope = "write"

    def get_cache_key(self, request: Request, view: APIView) -> Any:
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
