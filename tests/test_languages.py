"""Accept-Language picks the language of every detail; the codes never change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation
from rest_framework.test import APITestCase

from accounts.models import User
from integrity.rules import rule_table

ROOT = Path(__file__).resolve().parent.parent
SCORE = {"type": "points", "value_points": -5, "value_duration": "00:01:00"}


def details(response: Any) -> list[tuple[str, str]]:
    return [(e["code"], e["detail"]) for e in response.json()["errors"]]


class LanguageTests(APITestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("user")

    def setUp(self) -> None:
        self.client.force_authenticate(self.user)

    def score(self, language: str | None) -> Any:
        if language is None:
            return self.client.post("/api/scores/", SCORE)
        return self.client.post("/api/scores/", SCORE, HTTP_ACCEPT_LANGUAGE=language)

    def test_german_rules_with_the_same_codes(self) -> None:
        response = self.score("de-CH, de;q=0.9, en;q=0.5")

        assert details(response) == [
            (
                "scoring_score_value_matches_type",
                "Setzen Sie den Wert für die Art der Wertung, und nur diesen.",
            ),
            ("scoring_score_value_points_not_negative", "Punkte können nicht negativ sein."),
        ]
        assert response.headers["Content-Language"] == "de"
        assert "Accept-Language" in response.headers["Vary"]

    def test_french_rules(self) -> None:
        response = self.score("fr")

        assert details(response)[1] == (
            "scoring_score_value_points_not_negative",
            "Les points ne peuvent pas être négatifs.",
        )
        assert response.headers["Content-Language"] == "fr"

    def test_an_unknown_language_and_none_are_english(self) -> None:
        for language in ("es", None):
            response = self.score(language)

            assert details(response)[1] == (
                "scoring_score_value_points_not_negative",
                "Points cannot be negative.",
            )
            assert response.headers["Content-Language"] == "en"
            assert "Accept-Language" in response.headers["Vary"]

    def test_django_and_drf_messages_follow_the_language_too(self) -> None:
        User.objects.create_user("taken")
        self.client.force_authenticate(None)

        taken = self.client.post(
            "/api/users/", {"username": "taken", "password": "x" * 20}, HTTP_ACCEPT_LANGUAGE="de"
        )
        anonymous = self.client.get("/api/users/me/", HTTP_ACCEPT_LANGUAGE="fr")
        missing = self.client.get("/api/users/999999/", HTTP_ACCEPT_LANGUAGE="de")

        assert details(taken) == [("unique", "Dieser Benutzername ist bereits vergeben.")]
        assert details(anonymous) == [
            ("not_authenticated", "Informations d'authentification non fournies.")
        ]
        assert details(missing) == [("not_found", "Nicht gefunden.")]

    def test_field_errors_and_service_messages_in_one_german_answer(self) -> None:
        response = self.client.post(
            "/api/follows/", {"to_user": self.user.pk, "extra": 1}, HTTP_ACCEPT_LANGUAGE="de"
        )

        assert details(response) == [
            ("unknown_field", "Unbekanntes Feld: extra."),
            ("social_follow_prevent_self_follow", "Benutzer können sich nicht selbst folgen."),
        ]

    def test_a_batch_repeat_says_so_in_french(self) -> None:
        other = User.objects.create_user("other")
        rows = [{"to_user": other.pk}, {"to_user": other.pk}]

        response = self.client.post(
            "/api/follows/bulk/", rows, format="json", HTTP_ACCEPT_LANGUAGE="fr"
        )

        assert details(response) == [
            ("social_follow_unique_relationships", "Cette ligne répète la ligne 0 du lot.")
        ]


class CatalogTests(SimpleTestCase):
    def test_every_rule_of_every_model_reads_in_german_and_french(self) -> None:
        untranslated = []
        for model, rules in rule_table().by_model.items():
            if model._meta.app_config.name.startswith("integrity.tests"):
                continue  # the core's own test models, in English only
            for rule in rules:
                with translation.override("en"):
                    english = str(rule.message)
                for language in ("de", "fr"):
                    with translation.override(language):
                        if str(rule.message) == english:
                            untranslated.append((language, rule.model._meta.label, english))

        assert untranslated == []

    def test_every_message_the_code_marks_is_translated(self) -> None:
        # makemessages on a copy of the tree, then every entry must have a translation.
        result = subprocess.run(
            [sys.executable, "scripts/catalogs.py", "check"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

        assert result.returncode == 0, result.stderr
