from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.encryption import check_keys

        checks.register(check_keys)
