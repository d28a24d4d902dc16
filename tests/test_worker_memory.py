"""
What a worker holds before its first request: the views, imported and frozen out
of the garbage collector's sight (api/wsgi.py), and no package only some requests need.
"""

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
import gc
import sys
import api.wsgi
print(gc.get_freeze_count())
print(" ".join(sorted(sys.modules)))
"""


def start_worker() -> tuple[int, set[str]]:
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
    frozen, modules = done.stdout.splitlines()
    return int(frozen), set(modules.split())


def test_a_worker_loads_no_on_demand_package_before_a_request_needs_it() -> None:
    _, modules = start_worker()
    packages = {name.split(".")[0] for name in modules}

    assert "django" in packages
    assert packages.isdisjoint(ON_DEMAND), packages & set(ON_DEMAND)


def test_a_worker_imports_its_views_and_freezes_them_before_the_first_request() -> None:
    frozen, modules = start_worker()

    assert {"social.views", "scoring.views", "accounts.views"} <= modules
    # Far more than the collector would otherwise walk on each full collection.
    assert frozen > 50_000
