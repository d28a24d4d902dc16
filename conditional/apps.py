from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class ConditionalConfig(AppConfig):
    name = "conditional"
    verbose_name = "Conditional requests"

    def ready(self) -> None:
        from conditional.checks import check_settings
        from conditional.triggers import install_triggers

        checks.register(check_settings)
        # After every migrate (and flush): a table rebuilt by a migration, as
        # SQLite's ALTER TABLE does, loses its triggers.
        post_migrate.connect(install_triggers, dispatch_uid="conditional.install_triggers")
