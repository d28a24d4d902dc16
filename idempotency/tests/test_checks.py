from __future__ import annotations

from django.core import checks
from django.test import SimpleTestCase, override_settings


class SettingsCheckTests(SimpleTestCase):
    def test_defaults_pass(self) -> None:
        assert [m.id for m in checks.run_checks() if (m.id or "").startswith("idempotency.")] == []

    @override_settings(IDEMPOTENCY_KEY_EXPIRY="a day", IDEMPOTENCY_KEY_LOCK_TIMEOUT=0)
    def test_a_setting_that_is_no_positive_number_is_an_error(self) -> None:
        found = [m for m in checks.run_checks() if m.id == "idempotency.E001"]

        assert [m.msg for m in found] == [
            "IDEMPOTENCY_KEY_EXPIRY must be a positive number of seconds, not 'a day'.",
            "IDEMPOTENCY_KEY_LOCK_TIMEOUT must be a positive number of seconds, not 0.",
        ]
