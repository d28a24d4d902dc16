"""
integrity's own tests, without the service: its apps, DRF, the test models.

DATABASE_URL picks the database (``sqlite:///path`` or ``postgres://...``;
default: a SQLite file in the working directory). The integrity matrix
(noxfile.py) runs these tests against the installed wheel.
"""

from __future__ import annotations

import os

from integrity.tests.databases import settings_for

SECRET_KEY = "integrity-tests-only"
ROOT_URLCONF = "integrity.tests.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "drf_standardized_errors",
    "integrity",
    "integrity.rest_framework",
    "integrity.tests.constraint_models",
]
DATABASES = {"default": settings_for(os.environ.get("DATABASE_URL", "sqlite:///integrity.sqlite3"))}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
}
DRF_STANDARDIZED_ERRORS = {"EXCEPTION_HANDLER_CLASS": "integrity.rest_framework.ExceptionHandler"}
