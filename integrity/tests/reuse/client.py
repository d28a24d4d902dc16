"""Migrate, then write through the API; prints each answer's status and codes as JSON."""

from __future__ import annotations

import json
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.core import checks  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

call_command("makemigrations", "shop", verbosity=0)
call_command("migrate", verbosity=0)
warnings = [str(m) for m in checks.run_checks() if m.level >= checks.WARNING]
if warnings:
    raise SystemExit("\n".join(warnings))

client = APIClient()
answers: list[Any] = []
for body in [
    {"sku": "a-1", "quantity": 3},
    {"sku": "a-1", "quantity": 1},
    {"sku": "b-2", "quantity": -1},
    {"sku": "c-3", "quantity": 1, "bundle": 999},
]:
    response = client.post("/items/", body, format="json")
    errors = response.json().get("errors", []) if response.status_code >= 400 else []
    answers.append([response.status_code, [[e["code"], e["attr"]] for e in errors]])
print(json.dumps(answers))
