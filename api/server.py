"""
The production server: Granian serving ``api.wsgi`` over HTTP/1.1, configured
from the environment. The container's start command, ``scripts/serve`` and the
benchmark all run ``python -m api.server``.

Granian parses HTTP in Rust (hyper) on its own event loop: a connection costs no
Python thread until a request's headers are complete, idle keep-alive
connections and slow (slowloris) headers never reach Django, and a request is
handed to one of the worker's Python threads. Those threads wait on PostgreSQL
and on a request body the client is still sending with the GIL released, so a
worker serves others meanwhile.
"""

from __future__ import annotations

import os
import sys

from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

# Headers that are not complete after this long: the connection is closed, and
# no thread ever saw it.
HEADER_READ_TIMEOUT_MS = 10_000
BACKPRESSURE = 1000


def default_threads() -> int:
    """Granian's own bound (it warns above it): twice the cores, and one."""
    return 2 * (os.cpu_count() or 1) + 1


def main() -> None:
    # The WSGI application, "module:name": the service's unless a test names its own.
    target = sys.argv[1] if len(sys.argv) > 1 else "api.wsgi:application"
    host, _, port = os.environ.get("BIND", "0.0.0.0:8000").rpartition(":")
    workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
    threads = int(os.environ.get("WEB_THREADS", str(default_threads())))
    Granian(
        target,
        address=host.strip("[]") or "0.0.0.0",  # noqa: S104 (a container listens on all)
        port=int(port),
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=workers,
        blocking_threads=threads,
        # Connections a worker takes at once (docs/deploying.md): far more than its
        # threads, so that slow or idle ones wait in Granian, not in a thread.
        backpressure=BACKPRESSURE,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS, keep_alive=True),
        log_access=True,
        respawn_failed_workers=True,
        workers_kill_timeout=20,
    ).serve()


if __name__ == "__main__":
    main()
