"""
The benchmark's baseline: stock Django REST framework over the same models and
database. Django's startproject middleware, DRF's defaults plus what the
follow routes need (token authentication, a page of 20), persistent connections
as the service has them. Served by the same server: DJANGO_SETTINGS_MODULE
points api.wsgi here.
"""

from __future__ import annotations

import environ

env = environ.Env()

ALLOWED_HOSTS = ["*"]
AUTH_USER_MODEL = "accounts.User"
DATABASES = {"default": {**env.db("DATABASE_URL"), "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}}
DEBUG = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "rest_framework.authtoken",
    "accounts",
    "social",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "PAGE_SIZE": 20,
}
# The accounts app, whose User model the baseline shares, reads its key at startup.
REMOTE_API_TOKEN_KEYS: list[str] = []
ROOT_URLCONF = "bench.baseline.urls"
SECRET_KEY = env.str("SECRET_KEY")
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
USE_TZ = True
