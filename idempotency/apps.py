from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class IdempotencyConfig(AppConfig):
    name = "idempotency"
    verbose_name = "Idempotency keys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from idempotency.checks import check_settings

        checks.register(check_settings)
