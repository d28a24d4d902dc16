"""
``Idempotency-Key``: an authenticated POST that a client may retry safely.

The first request with a key runs in one transaction that also stores the key
(under a database UNIQUE constraint on user and key), a fingerprint of the
request and the response: the write and its record are committed together, or
neither is. A retry finds the key taken: the same request answers the stored
response, marked ``Idempotent-Replayed: true``, and writes nothing; another
request is a 422 ``idempotency_key_reused``.

Two requests with one key at once: the second's INSERT of the key waits for
the first's transaction, then finds the key taken and answers the stored
response. On PostgreSQL it waits at most ``IDEMPOTENCY_KEY_LOCK_TIMEOUT``
seconds, then answers 409 ``idempotency_key_in_progress``.

Responses of 5xx, 409 and 429 are not stored (the transaction, the request's
write included, is rolled back): the client should retry those. Only DRF views
take a key, and not those that set ``idempotency_exempt`` (a view whose answer
is a secret, such as an API token, that must not be kept in a second table).
Keys expire after ``IDEMPOTENCY_KEY_EXPIRY`` seconds (24 hours by default);
``manage.py purge_idempotency_keys`` deletes the expired ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from integrity import envelope
from integrity.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# 1 to 255 visible ASCII characters.
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)
# The headers a replay repeats.
STORED_HEADERS = ("Content-Type", "Location", "Vary", "Allow")
NOT_STORED = frozenset({409, 429})
LOCK_NOT_AVAILABLE = "55P03"

INVALID = "idempotency_key_invalid"
REUSED = "idempotency_key_reused"
IN_PROGRESS = "idempotency_key_in_progress"
UNAVAILABLE = "database_unavailable"
MESSAGES = {
    INVALID: "The Idempotency-Key header must be 1 to 255 visible ASCII characters.",
    REUSED: "This Idempotency-Key was used for another request.",
    IN_PROGRESS: "A request with this Idempotency-Key is still in progress. Retry later.",
    UNAVAILABLE: "The database is unavailable. Try again shortly.",
}


class KeyTaken(Exception):
    """Another request committed this user's key first."""


DEFAULT_EXPIRY = 24 * 60 * 60
DEFAULT_LOCK_TIMEOUT = 5.0


def expiry() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "IDEMPOTENCY_KEY_EXPIRY", DEFAULT_EXPIRY))


def expired_keys() -> Any:
    return IdempotencyKey.objects.filter(created_at__lt=timezone.now() - expiry())


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def error_response(code: str, status: int) -> HttpResponse:
    return envelope.error_response(status, code, MESSAGES[code])


def takes_key(request: HttpRequest) -> bool:
    """The request goes to a DRF view that does not set ``idempotency_exempt``."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    view = getattr(match.func, "cls", None)  # the class DRF's as_view() was called on
    is_api_view = isinstance(view, type) and issubclass(view, APIView)
    return is_api_view and not getattr(view, "idempotency_exempt", False)


def authenticated_user(request: HttpRequest) -> Any:
    """The user DRF's default authenticators find, or None; the view authenticates anew."""
    kept = request.__dict__.get("user")
    classes: Any = api_settings.DEFAULT_AUTHENTICATION_CLASSES  # imported classes, not names
    authenticators: list[BaseAuthentication] = [auth() for auth in classes]
    try:
        user = Request(request, authenticators=authenticators).user
    except APIException:
        return None
    finally:
        # DRF's Request sets the Django request's user: leave it as it was.
        request.__dict__.pop("user", None)
        if kept is not None:
            request.user = kept
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return user


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not takes_key(request):
            return self.get_response(request)
        if not _KEY.match(key):
            return error_response(INVALID, 422)
        try:
            user = authenticated_user(request)
            if user is None:
                return self.get_response(request)
            try:
                print_ = fingerprint(request)
            except RequestDataTooBig:
                return self.get_response(request)
            return self.once(request, user, key, print_)
        except (OperationalError, InterfaceError):
            # Outside DRF's handler: the answer it gives when the database is out of reach.
            return error_response(UNAVAILABLE, 503)

    def once(self, request: HttpRequest, user: Any, key: str, print_: str) -> HttpResponse:
        for _attempt in range(3):
            try:
                return self.run(request, user, key, print_)
            except KeyTaken:
                pass
            except OperationalError as exc:
                if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                    return error_response(IN_PROGRESS, 409)
                raise
            stored = IdempotencyKey.objects.filter(user=user, key=key).first()
            if stored is None:
                continue  # purged in the meantime
            if stored.created_at < timezone.now() - expiry():
                stored.delete()
                continue
            if stored.fingerprint != print_:
                return error_response(REUSED, 422)
            if stored.status is None:
                return error_response(IN_PROGRESS, 409)
            return replay(stored)
        return error_response(IN_PROGRESS, 409)

    def run(self, request: HttpRequest, user: Any, key: str, print_: str) -> HttpResponse:
        with transaction.atomic():
            claim = claim_key(user, key, print_)
            response = self.get_response(request)
            status = response.status_code
            if status >= 500 or status in NOT_STORED or response.streaming:
                transaction.set_rollback(True)
                return response
            claim.status = response.status_code
            claim.headers = {name: response[name] for name in STORED_HEADERS if name in response}
            claim.body = response.content
            claim.save(update_fields=["status", "headers", "body"])
            return response


def claim_key(user: Any, key: str, print_: str) -> IdempotencyKey:
    """INSERT the key, or raise KeyTaken: another request committed it."""
    try:
        return _insert_key(user, key, print_)
    except IntegrityError:
        # The enclosing transaction is rolled back as KeyTaken leaves it.
        raise KeyTaken from None


def _insert_key(user: Any, key: str, print_: str) -> IdempotencyKey:
    if connection.vendor != "postgresql":
        # SQLite's BEGIN IMMEDIATE already waits for the other writer.
        return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
    timeout = getattr(settings, "IDEMPOTENCY_KEY_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(timeout * 1000)}ms"])
        claim = IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    return claim


def replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status)
    for name, value in stored.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response
