"""
Slow and idle clients do not stall the service started as production starts it:
headers are read outside the Python workers, and a body still arriving holds
one of a worker's threads, not the worker.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from urllib.parse import urlsplit

from api.server import default_threads
from e2e.live import LiveServer

SLOWLORIS = 64
# Fewer than one worker's threads (WEB_THREADS' default): each holds one.
SLOW_BODIES = min(8, default_threads() - 1)
NORMAL_REQUESTS = 20
# The bound a normal request is held to while the slow clients trickle.
ANSWER_WITHIN_SECONDS = 1.0


@contextmanager
def trickling(server: LiveServer) -> Iterator[None]:
    """Slowloris connections (headers never finished) and bodies sent a byte a second."""
    address = urlsplit(server.url)
    host = (server.host or address.hostname or "127.0.0.1").encode()
    stop = threading.Event()
    with ExitStack() as stack:

        def connect(start: bytes, more: bytes) -> tuple[socket.socket, bytes]:
            slow = stack.enter_context(socket.create_connection((address.hostname, address.port)))
            slow.sendall(start)
            return slow, more

        connections = [
            connect(b"GET /api/health/live/ HTTP/1.1\r\nHost: " + host + b"\r\n", b"X-Slow: 1\r\n")
            for _ in range(SLOWLORIS)
        ] + [
            connect(
                b"POST /api/auth/token/ HTTP/1.1\r\nHost: " + host + b"\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
                b" ",
            )
            for _ in range(SLOW_BODIES)
        ]

        def trickle() -> None:
            while not stop.wait(0.5):
                for slow, more in connections:
                    with suppress(OSError):  # the server closed it: that is allowed
                        slow.sendall(more)

        worker = threading.Thread(target=trickle, daemon=True)
        worker.start()
        try:
            yield
        finally:
            stop.set()
            worker.join()


def test_requests_answer_within_a_second_while_slow_clients_trickle(service: LiveServer) -> None:
    with service.client() as http:
        http.get("/api/health/ready/")  # a connection of its own, kept alive
        with trickling(service):
            time.sleep(1)  # every slow connection is in, and has trickled
            slowest = 0.0
            statuses = []
            for _ in range(NORMAL_REQUESTS):
                started = time.monotonic()
                response = http.get("/api/health/ready/", timeout=ANSWER_WITHIN_SECONDS * 5)
                slowest = max(slowest, time.monotonic() - started)
                statuses.append(response.status_code)
            # A new connection, too, is accepted and answered.
            with service.client() as fresh:
                started = time.monotonic()
                statuses.append(fresh.get("/api/health/live/").status_code)
                slowest = max(slowest, time.monotonic() - started)

    assert statuses == [200] * (NORMAL_REQUESTS + 1)
    assert slowest < ANSWER_WITHIN_SECONDS, f"a request took {slowest:.2f} s"


def test_connections_are_kept_alive(service: LiveServer) -> None:
    with service.client() as http:
        first = http.get("/api/health/live/")
        second = http.get("/api/follows/")

    assert first.headers.get("connection", "keep-alive").lower() != "close"
    assert second.status_code == 200
    assert first.extensions["network_stream"] is second.extensions["network_stream"]
