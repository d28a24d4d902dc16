"""gunicorn settings, from the environment (the container's start command uses this file)."""

from __future__ import annotations

import os

bind = os.environ.get("BIND", "0.0.0.0:8000")  # noqa: S104 (a container listens on all interfaces)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_tmp_dir = os.environ.get("WORKER_TMP_DIR", "/dev/shm")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 50
accesslog = "-"
errorlog = "-"
wsgi_app = "api.wsgi:application"
