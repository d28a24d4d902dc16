"""
Django's own error views, answered by the API's exception handler.

Requests that never reach a DRF view (an unknown URL, a crash in middleware, a
bad Host header, a CSRF failure on a plain view) raise the refusal as an
``APIException`` inside a bare DRF view, so that the one exception handler
(``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) writes the body and DRF's renderer
the bytes, exactly as for any API error.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from web.exceptions import BadRequest, CsrfFailed, too_many_fields


class ErrorPage(APIView):
    """A DRF view that only refuses: no authentication, permission, throttle or body."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = ()
    parser_classes = ()
    exception: ClassVar[Exception] = exceptions.APIException()
    # Django has logged the cause and told error trackers already (web.exceptions).
    reported = True

    @property
    def default_response_headers(self) -> dict[str, str]:
        return {}  # no Allow: the refusal is of the request, not of a method

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise self.exception


def refuse(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    response = ErrorPage.as_view(exception=exception)(request)
    render = getattr(response, "render", None)
    return render() if render is not None else response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if isinstance(exception, TooManyFieldsSent):
        return refuse(request, too_many_fields())  # as a DRF view answers it
    return refuse(request, BadRequest())


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    return refuse(request, exceptions.PermissionDenied(_("You do not have permission to do this.")))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    return refuse(request, exceptions.NotFound())


def server_error(request: HttpRequest) -> HttpResponseBase:
    return refuse(request, exceptions.APIException())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseBase:
    return refuse(request, CsrfFailed())
