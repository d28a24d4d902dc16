"""
The WSGI application: Django's, inside one wrapper that keeps kept-alive
connections usable after a response that did not read its request's body.

Django answers many requests without reading the body: a 401, 403, 405, 413,
415 or 429 is decided from the headers. The server then has the unread body in
front of the next request on the connection, and Granian closes such a
connection without saying so: a pooled client (httpx, urllib3) that sends its
next request there loses it. So, once Django has answered, the rest of the body
is read and thrown away, up to ``REQUEST_BODY_DRAIN_MAX`` bytes; a body longer
than that, or one the client holds back until told to go on
(``Expect: 100-continue``), is not read, and the response says
``Connection: close``, so that no client sends another request on it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import IO, Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings")

_CHUNK = 64 * 1024

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _CountedInput:
    """``wsgi.input``, counting the bytes the application read from it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.consumed = 0

    def _count(self, data: bytes) -> bytes:
        self.consumed += len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.read(-1 if size is None else size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(-1 if size is None else size))

    def readlines(self, hint: int = -1) -> list[bytes]:
        return [self._count(line) for line in self._stream.readlines(hint)]

    def __iter__(self) -> _CountedInput:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def drain(self, length: int | None, limit: int) -> bool:
        """Read what is left of the body, up to ``limit`` bytes in all: whether it ended."""
        if length is not None:
            if length - self.consumed > limit:
                return False
            while self.consumed < length:
                if not self.read(min(_CHUNK, length - self.consumed)):
                    return True  # the client sent less than it announced, and stopped
            return True
        # Chunked: no length announced; read until the body ends or the bound is passed.
        while self.consumed <= limit:
            if not self.read(_CHUNK):
                return True
        return False


def _body_length(environ: dict[str, Any]) -> int | None:
    """The announced body length; None for a chunked body, 0 when there is none."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class DrainUnreadBody:
    def __init__(self, application: WSGIApplication, limit: int) -> None:
        self.application = application
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = _body_length(environ)
        if length == 0 or "wsgi.input" not in environ:
            return self.application(environ, start_response)
        body = _CountedInput(environ["wsgi.input"])
        environ["wsgi.input"] = body
        answer: list[Any] = []

        def deferred(
            status: str, headers: list[tuple[str, str]], exc_info: ExcInfo | None = None
        ) -> Callable[[bytes], object]:
            # Headers go out only once the body is dealt with (below); Django
            # never calls write(), but a write sends them first.
            answer[:] = [status, headers, exc_info]

            def write(data: bytes) -> object:
                return start_response(*answer)(data)

            return write

        result = self.application(environ, deferred)
        status, headers, exc_info = answer
        held_back = body.consumed == 0 and environ.get("HTTP_EXPECT", "").lower() == "100-continue"
        if held_back or not self._drained(body, length):
            headers = [(name, value) for name, value in headers if name.lower() != "connection"]
            headers.append(("Connection", "close"))
        start_response(status, headers, exc_info)
        return result

    def _drained(self, body: _CountedInput, length: int | None) -> bool:
        try:
            return body.drain(length, self.limit)
        except OSError:  # the client went away mid-body: the connection is done anyway
            return False


# The same bound under settings that do not set it (the benchmark's stock-DRF baseline).
DEFAULT_DRAIN_MAX = 10 * 1024 * 1024

application = DrainUnreadBody(
    get_wsgi_application(), getattr(settings, "REQUEST_BODY_DRAIN_MAX", DEFAULT_DRAIN_MAX)
)


def _settle() -> None:
    """
    Import every view now, then freeze what the worker holds: the objects made
    while starting up (modules, classes, the URLconf: about 90,000) move out of
    the cyclic garbage collector's sight. Otherwise each of its full collections
    walks them all with the GIL held, every thread of the worker waits, and the
    requests in flight get a tail: p99 20-30 ms against 50-55 ms for a refused
    write (bench/run.py levers --live), the floor's 5 ms against up to 38 ms.
    """
    get_resolver().url_patterns  # noqa: B018 (imports the views)
    gc.collect()
    gc.freeze()


_settle()
