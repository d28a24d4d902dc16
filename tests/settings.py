"""Test settings: the service's own, plus models that exist only for the tests."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# A Fernet key for the remote API token, for the tests only.
os.environ.setdefault("REMOTE_API_TOKEN_KEYS", "dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LTAwMDA=")

from api.settings import *  # noqa: F403
from api.settings import INSTALLED_APPS, REST_FRAMEWORK

# Each test process counts rate limits in its memory, so that a request's statements
# are the service's own; web/tests/test_throttling.py and the e2e tests use the
# database cache the service runs with.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
INSTALLED_APPS = [*INSTALLED_APPS, "integrity.tests.constraint_models"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "auth": "10000/minute",
        "register": "10000/minute",
        "write": "10000/minute",
    },
}
