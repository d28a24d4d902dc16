"""gunicorn settings, from the environment (the container's start command uses this file)."""

from __future__ import annotations

import os

# A container listens on all interfaces; scripts/serve binds to localhost.
bind = os.environ.get("BIND", "0.0.0.0:8000")
# Two per core: while one worker waits on PostgreSQL (a commit's WAL flush), the
# other has the core.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
# Heartbeat files in memory: a slow disk must not look like a hung worker.
worker_tmp_dir = os.environ.get("WORKER_TMP_DIR", "/dev/shm")  # noqa: S108
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 50
accesslog = "-"
errorlog = "-"
wsgi_app = "api.wsgi:application"
