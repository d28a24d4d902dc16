"""
Conditional requests (RFC 9110 §13) for views of ``Versioned`` models, in DRF's
request cycle: mix ``ConditionalMixin`` into a view before its class.

- Every response that shows one row (GET, a write's answer, a create's 201)
  carries its ``ETag``: the row's version, which the database raises on every
  change.
- ``If-None-Match`` on GET: ``304 Not Modified`` with no body when it names the
  current tag.
- ``If-Match`` on PUT, PATCH and DELETE: a tag that is no longer current is a
  ``412 precondition_failed`` and nothing is written. A current one makes the
  write conditional on that version in the database itself
  (``UPDATE … WHERE id = %s AND version = %s``): of concurrent writes holding
  the same tag, one writes and the others answer 412. ``If-Match: *`` and no
  header write unconditionally, unless ``CONDITIONAL_REQUIRE_IF_MATCH`` makes
  the header required (``428 precondition_required``).

The check runs where DRF checks the object's permissions
(``check_object_permissions``, which ``get_object`` calls): after
authentication, permissions and the lookup, before the body is validated.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditional import conf
from conditional.versions import VersionChanged, Versioned

WRITES = ("PUT", "PATCH", "DELETE")
READS = ("GET", "HEAD")


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = _(
        "The resource has changed since the version in If-Match: read it again and retry."
    )


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _("This write needs an If-Match header with the resource's current ETag.")


class _NotModified(Exception):
    def __init__(self, etag: str) -> None:
        self.etag = etag


def etag(instance: Versioned) -> str:
    """The row's strong entity tag, quoted."""
    return quote_etag(str(instance.version))


def _strong_match(header: str, tag: str) -> bool:
    # If-Match compares strongly: a weak tag never matches.
    return tag in parse_etags(header)


def _weak_match(header: str, tag: str) -> bool:
    return tag in [etag.removeprefix("W/") for etag in parse_etags(header)] or header == "*"


class RepresentationTagMixin(APIView):
    """
    Mix into a read-only view whose representation is not one row's (a user
    with counts of other rows): each GET's ``ETag`` is a hash of the body, and
    ``If-None-Match`` naming it answers 304 (Django's ``ConditionalGetMiddleware``,
    on this view only, applied once the response is rendered).
    """

    @classmethod
    def as_view(cls, *args: Any, **kwargs: Any) -> Any:
        view = super().as_view(*args, **kwargs)
        return decorator_from_middleware(ConditionalGetMiddleware)(view)


class ConditionalMixin(APIView):
    """Mix into a DRF view of a ``Versioned`` model, before the view's class."""

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        if isinstance(obj, Versioned):
            self.check_preconditions(request, obj)

    def has_preconditions(self, request: Request) -> bool:
        """Whether the write depends on the row's version: an If-Match, or none where required."""
        if_match = request.headers.get("If-Match")
        if if_match is None:
            return conf.require_if_match()
        return if_match.strip() != "*"

    def check_preconditions(self, request: Request, obj: Versioned) -> None:
        """Answer 304, 412 or 428 by the row's version, or make the coming write conditional."""
        current = etag(obj)
        if request.method in READS:
            if_none_match = request.headers.get("If-None-Match")
            if if_none_match is not None and _weak_match(if_none_match, current):
                raise _NotModified(current)
            return
        if request.method not in WRITES or not self.has_preconditions(request):
            return
        if_match = request.headers.get("If-Match")
        if if_match is None:
            raise PreconditionRequired()
        if not _strong_match(if_match, current):
            raise PreconditionFailed()
        obj.require_version()

    def get_error_schemas(self, method: str, authenticated: bool) -> dict[str, Any]:
        """The OpenAPI bodies of the statuses a conditional write adds: 412 and 428."""
        own: dict[str, Any] = getattr(super(), "get_error_schemas", lambda *a, **k: {})(
            method, authenticated=authenticated
        )
        if method not in WRITES:
            return own
        from conditional.openapi import ERROR_SCHEMAS  # the schema is built on demand

        return {**own, **ERROR_SCHEMAS}

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)  # type: ignore[misc]
        self._serializer = serializer
        return serializer

    def perform_destroy(self, instance: models.Model) -> None:
        if not (isinstance(instance, Versioned) and instance.version_required):
            instance.delete()
            return
        # The row is locked at the version the client named, then deleted: a
        # write that got there first leaves nothing to lock. (SQLite has no
        # row locks: its write transaction holds the database from BEGIN.)
        using = instance._state.db
        rows = type(instance)._base_manager.db_manager(using).select_for_update()
        with transaction.atomic(using=using):
            if not list(rows.filter(pk=instance.pk, version=instance.version).values("pk")):
                raise PreconditionFailed()
            instance.delete()

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": exc.etag})
        if isinstance(exc, VersionChanged):
            exc = PreconditionFailed()
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and response.status_code != 204:
            instance = getattr(getattr(self, "_serializer", None), "instance", None)
            if isinstance(instance, Versioned):
                response["ETag"] = etag(instance)
        return response
