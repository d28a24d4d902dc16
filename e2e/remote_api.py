"""
A stand-in for the remote API whose token the service keeps: an OAuth2-style
token endpoint that issues a fresh token to every POST, so that a live server
can be configured completely and its refresh route answers 200.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERNAME = "e2e-remote-user"
PASSWORD = secrets.token_urlsafe(12)


class _TokenEndpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"access_token": secrets.token_urlsafe(24), "expires_in": 3600})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass  # the service logs its refreshes; the test output needs no second copy


@contextmanager
def token_endpoint() -> Iterator[dict[str, str]]:
    """The service's REMOTE_API_* settings for a token endpoint that runs meanwhile."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TokenEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "REMOTE_API_TOKEN_URL": f"http://127.0.0.1:{server.server_port}/oauth/token",
            "REMOTE_API_USERNAME": USERNAME,
            "REMOTE_API_PASSWORD": PASSWORD,
        }
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
