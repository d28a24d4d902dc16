"""
Settings. The environment is read once, in the block below (12-factor); every
variable is in the README's configuration table. The settings follow,
alphabetised. The server's own variables (BIND, WEB_CONCURRENCY, WEB_THREADS)
are read by api/server.py, which starts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from idempotency.conf import DEFAULTS as IDEMPOTENCY_DEFAULTS

# Lets django-stubs' generic classes (ModelAdmin[Model], ...) be subscripted at runtime.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# --- The environment -------------------------------------------------------------
env = environ.Env()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
_CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="constrained")
_CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=600)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
_DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
# A persistent connection that served a request this recently is not pinged
# before the next one (web/db/postgresql/base.py).
DATABASE_HEALTH_CHECK_AFTER_IDLE = env.float("DATABASE_HEALTH_CHECK_AFTER_IDLE", default=5.0)
_DATABASE_SERVER_SIDE_BINDING = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
# psycopg prepares a statement once it has run this many times on one connection, once the
# connection is seen to reach PostgreSQL itself, no pooler between (Django starts
# every connection without; web/db/session.py); 0: never.
DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
# PostgreSQL's statement_timeout for the service's role in its database.
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=15000)
_DATABASE_TCP_USER_TIMEOUT_MS = env.int("DATABASE_TCP_USER_TIMEOUT_MS", default=3000)
_DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DEBUG = env.bool("DEBUG", default=False)
# Seconds a stored Idempotency-Key answers retries; then purge_idempotency_keys deletes it.
IDEMPOTENCY_KEY_EXPIRY = env.int(
    "IDEMPOTENCY_KEY_EXPIRY", default=int(IDEMPOTENCY_DEFAULTS["IDEMPOTENCY_KEY_EXPIRY"])
)
# Seconds a request waits for another one with its key before answering 409 (PostgreSQL).
IDEMPOTENCY_KEY_LOCK_TIMEOUT = env.float(
    "IDEMPOTENCY_KEY_LOCK_TIMEOUT", default=IDEMPOTENCY_DEFAULTS["IDEMPOTENCY_KEY_LOCK_TIMEOUT"]
)
# A PUT, PATCH or DELETE of a versioned resource without If-Match: 428 (conditional/conf.py).
CONDITIONAL_REQUIRE_IF_MATCH = env.bool("CONDITIONAL_REQUIRE_IF_MATCH", default=False)
_LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# django.request: every response at DEBUG, else the 5xx (ERROR), or less above it.
_REQUEST_LOG_LEVEL = {"DEBUG": "DEBUG", "CRITICAL": "CRITICAL", "FATAL": "CRITICAL"}.get(
    _LOG_LEVEL.upper(), "ERROR"
)
# Proxies in front that append to X-Forwarded-For: the client is the address the
# outermost of them saw (DRF's NUM_PROXIES); 0: the connection's own address.
_NUM_PROXIES = env.int("NUM_PROXIES", default=0)
_REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
_REDIS_URL = env.str("REDIS_URL", default="") or env.str("CACHE_URL", default="")
# Bytes of a request body the service did not read (a 401, 405, 413 ...) that are
# read and dropped so the connection stays usable; a longer body closes it (api/wsgi.py).
REQUEST_BODY_DRAIN_MAX = env.int("REQUEST_BODY_DRAIN_MAX", default=10 * 1024 * 1024)
REMOTE_API_PASSWORD = env.str("REMOTE_API_PASSWORD", default="")
REMOTE_API_REFRESH_MARGIN = env.int("REMOTE_API_REFRESH_MARGIN", default=300)
REMOTE_API_TIMEOUT = env.float("REMOTE_API_TIMEOUT", default=5.0)
# Fernet keys, comma-separated: the first encrypts the stored token, all decrypt.
_REMOTE_API_TOKEN_KEYS = env.list("REMOTE_API_TOKEN_KEYS", default=[])
REMOTE_API_TOKEN_URL = env.str("REMOTE_API_TOKEN_URL", default="")
REMOTE_API_USERNAME = env.str("REMOTE_API_USERNAME", default="")
_SECRET_KEY = env.str("SECRET_KEY", default="")
_SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
# Production behind a TLS-terminating proxy sets SECURE_SSL=1 (HSTS, secure cookies).
_SECURE_SSL = env.bool("SECURE_SSL", default=False)
_SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
_SQLITE_BUSY_TIMEOUT = env.int("SQLITE_BUSY_TIMEOUT", default=20)
# Rate limits: N/second, minute, hour or day; empty: no limit.
_THROTTLE_AUTH = env.str("THROTTLE_AUTH", default="30/minute") or None
_THROTTLE_REGISTER = env.str("THROTTLE_REGISTER", default="30/minute") or None
_THROTTLE_WRITE = env.str("THROTTLE_WRITE", default="120/minute") or None
# ----------------------------------------------------------------------------------

if _REDIS_URL and not _REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "REDIS_URL (or CACHE_URL) must be a redis://, rediss:// or unix:// URL."
    )

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-deploy"  # noqa: S105
# scripts/serve keeps a generated key in .secret_key, so that every manage.py
# command on that machine signs with the key the running service uses.
_KEPT_SECRET_KEY = BASE_DIR / ".secret_key"
SECRET_KEY = _SECRET_KEY or (
    _KEPT_SECRET_KEY.read_text().strip() if _KEPT_SECRET_KEY.is_file() else ""
)
# Likewise the key that encrypts the stored remote API token, when
# REMOTE_API_TOKEN_KEYS names none (production names its own).
_KEPT_TOKEN_KEY = BASE_DIR / ".remote_api_token_key"
REMOTE_API_TOKEN_KEYS = _REMOTE_API_TOKEN_KEYS or (
    [_KEPT_TOKEN_KEY.read_text().strip()] if _KEPT_TOKEN_KEY.is_file() else []
)
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _DEV_SECRET_KEY
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off: set the SECRET_KEY environment variable, "
        "or run scripts/serve once, which keeps a generated key in .secret_key."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTH_USER_MODEL = "accounts.User"

# The rate limits' counters (web/throttling.py), shared by every worker and host:
# Redis when REDIS_URL (or CACHE_URL) names one, else the database.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
            "KEY_PREFIX": _CACHE_KEY_PREFIX,
            # A Redis that is down or silent costs a request a fraction of a second.
            "OPTIONS": {
                "socket_connect_timeout": _REDIS_TIMEOUT,
                "socket_timeout": _REDIS_TIMEOUT,
            },
        }
        if _REDIS_URL
        else {
            "BACKEND": "web.cache.DatabaseCache",
            "LOCATION": "api_cache",
            # Django culls a third of all entries past this many, live counters
            # included: far above the clients of one window.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    ),
}

CSRF_FAILURE_VIEW = "web.errors.csrf_failure"


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = env.db_url_config(url)
    options: dict[str, Any] = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock
        # when a transaction starts, so two writers queue on the busy timeout
        # instead of failing with "database is locked" on lock upgrade.
        options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", _SQLITE_BUSY_TIMEOUT)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Bounded waits: an unreachable database answers 503 quickly instead of
        # hanging a worker; the statement timeout caps a stuck query.
        options.setdefault("connect_timeout", _DATABASE_CONNECT_TIMEOUT)
        # A database that vanishes without closing the connection (a network
        # partition) is noticed within seconds instead of holding a thread for good.
        options.setdefault("tcp_user_timeout", _DATABASE_TCP_USER_TIMEOUT_MS)
        options.setdefault("keepalives", 1)
        options.setdefault("keepalives_idle", 2)
        options.setdefault("keepalives_interval", 1)
        options.setdefault("keepalives_count", 2)
        # Values travel apart from the SQL text (the extended protocol, unnamed
        # statements): a refused write's STATEMENT in the server log holds $1, $2,
        # not the row; and transaction-mode PgBouncer has nothing to lose track of.
        options.setdefault("server_side_binding", _DATABASE_SERVER_SIDE_BINDING)
        # No startup `options`: PgBouncer refuses them. The statement timeout is the
        # role's default in the database, which `migrate` writes (web/db/session.py).
        config["CONN_MAX_AGE"] = _CONN_MAX_AGE
        config["CONN_HEALTH_CHECKS"] = True
        # Django's backend, but the health check pings only idle connections.
        config["ENGINE"] = "web.db.postgresql"
    return config


DATABASES = {"default": _database(_DATABASE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DRF_STANDARDIZED_ERRORS = {
    "ALLOWED_ERROR_STATUS_CODES": [
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "413",
        "415",
        "429",
        "500",
        "503",
    ],
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ERROR_SCHEMAS": {
        "413": "web.schema.ErrorResponse413Serializer",
        "503": "web.schema.ErrorResponse503Serializer",
    },
    "EXCEPTION_HANDLER_CLASS": "web.exceptions.ExceptionHandler",
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "integrity",
    "integrity.rest_framework",
    "idempotency",
    "conditional",
    "web",
    "accounts",
    "social",
    "scoring",
]

# Accept-Language picks the language of every error's detail (LocaleMiddleware);
# a language not listed here falls back to English. The service's own messages
# are translated in locale/, the integrity core's in integrity/locale/, Django's
# and DRF's in their own catalogs; scripts/catalogs compiles them all.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "web.logs.OneLine"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["one_line"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    # The access log has every response's status. Django's "Bad Request: /path"
    # warning for each 4xx would be a second line for every refused request, and
    # a refused write is the service doing its job: django.request logs the 5xx
    # (a 500 with its traceback), and every response only at LOG_LEVEL=DEBUG.
    # A LOG_LEVEL above ERROR (CRITICAL) holds for it too.
    "loggers": {"django.request": {"level": _REQUEST_LOG_LEVEL}},
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session, auth and messages middleware, passed over by API requests
    # without a session cookie (web/middleware.py).
    "web.middleware.SessionMiddleware",
    # Content-Language and Vary: Accept-Language on every response.
    "django.middleware.locale.LocaleMiddleware",
    # Django's, but a path without its slash is a 308, which keeps a write's body.
    "web.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "web.middleware.AuthenticationMiddleware",
    "web.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "web.authentication.TokenAuthentication",
        "web.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "web.negotiation.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["web.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "web.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": ["web.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "web.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["web.throttling.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": _THROTTLE_AUTH,
        "register": _THROTTLE_REGISTER,
        "write": _THROTTLE_WRITE,
    },
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "NUM_PROXIES": _NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

ROOT_URLCONF = "api.urls"

if _SECURE_SSL:
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_HSTS_SECONDS = _SECURE_HSTS_SECONDS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _SECURE_SSL_REDIRECT
    SECURE_REDIRECT_EXEMPT = [r"^api/health/"]
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_SECURE = True

_ERROR_ENUMS = "drf_standardized_errors.openapi_serializers."

SPECTACULAR_SETTINGS = {
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": _ERROR_ENUMS + "ValidationErrorEnum.choices",
        "ClientErrorEnum": _ERROR_ENUMS + "ClientErrorEnum.choices",
        "ServerErrorEnum": _ERROR_ENUMS + "ServerErrorEnum.choices",
        "ErrorCode401Enum": _ERROR_ENUMS + "ErrorCode401Enum.choices",
        "ErrorCode403Enum": _ERROR_ENUMS + "ErrorCode403Enum.choices",
        "ErrorCode404Enum": _ERROR_ENUMS + "ErrorCode404Enum.choices",
        "ErrorCode405Enum": _ERROR_ENUMS + "ErrorCode405Enum.choices",
        "ErrorCode406Enum": _ERROR_ENUMS + "ErrorCode406Enum.choices",
        "ErrorCode415Enum": _ERROR_ENUMS + "ErrorCode415Enum.choices",
        "ErrorCode429Enum": _ERROR_ENUMS + "ErrorCode429Enum.choices",
        "ErrorCode500Enum": _ERROR_ENUMS + "ErrorCode500Enum.choices",
        "ErrorCode400Enum": "web.schema.ErrorCode400Enum.choices",
        "ErrorCode409Enum": "idempotency.openapi.ErrorCode409Enum.choices",
        "ErrorCode412Enum": "conditional.openapi.ErrorCode412Enum.choices",
        "ErrorCode413Enum": "web.schema.ErrorCode413Enum.choices",
        "ErrorCode422Enum": "idempotency.openapi.ErrorCode422Enum.choices",
        "ErrorCode428Enum": "conditional.openapi.ErrorCode428Enum.choices",
        "ErrorCode502Enum": "accounts.remote_views.ErrorCode502Enum.choices",
        "ErrorCode503Enum": "web.schema.ErrorCode503Enum.choices",
        "ErrorCode503AccountEnum": "accounts.remote_views.ErrorCode503AccountEnum.choices",
        "ErrorCode503RefreshEnum": "accounts.remote_views.ErrorCode503RefreshEnum.choices",
        "ScoreTypeEnum": "scoring.serializers.SCORE_TYPE_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "integrity.rest_framework.forbid_unknown_fields",
        "integrity.rest_framework.document_batches",
        "idempotency.openapi.document_idempotency",
        "conditional.openapi.document_conditional_requests",
        "web.openapi.describe_error_codes",
    ],
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    # Relative: the host that serves the schema serves the API.
    "SERVERS": [{"url": "/", "description": "The host that serves this schema"}],
    "TAGS": [
        {"name": "auth", "description": "API tokens for a username and password."},
        {"name": "users", "description": "Open registration, public profiles, the signed-in user."},
        {"name": "follows", "description": "Who follows whom; no self-follow, no repeated follow."},
        {"name": "events", "description": "Events, which scores belong to."},
        {"name": "scores", "description": "Scores of either type: points or a duration."},
        {"name": "point-scores", "description": "Scores of type points, as `value`."},
        {"name": "duration-scores", "description": "Scores of type duration, as `value`."},
        {"name": "remote-api-account", "description": "The remote API's token: staff only."},
        {"name": "health", "description": "Liveness and readiness probes."},
    ],
    "TITLE": "Constrained API",
    "DESCRIPTION": (
        "Every data rule is a database constraint. A violation answers 400 with the "
        "constraint's name as the error code."
    ),
    "VERSION": "1.0.0",
}

STATIC_ROOT = BASE_DIR / "staticfiles"

STATIC_URL = "static/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

TIME_ZONE = "UTC"

USE_I18N = True

USE_TZ = True

# Production serves the collected, compressed files (scripts/serve and the
# image run collectstatic); a DEBUG run serves them from the apps directly.
WHITENOISE_USE_FINDERS = DEBUG

WSGI_APPLICATION = "api.wsgi.application"
