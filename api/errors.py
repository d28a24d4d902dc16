"""
Django's own error views, in the API's error shape.

Requests that never reach a DRF view (an unknown URL, a crash in middleware, a
bad Host header, a CSRF failure on a plain view) answer in the same
``{"type", "errors": [{"code", "detail", "attr"}]}`` body as the API.
"""

from __future__ import annotations

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse

from api.exceptions import TOO_MANY_FIELDS, TOO_MANY_FIELDS_MESSAGE
from integrity import NON_FIELD
from integrity.envelope import error_response

BAD_REQUEST = "bad_request"
BAD_REQUEST_MESSAGE = "Bad request."


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, TooManyFieldsSent):
        # As a DRF view answers it (api.exceptions).
        return error_response(
            400, TOO_MANY_FIELDS, TOO_MANY_FIELDS_MESSAGE, NON_FIELD, "validation_error"
        )
    return error_response(400, BAD_REQUEST, BAD_REQUEST_MESSAGE)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(403, "permission_denied", "You do not have permission to do this.")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(500, "error", "A server error occurred.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(403, "csrf_failed", "CSRF verification failed.")
