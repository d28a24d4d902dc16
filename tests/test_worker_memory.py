"""What a worker imports before its first request: only what every request needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Loaded by the requests that need them: the remote API's client (httpx), the
# stored token's encryption (cryptography), and the rate limits' Redis client.
ON_DEMAND = ("httpx", "cryptography", "redis")

STARTUP = """
import sys
import api.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_worker_loads_no_on_demand_package_before_a_request_needs_it() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "api.settings",
        "SECRET_KEY": "test-only-secret-key",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "localhost",
    }
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-W", "ignore", "-c", STARTUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(done.stdout.split())

    assert "django" in loaded
    assert loaded.isdisjoint(ON_DEMAND), loaded & set(ON_DEMAND)
