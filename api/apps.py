from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API core"

    def ready(self) -> None:
        from api.db.session import check_role_settings, write_role_settings

        post_migrate.connect(write_role_settings, sender=self)
        checks.register(check_role_settings, checks.Tags.database, deploy=True)
