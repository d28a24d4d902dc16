"""
Django's own error views, in the API's error shape.

Requests that never reach a DRF view (an unknown URL, a crash in middleware, a
bad Host header, a CSRF failure on a plain view) answer in the same
``{"type", "errors": [{"code", "detail", "attr"}]}`` body as the API.
"""

from __future__ import annotations

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, JsonResponse

from api.exceptions import TOO_MANY_FIELDS, TOO_MANY_FIELDS_MESSAGE
from integrity import NON_FIELD


def error_response(status: int, code: str, detail: str) -> JsonResponse:
    kind = "server_error" if status >= 500 else "client_error"
    body = {"type": kind, "errors": [{"code": code, "detail": detail, "attr": None}]}
    return JsonResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    if isinstance(exception, TooManyFieldsSent):
        # As a DRF view answers it (api.exceptions).
        error = {"code": TOO_MANY_FIELDS, "detail": TOO_MANY_FIELDS_MESSAGE, "attr": NON_FIELD}
        return JsonResponse({"type": "validation_error", "errors": [error]}, status=400)
    return error_response(400, "bad_request", "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(403, "permission_denied", "You do not have permission to do this.")


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "error", "A server error occurred.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "csrf_failed", "CSRF verification failed.")
