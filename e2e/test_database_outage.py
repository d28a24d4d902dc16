"""
The database goes away under a running server, and comes back.

The server reaches PostgreSQL through a forwarder in this process, which the
tests cut: new connections refused and open ones dropped ("refused"), or
connections accepted and never answered ("silent", where only the connect
timeout ends the wait).

The server has one worker, so every request meets the one persistent
connection, and what that connection has been through is known.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from e2e.live import LiveServer, ServerFactory, is_postgresql, reached_at
from e2e.tcp_proxy import TcpProxy, tcp_proxy
from e2e.users import ApiUser, register

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        not is_postgresql(os.environ.get("DATABASE_URL")),
        reason="a database outage is a network event: SQLite is a file in the server's process",
    ),
]

KINDS = ["refused", "silent"]
# DATABASE_CONNECT_TIMEOUT is 3 s: an answer takes a few seconds at most, never a hang.
ANSWER_WITHIN_SECONDS = 10
UNAVAILABLE = {
    "type": "server_error",
    "errors": [
        {
            "code": "database_unavailable",
            "detail": "The database is unavailable. Try again shortly.",
            "attr": None,
        }
    ],
}


@pytest.fixture(scope="module")
def database_link(database_url: str) -> Iterator[TcpProxy]:
    database = urlsplit(database_url)
    with tcp_proxy((database.hostname or "127.0.0.1", database.port or 5432)) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def server(
    servers: ServerFactory, database_url: str, database_link: TcpProxy
) -> Iterator[LiveServer]:
    url = reached_at(database_url, database_link.host, database_link.port)
    # One worker with one thread: each request meets the connection the last one left.
    with servers.start("outage", DATABASE_URL=url, WEB_CONCURRENCY="1", WEB_THREADS="1") as server:
        yield server


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def pair(http: httpx.Client) -> tuple[ApiUser, ApiUser]:
    return register(http), register(http)


@contextmanager
def cut_off(database_link: TcpProxy, kind: str) -> Iterator[None]:
    database_link.cut()
    if kind == "silent":
        database_link.restore(forward=False)
    try:
        yield
    finally:
        database_link.cut()
        database_link.restore()


def settle(http: httpx.Client) -> None:
    # The next test starts from a server that answers, whatever this one left behind.
    for _ in range(5):
        if http.get("/api/health/ready/").status_code == 200:
            return
    raise AssertionError("the server did not recover")


@pytest.fixture(params=KINDS)
def outage(
    request: pytest.FixtureRequest, database_link: TcpProxy, http: httpx.Client
) -> Iterator[str]:
    with cut_off(database_link, request.param):
        yield request.param
    settle(http)


def timed(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    started = time.monotonic()
    # The client waits longer than the bound, so that a slow answer is measured, not cut.
    response = http.request(method, path, timeout=ANSWER_WITHIN_SECONDS + 20, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN_SECONDS, f"{method} {path} took {elapsed:.1f} s"
    return response


def test_reads_and_writes_answer_503_database_unavailable_in_bounded_time(
    http: httpx.Client, pair: tuple[ApiUser, ApiUser], outage: str
) -> None:
    follower, followed = pair
    follow = {"json": {"to_user": followed.id}, "headers": follower.authorization}
    # A retry-safe write: the key is claimed in the database before the view runs.
    keyed = {**follow, "headers": {**follower.authorization, "Idempotency-Key": "outage"}}
    for method, path, kwargs in [
        ("GET", "/api/follows/", {}),
        ("GET", "/api/health/ready/", {}),
        ("POST", "/api/follows/", follow),
        ("POST", "/api/follows/", keyed),
    ]:
        response = timed(http, method, path, **kwargs)

        assert response.status_code == 503, (method, path, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.json() == UNAVAILABLE


def test_liveness_answers_200_while_the_database_is_unreachable(
    http: httpx.Client, outage: str
) -> None:
    response = timed(http, "GET", "/api/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("kind", KINDS)
def test_the_server_recovers_without_a_restart_when_the_database_returns(
    http: httpx.Client, pair: tuple[ApiUser, ApiUser], database_link: TcpProxy, kind: str
) -> None:
    follower, followed = pair
    with cut_off(database_link, kind):
        assert timed(http, "GET", "/api/health/ready/").status_code == 503

    readiness = [timed(http, "GET", "/api/health/ready/").status_code for _ in range(4)]
    followed_now = http.post(
        "/api/follows/", json={"to_user": followed.id}, headers=follower.authorization
    )
    listed = http.get("/api/follows/", params={"from_user": follower.id})

    assert readiness == [200] * 4
    assert followed_now.status_code == 201, followed_now.text
    assert [row["to_user"] for row in listed.json()["results"]] == [followed.id]


def test_a_connection_dropped_between_requests_is_replaced_before_the_next_one(
    http: httpx.Client, database_link: TcpProxy
) -> None:
    assert http.get("/api/follows/").status_code == 200  # the worker's connection, just used
    try:
        # The database side hangs up and is back at once, before the next request.
        database_link.cut()
        database_link.restore()

        response = http.get("/api/follows/")
    finally:
        settle(http)

    assert response.status_code == 200, response.text
