from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class IntegrityRestFrameworkConfig(AppConfig):
    """The DRF layer's system checks: add ``integrity.rest_framework`` to INSTALLED_APPS."""

    name = "integrity.rest_framework"
    label = "integrity_rest_framework"
    verbose_name = "Integrity rules in Django REST framework"

    def ready(self) -> None:
        from integrity.rest_framework.checks import check_constraint_attrs

        checks.register(check_constraint_attrs)
