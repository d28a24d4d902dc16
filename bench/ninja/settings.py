"""
The benchmark's second baseline: django-ninja over the same models, token table
and database, as a ninja user writes it: Django's startproject middleware, a
token looked up per request, ninja's page of 20, and the IntegrityError of a
refused write turned into a 400 by hand. Served by the same server:
DJANGO_SETTINGS_MODULE points api.wsgi here.
"""

from __future__ import annotations

from bench.baseline.settings import (
    ALLOWED_HOSTS,
    AUTH_USER_MODEL,
    DATABASES,
    DEBUG,
    DEFAULT_AUTO_FIELD,
    MIDDLEWARE,
    REMOTE_API_TOKEN_KEYS,
    SECRET_KEY,
    TEMPLATES,
    USE_TZ,
)

__all__ = [
    "ALLOWED_HOSTS",
    "AUTH_USER_MODEL",
    "DATABASES",
    "DEBUG",
    "DEFAULT_AUTO_FIELD",
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "REMOTE_API_TOKEN_KEYS",
    "ROOT_URLCONF",
    "SECRET_KEY",
    "TEMPLATES",
    "USE_TZ",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # The token table the service and stock DRF read (authtoken_token).
    "rest_framework.authtoken",
    "ninja",
    "accounts",
    "social",
]
ROOT_URLCONF = "bench.ninja.urls"
