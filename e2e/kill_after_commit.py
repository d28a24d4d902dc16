"""
The service's WSGI app, whose worker dies right after a request has committed
when the request carries ``X-Kill-Worker-After-Commit``: the client's answer is
lost, as when a worker is killed under load. For one end-to-end test only; the
test copies this file next to the server, and the image never contains it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable
from typing import Any

from api.wsgi import application as service

KILL_HEADER = "X-Kill-Worker-After-Commit"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    response: Iterable[bytes] = service(environ, start_response)
    if environ.get("HTTP_X_KILL_WORKER_AFTER_COMMIT"):
        # Django has run the view and committed; the server has sent nothing yet.
        os.kill(os.getpid(), signal.SIGKILL)
    return response
