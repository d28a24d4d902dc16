"""
``IdempotentPostMixin``: a DRF view whose POST takes an ``Idempotency-Key``.

Within DRF's request cycle: the key's form is checked first (422
``idempotency_key_invalid``), then DRF authenticates, checks permissions and
throttles once, and only an authenticated request claims the key, by an INSERT
in the transaction that ``dispatch`` opens around the request. The response is
stored in ``finalize_response``, in the same transaction: the write and its
record are committed together, or neither.

Two requests with one key at once: the second's INSERT waits for the first's
transaction, then finds the key taken; the transaction is rolled back and the
stored response answered (``Idempotent-Replayed: true``), or a 422
``idempotency_key_reused`` for another request. On PostgreSQL the INSERT waits
at most ``IDEMPOTENCY_KEY_LOCK_TIMEOUT`` seconds, then answers 409
``idempotency_key_in_progress``. Responses of 5xx, 409 and 429 are not stored
(the transaction, the request's write included, is rolled back): the client
should retry those. Every refusal is an exception the view's exception handler
renders.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from idempotency.conf import lock_timeout_ms
from idempotency.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# 1 to 255 visible ASCII characters.
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)
# The headers a replay repeats.
STORED_HEADERS = ("Content-Type", "Location", "Vary", "Allow", "ETag")
NOT_STORED = frozenset({409, 429})
LOCK_NOT_AVAILABLE = "55P03"
# Claims of one request: a key purged or expired between two of them is claimed anew.
ATTEMPTS = 3


class KeyInvalid(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")
    default_code = "idempotency_key_invalid"


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used for another request.")
    default_code = "idempotency_key_reused"


class KeyInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still in progress. Retry later.")
    default_code = "idempotency_key_in_progress"


class _KeyTaken(Exception):
    """Another request committed this user's key first: leave the transaction, then look."""

    def __init__(self, user: Any, key: str, fingerprint: str) -> None:
        super().__init__(key)
        self.user, self.key, self.fingerprint = user, key, fingerprint


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


class IdempotentPostMixin(APIView):
    """Mix into a DRF view, before the view's class: its POST takes ``Idempotency-Key``."""

    _idempotency_claim: IdempotencyKey | None = None

    def get_error_schemas(self, method: str, authenticated: bool) -> dict[str, Any]:
        """The OpenAPI bodies of the statuses a keyed POST adds: 409 and 422."""
        own: dict[str, Any] = getattr(super(), "get_error_schemas", lambda *a, **k: {})(
            method, authenticated=authenticated
        )
        if method != "POST" or not authenticated:
            return own
        from idempotency.openapi import ERROR_SCHEMAS  # the schema is built on demand

        return {**own, **ERROR_SCHEMAS}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        try:
            for _attempt in range(ATTEMPTS):
                try:
                    with transaction.atomic():
                        return super().dispatch(request, *args, **kwargs)
                except _KeyTaken as taken:
                    answer = self._answer_from_stored(taken)
                    if answer is not None:
                        return answer
            raise KeyInProgress()
        except (APIException, OperationalError, InterfaceError) as exc:
            # Outside DRF's cycle (the transaction's BEGIN or COMMIT, the stored
            # key's lookup): the view's handler answers, a 503 for the database.
            return self._refuse(request, exc, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._idempotency_claim = None
        key = request.headers.get(HEADER) if request.method == "POST" else None
        if key is not None and not _KEY.match(key):
            raise KeyInvalid()
        super().initial(request, *args, **kwargs)
        if key is not None and request.user.is_authenticated:
            self._idempotency_claim = self._claim(request, key)

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, _KeyTaken):
            raise exc
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            _store(claim, response)
        return response

    def _claim(self, request: Request, key: str) -> IdempotencyKey:
        """INSERT the key, or raise _KeyTaken: another request committed it."""
        print_ = fingerprint(request._request)
        try:
            return _insert_key(request.user, key, print_)
        except IntegrityError:
            # The transaction is rolled back as _KeyTaken leaves it.
            raise _KeyTaken(request.user, key, print_) from None
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise KeyInProgress() from None
            raise

    def _answer_from_stored(self, taken: _KeyTaken) -> HttpResponseBase | None:
        """The stored answer for the key, or None to claim it again."""
        stored = IdempotencyKey.objects.filter(user=taken.user, key=taken.key).first()
        if stored is None:
            return None  # purged in the meantime
        if stored.is_expired:
            stored.delete()
            return None
        if stored.fingerprint != taken.fingerprint:
            raise KeyReused()
        if stored.status is None:
            raise KeyInProgress()
        return replay(stored)

    def _refuse(
        self, request: HttpRequest, exc: Exception, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self._idempotency_claim = None
        self.request = self.initialize_request(request, *args, **kwargs)
        self.headers = self.default_response_headers
        response = self.handle_exception(exc)
        return self.finalize_response(self.request, response, *args, **kwargs)


def _insert_key(user: Any, key: str, print_: str) -> IdempotencyKey:
    if connection.vendor != "postgresql":
        # SQLite's BEGIN IMMEDIATE already waits for the other writer.
        return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{lock_timeout_ms()}ms"])
        claim = IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    return claim


def _store(claim: IdempotencyKey, response: HttpResponseBase) -> None:
    status_code = response.status_code
    if status_code >= 500 or status_code in NOT_STORED or response.streaming:
        transaction.set_rollback(True)
        return
    render = getattr(response, "render", None)
    if render is not None:
        render()
    claim.status = status_code
    claim.headers = {name: response[name] for name in STORED_HEADERS if name in response}
    claim.body = response.content  # type: ignore[attr-defined]
    claim.save(update_fields=["status", "headers", "body"])


def replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status)
    for name, value in stored.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response
