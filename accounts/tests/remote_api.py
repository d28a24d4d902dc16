"""A real HTTP server on localhost standing in for the remote API's token endpoint."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class RemoteAPI:
    url: str = ""
    # What the next answers are: "ok", "error", "slow", "garbage", "no_token".
    mode: str = "ok"
    delay: float = 0.0
    expires_in: int = 3600
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def calls(self) -> int:
        return len(self.requests)

    def issued_token(self, number: int) -> str:
        return f"remote-secret-token-{number:04d}"


def _handler(remote: RemoteAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode())
            with remote.lock:
                remote.requests.append(form)
                number = remote.calls
            time.sleep(remote.delay)
            if remote.mode == "slow":
                time.sleep(2)
            if remote.mode == "error":
                self._answer(500, b'{"error": "internal"}')
            elif remote.mode == "garbage":
                self._answer(200, b"<html>not json</html>")
            elif remote.mode == "no_token":
                self._answer(200, json.dumps({"token": "x", "expires_in": 60}).encode())
            else:
                token = remote.issued_token(number)
                body = {"access_token": token, "expires_in": remote.expires_in}
                self._answer(200, json.dumps(body).encode())

        def _answer(self, status: int, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def remote_api() -> Iterator[RemoteAPI]:
    remote = RemoteAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(remote))
    server.daemon_threads = True
    remote.url = f"http://127.0.0.1:{server.server_address[1]}/oauth/token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield remote
    finally:
        server.shutdown()
        server.server_close()
