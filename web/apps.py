from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    """The HTTP plumbing of the service; ``api`` is the project (settings, URLs, server)."""

    name = "web"
    verbose_name = "HTTP plumbing"

    def ready(self) -> None:
        from web.cache import create_table
        from web.db.session import check_role_settings, write_role_settings

        # The rate limits' table, and the statement timeout: with every migrate.
        post_migrate.connect(create_table, sender=self)
        post_migrate.connect(write_role_settings, sender=self)
        checks.register(check_role_settings, checks.Tags.database, deploy=True)
