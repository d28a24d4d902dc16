from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.encryption import EncryptedTextField
from conditional.versions import Versioned


class User(AbstractUser):
    pass


class RemoteAPIAccountManager(models.Manager["RemoteAPIAccount"]):
    def current(self) -> RemoteAPIAccount | None:
        return self.filter(id=RemoteAPIAccount.SINGLETON_ID).first()

    def store(self, **values: Any) -> tuple[RemoteAPIAccount, bool]:
        """Upsert the one row: ``(account, created)``."""
        return self.update_or_create(id=RemoteAPIAccount.SINGLETON_ID, defaults=values)


class RemoteAPIAccount(Versioned):
    """The remote API's current access token, shared by every process. One row, ever."""

    SINGLETON_ID = 1

    # Encrypted at rest (accounts/encryption.py).
    access_token = EncryptedTextField()
    access_token_expires = models.DateTimeField()

    objects = RemoteAPIAccountManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_single_instance",
                condition=models.Q(id=1),
                violation_error_message=_("The remote API account exists already; replace it."),
            ),
        ]
        verbose_name = "remote API account"

    def __str__(self) -> str:
        return f"Remote API token {self.access_token_hint} (expires {self.access_token_expires})"

    @property
    def access_token_hint(self) -> str:
        return f"…{self.access_token[-4:]}" if len(self.access_token) >= 12 else "…"

    def expires_within(self, margin: dt.timedelta) -> bool:
        return self.access_token_expires <= timezone.now() + margin
