from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    name = "CONDITIONAL_REQUIRE_IF_MATCH"
    if hasattr(settings, name) and not isinstance(getattr(settings, name), bool):
        return [
            checks.Error(
                f"{name} must be True or False.",
                hint=f"Set {name} = True to refuse writes without If-Match (428).",
                id="conditional.E001",
            )
        ]
    return []
