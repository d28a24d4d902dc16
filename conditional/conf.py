"""
The app's setting, with its default (read on every use, so that
``override_settings`` applies):

- ``CONDITIONAL_REQUIRE_IF_MATCH``: a PUT, PATCH or DELETE of a versioned
  resource without ``If-Match`` is refused with 428 (False: it writes, as an
  unconditional write does).
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, object] = {"CONDITIONAL_REQUIRE_IF_MATCH": False}


def value(name: str) -> object:
    return getattr(settings, name, DEFAULTS[name])


def require_if_match() -> bool:
    return bool(value("CONDITIONAL_REQUIRE_IF_MATCH"))
