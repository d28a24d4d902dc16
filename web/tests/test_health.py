from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APITestCase


class HealthTests(APITestCase):
    def test_live_answers_without_touching_the_database(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/api/health/live/")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert len(queries) == 0

    def test_ready_makes_one_database_round_trip(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/api/health/ready/")

        assert response.status_code == 200
        assert len(queries) == 1
