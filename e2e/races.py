"""
Many HTTP clients writing at once, spread over one or more app servers.

Every writer waits at a barrier, so that the requests reach the servers
together, each on its own connection; writer i talks to servers[i % n].
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx

from e2e.live import LiveServer
from e2e.users import ApiUser

WRITERS = 32


@dataclass(frozen=True)
class Write:
    method: str
    path: str
    body: dict[str, Any]
    user: ApiUser


@dataclass(frozen=True)
class Outcome:
    status: int
    codes: tuple[str, ...]
    body: Any

    @property
    def summary(self) -> tuple[int, tuple[str, ...]]:
        return self.status, self.codes


def race(servers: Sequence[LiveServer], write: Callable[[int], Write]) -> list[Outcome]:
    barrier = threading.Barrier(WRITERS)
    with ExitStack() as stack:
        # One pool per server, shared by its writers: concurrent requests never share
        # a connection (the server keeps each alive between one writer's requests).
        clients = [stack.enter_context(server.client()) for server in servers]

        def run(index: int) -> Outcome:
            request = write(index)
            http = clients[index % len(clients)]
            barrier.wait(timeout=30)
            response = http.request(
                request.method, request.path, json=request.body, headers=request.user.authorization
            )
            return outcome(response)

        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            return list(pool.map(run, range(WRITERS)))


def outcome(response: httpx.Response) -> Outcome:
    try:
        body = response.json()
    except ValueError:
        body = response.text
    errors = body.get("errors", []) if isinstance(body, dict) else []
    return Outcome(response.status_code, tuple(error["code"] for error in errors), body)


def tally(outcomes: Sequence[Outcome]) -> Counter[tuple[int, tuple[str, ...]]]:
    """What the writers were answered, for assertions and their messages."""
    return Counter(each.summary for each in outcomes)


def every_page(http: httpx.Client, path: str, **params: str | int) -> Iterator[dict[str, Any]]:
    url: str | None = path
    query: dict[str, str | int] | None = {**params, "limit": 100}
    while url:
        page = http.get(url, params=query)
        assert page.status_code == 200, page.text
        yield from page.json()["results"]
        url, query = page.json()["next"], None
