"""
Clients that keep connections alive (httpx, urllib3: what the generated SDKs use)
never lose a request to connection handling, whatever the requests beside it were:
a body the service answers without reading is drained before the connection is
reused, or the response says ``Connection: close``.
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

import httpx
import pytest
import urllib3

from e2e.live import LiveServer, ServerFactory
from e2e.users import ApiUser

THREADS = 16
REQUESTS = 640
# Above DATA_UPLOAD_MAX_MEMORY_SIZE (256 KiB): a 413, answered before the body is read.
OVERSIZED = b'{"title": "' + b"x" * (300 * 1024) + b'"}'
SMALL = b'{"title": "kept alive"}'


def _mix(token: str) -> list[tuple[str, str, bytes | None, dict[str, str], int]]:
    """(method, path, body, headers, expected status), in a fixed repeating order."""
    json_body = {"Content-Type": "application/json"}
    authorized = {**json_body, "Authorization": f"Token {token}"}
    kinds = [
        ("GET", "/api/health/live/", None, {}, 200),
        ("POST", "/api/events/", OVERSIZED, authorized, 413),
        ("GET", "/api/health/live/", None, {}, 200),
        ("POST", "/api/events/", OVERSIZED, json_body, 401),
        ("GET", "/api/events/", None, {}, 200),
        ("POST", "/api/events/", SMALL, json_body, 401),
        ("PUT", "/api/events/", SMALL, authorized, 405),
        ("POST", "/api/events/", SMALL, {**authorized, "Content-Type": "text/plain"}, 415),
    ]
    return [kinds[i % len(kinds)] for i in range(REQUESTS)]


def _run(send: Callable[[str, str, bytes | None, dict[str, str]], int], token: str) -> Counter[str]:
    def one(request: tuple[str, str, bytes | None, dict[str, str], int]) -> str:
        method, path, body, headers, expected = request
        try:
            status = send(method, path, body, headers)
        except Exception as error:  # every transport error is counted
            return f"{type(error).__name__}"
        return "ok" if status == expected else f"{method} {path} -> {status}, not {expected}"

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(pool.map(one, _mix(token)))


def test_a_pooled_httpx_client_loses_no_request(service: LiveServer, user: ApiUser) -> None:
    limits = httpx.Limits(max_connections=THREADS, max_keepalive_connections=THREADS)
    with httpx.Client(base_url=service.url, limits=limits, timeout=30) as client:

        def send(method: str, path: str, body: bytes | None, headers: dict[str, str]) -> int:
            return client.request(method, path, content=body, headers=headers).status_code

        outcomes = _run(send, user.token)

    assert outcomes == Counter({"ok": REQUESTS})


def test_a_urllib3_pool_loses_no_request(service: LiveServer, user: ApiUser) -> None:
    # No retries: a request the server dropped would be sent again and hide the loss.
    with urllib3.HTTPConnectionPool(
        *_address(service), maxsize=THREADS, block=True, retries=False, timeout=30
    ) as pool:

        def send(method: str, path: str, body: bytes | None, headers: dict[str, str]) -> int:
            return pool.request(method, path, body=body, headers=headers).status

        outcomes = _run(send, user.token)

    assert outcomes == Counter({"ok": REQUESTS})


def test_an_oversized_body_is_drained_and_its_connection_kept(
    service: LiveServer, user: ApiUser
) -> None:
    # 300 KB is under REQUEST_BODY_DRAIN_MAX: the body is read and dropped, the
    # 413 keeps the connection, and the next request on it is answered.
    with _connection(service) as (connection, reader):
        connection.sendall(_post_head(service, "/api/events/", len(OVERSIZED), user) + OVERSIZED)
        status, headers, body = _read_response(reader)
        assert status == 413
        assert json.loads(body)["errors"][0]["code"] == "request_too_large"
        assert headers.get("connection", "keep-alive").lower() != "close"
        connection.sendall(b"GET /api/health/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _read_response(reader)[0] == 200


def test_a_body_over_the_drain_bound_gets_its_413_and_connection_close(
    servers: ServerFactory, user: ApiUser
) -> None:
    with (
        servers.start("small-drain-bound", REQUEST_BODY_DRAIN_MAX="1024") as server,
        _connection(server) as (connection, reader),
    ):
        connection.sendall(_post_head(server, "/api/events/", len(OVERSIZED), user) + OVERSIZED)
        status, headers, _ = _read_response(reader)

    assert status == 413
    assert headers["connection"].lower() == "close"


@pytest.mark.parametrize("path", ["/api/follows/", "/api/events/"])
def test_a_body_held_back_behind_expect_continue_is_not_waited_for(
    service: LiveServer, path: str
) -> None:
    # curl sends a large body after "Expect: 100-continue"; a refusal (401 here)
    # answers at once and closes, so the body the client holds back is never needed.
    with _connection(service, timeout=5) as (connection, reader):
        connection.sendall(_post_head(service, path, len(OVERSIZED), None, "Expect: 100-continue"))
        status, headers, _ = _read_response(reader)

    assert status == 401
    assert headers["connection"].lower() == "close"


@contextmanager
def _connection(
    server: LiveServer, timeout: float = 30
) -> Iterator[tuple[socket.socket, BinaryIO]]:
    with socket.create_connection(_address(server), timeout=timeout) as connection:
        yield connection, connection.makefile("rb")


def _post_head(
    server: LiveServer, path: str, length: int, user: ApiUser | None, *extra: str
) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {_address(server)[0]}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        *([f"Authorization: Token {user.token}"] if user else []),
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _address(server: LiveServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname
    assert parts.port
    return parts.hostname, parts.port


def _read_response(stream: BinaryIO) -> tuple[int, dict[str, str], bytes]:
    status_line = stream.readline()
    while status_line.startswith(b"HTTP/1.1 100"):  # an interim answer, then the final one
        stream.readline()
        status_line = stream.readline()
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = stream.read(int(headers.get("content-length", "0")))
    return status, headers, body
