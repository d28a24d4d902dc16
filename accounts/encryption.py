"""
The remote API token, encrypted at rest with Fernet (``cryptography``).

``REMOTE_API_TOKEN_KEYS`` holds one or more Fernet keys, comma-separated: the
first encrypts, every one decrypts (``MultiFernet``), so a key is rotated by
putting a new one first, running ``manage.py rotate_remote_token_key``, and then
dropping the old one. Without a key the token can be neither stored nor read:
the API answers 503 ``remote_api_token_key_missing``, never a 500.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

# cryptography (about 7 MB in every worker) is imported where a token is encrypted or
# decrypted: most workers never touch the remote API token.


class TokenKeyMissing(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "The service has no key that encrypts the remote API token (REMOTE_API_TOKEN_KEYS)."
    )
    default_code = "remote_api_token_key_missing"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet

    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "REMOTE_API_TOKEN_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated; make one with "
            '`python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`.'
        ) from None


def check_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    """
    ``manage.py check`` (and ``migrate``): keys that are set must be keys, so
    that a typo is found before the first write.
    """
    try:
        if settings.REMOTE_API_TOKEN_KEYS:
            _fernet(tuple(settings.REMOTE_API_TOKEN_KEYS))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    return []


def fernet() -> MultiFernet:
    if not settings.REMOTE_API_TOKEN_KEYS:
        raise TokenKeyMissing
    try:
        return _fernet(tuple(settings.REMOTE_API_TOKEN_KEYS))
    except ImproperlyConfigured:
        # A server started past the check: no usable key, the same 503.
        raise TokenKeyMissing from None


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise TokenKeyMissing(
            _("None of the keys in REMOTE_API_TOKEN_KEYS decrypts the stored remote API token.")
        ) from None


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token; the model sees the plain text."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)
