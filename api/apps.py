from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str, **kwargs: Any) -> None:
    # The database cache's table (the rate limits' counters without Redis): made
    # by every migrate, as a migration would, and left alone when it exists.
    call_command("createcachetable", database=using, verbosity=0)


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API core"

    def ready(self) -> None:
        from api.db.session import check_role_settings, write_role_settings

        post_migrate.connect(create_cache_table, sender=self)
        post_migrate.connect(write_role_settings, sender=self)
        checks.register(check_role_settings, checks.Tags.database, deploy=True)
