"""
Browser machinery only for requests that can use it.

An API call without a session cookie — an SDK's token call, an anonymous read,
the health checks — cannot be session-authenticated and shows no flash
messages, so Django's session, authentication and messages middleware have
nothing to do for it; on the floor they were a fifth of the request's CPU.
These subclasses (subclasses, so that the admin's system checks still find
them) pass such requests straight on. Everything else — the admin, the
session login under ``/api/auth/session/``, Swagger UI's calls after that login
(they carry the session cookie, and DRF's SessionAuthentication still enforces
CSRF on them) — runs the full chain. The security, CSRF and clickjacking
middleware run for every request.
"""

from __future__ import annotations

from collections.abc import Awaitable

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.http.response import HttpResponseRedirectBase
from django.middleware import common
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import escape_leading_slashes

# Paths that log a browser in (and so create the session they then read).
_SESSION_LOGIN_PREFIX = "/api/auth/session/"


def needs_no_session(request: HttpRequest) -> bool:
    """An API request that carries no session cookie and does not log in."""
    path = request.path_info
    return (
        path.startswith("/api/")
        and not path.startswith(_SESSION_LOGIN_PREFIX)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class _SkippedWithoutSession(MiddlewareMixin):
    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if not self.async_mode and needs_no_session(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_SkippedWithoutSession, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(_SkippedWithoutSession, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(_SkippedWithoutSession, messages.MessageMiddleware):
    pass


class PermanentRedirect(HttpResponseRedirectBase):
    """308: the client repeats the request, method and body, at the new URL."""

    status_code = 308


class CommonMiddleware(common.CommonMiddleware):
    """
    Django's, with one change: a known path asked for without its trailing slash
    answers 308, not 301, so that a POST, PUT, PATCH or DELETE is repeated at the
    slashed path with its body (clients turn a followed 301 into a GET). Django
    refuses, under DEBUG, to redirect a write at all, as a 301 would lose it;
    a 308 does not, so every method is redirected alike.
    """

    response_redirect_class = PermanentRedirect

    def get_full_path_with_slash(self, request: HttpRequest) -> str:
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))
