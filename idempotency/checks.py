"""``manage.py check``: the app's settings are positive numbers."""

from __future__ import annotations

from typing import Any

from django.core import checks

from idempotency.conf import DEFAULTS, value


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for name in DEFAULTS:
        setting = value(name)
        if isinstance(setting, bool) or not isinstance(setting, (int, float)) or setting <= 0:
            found.append(
                checks.Error(
                    f"{name} must be a positive number of seconds, not {setting!r}.",
                    id="idempotency.E001",
                )
            )
    return found
