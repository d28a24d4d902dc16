from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = "Integrity rules"

    def ready(self) -> None:
        from integrity import checks as integrity_checks

        checks.register(integrity_checks.check_constraint_messages)
        checks.register(integrity_checks.check_live_table_migrations)
