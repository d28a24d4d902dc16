from __future__ import annotations

from django.apps import AppConfig


class ConstraintModelsConfig(AppConfig):
    name = "integrity.tests.constraint_models"
    label = "constraint_models"
