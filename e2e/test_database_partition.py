"""
A partition between an app server and PostgreSQL: the packets of its open
connections vanish and nothing closes them (a crashed database host, a
firewall that drops), unlike test_database_outage.py, where the database
side hangs up. The app server runs on a host of its own (a network
namespace), where a blackhole route to the database's address cuts it off.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

from e2e import netns
from e2e.live import LiveServer, ServerFactory, is_postgresql, reached_at
from e2e.tcp_proxy import tcp_proxy

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        not is_postgresql(os.environ.get("DATABASE_URL")),
        reason="a partition is a network event: SQLite is a file in the server's process",
    ),
]

# DATABASE_CONNECT_TIMEOUT is 3 s: an answer takes a few seconds at most.
ANSWER_WITHIN_SECONDS = 10


@dataclass(frozen=True)
class Isolated:
    host: netns.Host
    server: LiveServer
    database: str  # the database's address, as the host sees it


@pytest.fixture(scope="module")
def isolated(servers: ServerFactory, database_url: str) -> Iterator[Isolated]:
    database = urlsplit(database_url)
    target = (database.hostname or "127.0.0.1", database.port or 5432)
    with ExitStack() as stack:
        try:
            network = stack.enter_context(netns.hosts(1))
        except netns.NamespacesUnavailable as exc:
            pytest.skip(f"a partition needs a host of its own (a network namespace): {exc}")
        proxy = stack.enter_context(tcp_proxy(target, listen=(network.database, 0)))
        host = network.hosts[0]
        server = stack.enter_context(
            servers.start(
                "partition",
                bind=f"{host.address}:8000",
                wrapper=host.run,
                ALLOWED_HOSTS=host.address,
                DATABASE_URL=reached_at(database_url, proxy.host, proxy.port),
                # One worker with one thread, so the request meets the connection it holds.
                WEB_CONCURRENCY="1",
                WEB_THREADS="1",
            )
        )
        yield Isolated(host, server, network.database)


def test_a_partition_from_the_database_answers_503_in_bounded_time(isolated: Isolated) -> None:
    with isolated.server.client() as http:
        # The worker keeps its connection (CONN_MAX_AGE): the partition catches it open.
        assert http.get("/api/follows/").status_code == 200
        with netns.unreachable(isolated.host, isolated.database):
            started = time.monotonic()
            try:
                response: httpx.Response | None = http.get("/api/follows/", timeout=60)
            except httpx.TransportError:
                response = None  # the connection closed before an answer
            elapsed = time.monotonic() - started
        recovered = http.get("/api/health/ready/")

    assert response is not None, f"no answer: the connection closed after {elapsed:.1f} s"
    assert response.status_code == 503, response.text
    assert response.json()["errors"][0]["code"] == "database_unavailable"
    assert elapsed < ANSWER_WITHIN_SECONDS, f"answered after {elapsed:.1f} s"
    assert recovered.status_code == 200, recovered.text
