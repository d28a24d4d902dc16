"""
Rate limits hold in total across the workers of a server, whichever cache holds
the counters: the database by default, Redis when REDIS_URL is set. A cache
that is down lets requests through.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import redis

from e2e.live import LiveServer, ServerFactory, free_port
from e2e.needs import skip_or_fail
from e2e.users import ApiUser, register

REDIS_URL = "redis://127.0.0.1:6379/0"
WORKERS = 4
LIMIT = 8
# Per day: a fixed window that no run of this test straddles in practice.
RATE = f"{LIMIT}/day"
ATTEMPTS = 3 * LIMIT


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _token_requests(server: LiveServer, count: int) -> Counter[int]:
    # Concurrent clients, each request on its own connection: every worker takes some.
    def attempt(index: int) -> int:
        with server.client() as http:
            body = {"username": f"nobody-{index}", "password": "wrong"}
            return http.post("/api/auth/token/", json=body).status_code

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return Counter(pool.map(attempt, range(count)))


@pytest.fixture(params=["database", "redis"])
def cache(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "database":
        return {}
    if not _redis_reachable():
        skip_or_fail(f"Redis is not running at {REDIS_URL}")
    return {
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"e2e-{secrets.token_hex(6)}",
        # A loaded test machine is no reason to fail open here.
        "REDIS_TIMEOUT": "5",
    }


@contextmanager
def limited(servers: ServerFactory, cache: dict[str, str], **rates: str) -> Iterator[LiveServer]:
    with servers.start("limits", WEB_CONCURRENCY=str(WORKERS), **cache, **rates) as server:
        yield server


def test_token_request_limit_holds_in_total_across_workers(
    servers: ServerFactory, cache: dict[str, str]
) -> None:
    with limited(servers, cache, THROTTLE_AUTH=RATE) as server:
        answers = _token_requests(server, ATTEMPTS)

    assert answers == {400: LIMIT, 429: ATTEMPTS - LIMIT}


def test_write_limit_of_an_authenticated_user_holds_across_workers(
    servers: ServerFactory, cache: dict[str, str]
) -> None:
    with limited(servers, cache, THROTTLE_WRITE=RATE) as server:
        with server.client() as http:
            follower, other = register(http), register(http)

        def follow_self(user: ApiUser) -> int:
            # A write the database refuses (a self-follow): it counts all the same.
            with server.client() as http:
                body = {"to_user": user.id}
                return http.post("/api/follows/", json=body, headers=user.authorization).status_code

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            answers = Counter(pool.map(follow_self, [follower] * ATTEMPTS))
        others_write = follow_self(other)
        with server.client() as http:
            reads = http.get("/api/follows/", headers=follower.authorization).status_code

    assert answers == {400: LIMIT, 429: ATTEMPTS - LIMIT}
    assert others_write == 400
    assert reads == 200


def test_requests_go_through_when_redis_is_down(servers: ServerFactory) -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    with servers.start("limits-redis-down", REDIS_URL=down, THROTTLE_AUTH="1/day") as server:
        answers = _token_requests(server, 4)
        log = server.log.read_text(errors="replace")

    assert answers == {400: 4}
    assert "Rate limit 'auth' not applied: the cache is unavailable (ConnectionError)" in log
