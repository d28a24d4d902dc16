from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API core"

    def ready(self) -> None:
        from api.cache import create_table
        from api.db.session import check_role_settings, write_role_settings

        # The rate limits' table, and the statement timeout: with every migrate.
        post_migrate.connect(create_table, sender=self)
        post_migrate.connect(write_role_settings, sender=self)
        checks.register(check_role_settings, checks.Tags.database, deploy=True)
