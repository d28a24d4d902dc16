from __future__ import annotations

from django.apps import AppConfig


class ConstraintModelsConfig(AppConfig):
    name = "api.tests.constraint_models"
    label = "constraint_models"
