from __future__ import annotations

from rest_framework.test import APITestCase

from accounts.models import User
from scoring.models import Score


class BulkScoreTests(APITestCase):
    alice: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")

    def setUp(self) -> None:
        self.client.force_authenticate(self.alice)

    def test_batch_of_scores_is_owned_by_the_authenticated_user(self) -> None:
        rows = [
            {"type": "points", "value_points": 3},
            {"type": "duration", "value_duration": "00:20:34"},
        ]

        response = self.client.post("/api/scores/bulk/", rows, format="json")

        assert response.status_code == 201, response.json()
        assert [(row["type"], row["owner"]) for row in response.json()] == [
            ("points", self.alice.pk),
            ("duration", self.alice.pk),
        ]
        assert Score.objects.filter(owner=self.alice).count() == 2

    def test_refused_rows_carry_the_rule_codes_of_a_single_create(self) -> None:
        rows = [
            {"type": "points", "value_points": 3},
            {"type": "points", "value_points": 3, "value_duration": "00:01:00"},
            {"type": "points", "value_points": -1},
            {"type": "duration", "value_duration": "00:01:00", "event": 2_000_000_000},
        ]

        response = self.client.post("/api/scores/bulk/", rows, format="json")

        assert response.status_code == 400
        assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
            ("1.non_field_errors", "scoring_score_value_matches_type"),
            ("2.value_points", "scoring_score_value_points_not_negative"),
            ("3.event", "does_not_exist"),
        ]
        assert not Score.objects.exists()

    def test_typed_scores_take_batches_too(self) -> None:
        response = self.client.post("/api/point-scores/bulk/", [{"value": 5}], format="json")

        assert response.status_code == 201, response.json()
        assert response.json()[0]["type"] == "points"
        assert Score.objects.get().value_points == 5
