"""
The service's exception handler: integrity's (drf-standardized-errors' envelope,
a rule violation as a 400), plus what the service adds: a body over the size
limit is a 413, too many query parameters a 400, a database that cannot be
reached a 503, not a 500; and a documented 5xx is logged as one line.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError, InterfaceError, NotSupportedError, OperationalError
from django.utils.log import log_response
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError
from rest_framework.response import Response

from integrity import NON_FIELD
from integrity.rest_framework import ExceptionHandler as IntegrityExceptionHandler


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class BadRequest(APIException):
    """Refused by Django before any view: e.g. a Host header ALLOWED_HOSTS does not name."""

    status_code = 400
    default_detail = _("Bad request.")
    default_code = "bad_request"


class CsrfFailed(APIException):
    status_code = 403
    default_detail = _("CSRF verification failed.")
    default_code = "csrf_failed"


class DatabaseUnavailable(APIException):
    status_code = 503
    default_detail = _("The database is unavailable. Try again shortly.")
    default_code = "database_unavailable"


TOO_MANY_FIELDS = "too_many_fields"
TOO_MANY_FIELDS_MESSAGE = _("The request has too many query parameters.")


def too_many_fields() -> ValidationError:
    return ValidationError(
        {NON_FIELD: [ErrorDetail(str(TOO_MANY_FIELDS_MESSAGE), code=TOO_MANY_FIELDS)]}
    )


def _stale_plan(exc: Exception) -> bool:
    # A statement prepared before a migration changed a column's type: the
    # connection is replaced at the request's end (web/db/postgresql/base.py),
    # and the retry prepares it afresh. Known by the server function that
    # raises it ("cached plan must not change result type"), which, unlike the
    # message, does not depend on the server's lc_messages.
    diag = getattr(exc.__cause__, "diag", None)
    source = getattr(diag, "source_function", None)
    return isinstance(exc, NotSupportedError) and source == "RevalidateCachedQuery"


class ExceptionHandler(IntegrityExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            # Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE when DRF reads the body.
            return RequestTooLarge()
        if isinstance(exc, TooManyFieldsSent):
            # Django enforces DATA_UPLOAD_MAX_NUMBER_FIELDS when DRF reads the query string.
            return too_many_fields()
        if isinstance(exc, DataError):
            # A value the column cannot hold that no serializer field caught.
            detail = ErrorDetail(str(_("A value does not fit its field.")), code="invalid")
            return ValidationError({NON_FIELD: [detail]})
        if isinstance(exc, (OperationalError, InterfaceError)) or _stale_plan(exc):
            return DatabaseUnavailable()
        return super().convert_known_exceptions(exc)

    def report_exception(self, exc: APIException, response: Response) -> None:
        # A documented 502 or 503 (the database, the remote API, a missing key) is
        # the service answering as designed: one line, what and where, no traceback
        # and no error-tracker signal. A 500 is a bug and is reported in full.
        if getattr(self.context.get("view"), "reported", False):
            return  # a Django error page: Django has reported its cause
        if exc.status_code == 500 or exc.status_code < 500:
            super().report_exception(exc, response)
            return
        request = getattr(self.context.get("request"), "_request", None)
        cause = "" if self.exc is exc else f", from {type(self.exc).__name__}"
        log_response(
            "%s: %s (%s%s: %s)",
            response.status_text,
            getattr(request, "path", ""),
            exc.get_codes(),
            cause,
            exc.detail,
            response=response,
            request=request,
        )
