"""
Keep the remote API's access token fresh, for every process at once.

Many workers may find the token about to expire at the same moment. The
refresh runs under a lock (a transaction-scoped advisory lock on PostgreSQL;
SQLite's BEGIN IMMEDIATE write lock), and each caller re-reads the row once it
holds the lock: whoever waited behind a refresh gets the new token, and the
remote API is called once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import RemoteAPIAccount

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

# Any constant: the key of the advisory lock that serialises refreshes.
_REFRESH_LOCK_KEY = 7_311_001


class RemoteAPINotConfigured(Exception):
    pass


class RemoteAPIError(Exception):
    pass


def valid_account(*, force: bool = False) -> RemoteAPIAccount:
    """The stored account, refreshed first if its token expires within the margin."""
    margin = dt.timedelta(seconds=settings.REMOTE_API_REFRESH_MARGIN)
    seen = RemoteAPIAccount.objects.current()
    if seen is not None and not force and not seen.expires_within(margin):
        return seen
    _check_configured()
    with transaction.atomic():
        _lock()
        account = RemoteAPIAccount.objects.select_for_update().filter(id=1).first()
        if account is not None and _refreshed_meanwhile(seen, account, margin, force):
            return account
        token, expires = _fetch_token()
        account, _ = RemoteAPIAccount.objects.store(
            access_token=token, access_token_expires=expires
        )
    logger.info("Remote API token refreshed; it expires at %s", expires.isoformat())
    return account


def _refreshed_meanwhile(
    seen: RemoteAPIAccount | None,
    account: RemoteAPIAccount,
    margin: dt.timedelta,
    force: bool,
) -> bool:
    if force:
        # Another caller stored a token while this one waited for the lock.
        return seen is None or account.access_token_expires != seen.access_token_expires
    return not account.expires_within(margin)


def _check_configured() -> None:
    if not (
        settings.REMOTE_API_TOKEN_URL
        and settings.REMOTE_API_USERNAME
        and settings.REMOTE_API_PASSWORD
    ):
        raise RemoteAPINotConfigured


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK_KEY])


def _fetch_token() -> tuple[str, dt.datetime]:
    # Imported here: httpx (about 8 MB) in the workers that call the remote API only.
    import httpx

    credentials = {
        "grant_type": "password",
        "username": settings.REMOTE_API_USERNAME,
        "password": settings.REMOTE_API_PASSWORD,
    }
    try:
        response = httpx.post(
            settings.REMOTE_API_TOKEN_URL,
            data=credentials,
            headers={"Accept": "application/json"},
            timeout=settings.REMOTE_API_TIMEOUT,
        )
    except httpx.HTTPError as exc:
        logger.warning("Remote API token request failed: %s", type(exc).__name__)
        raise RemoteAPIError from None
    if response.status_code != 200:
        logger.warning("Remote API token request answered HTTP %s", response.status_code)
        raise RemoteAPIError
    return _parse(response)


def _parse(response: httpx.Response) -> tuple[str, dt.datetime]:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    token = body.get("access_token") if isinstance(body, dict) else None
    expires_in = body.get("expires_in") if isinstance(body, dict) else None
    if (
        not isinstance(token, str)
        or not token.strip()
        or isinstance(expires_in, bool)
        or not isinstance(expires_in, int)
        or not 0 < expires_in <= 10 * 365 * 86400
    ):
        logger.warning("Remote API token response is not a token (HTTP 200, malformed body)")
        raise RemoteAPIError
    return token, timezone.now() + dt.timedelta(seconds=expires_in)
