from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework.test import APITestCase

from accounts.models import User


class CreatedLocationTests(APITestCase):
    """Every POST that creates answers 201 with the new resource's URL in Location."""

    user: User
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("alice", is_staff=True)
        cls.other = User.objects.create_user("bob")

    def assert_created_at(self, response: Any, path: str) -> None:
        assert response.status_code == 201, response.content
        location = response["Location"]
        assert location == f"http://testserver{path}", location
        # The URL names the resource just made.
        fetched = self.client.get(location)
        assert fetched.status_code == 200
        assert fetched.json() == {**fetched.json(), **_comparable(response.json())}

    def test_single_creates_answer_their_location(self) -> None:
        self.client.force_authenticate(self.user)
        event = self.client.post("/api/events/", {"title": "Final"})
        self.assert_created_at(event, f"/api/events/{event.json()['id']}/")
        follow = self.client.post("/api/follows/", {"to_user": self.other.pk})
        self.assert_created_at(follow, f"/api/follows/{follow.json()['id']}/")
        for route, body in (
            ("scores", {"type": "points", "value_points": 3}),
            ("point-scores", {"value": 3}),
            ("duration-scores", {"value": "00:01:00"}),
        ):
            score = self.client.post(f"/api/{route}/", body)
            self.assert_created_at(score, f"/api/{route}/{score.json()['id']}/")

    def test_registration_answers_the_users_location(self) -> None:
        response = self.client.post("/api/users/", {"username": "carol", "password": "x" * 20})

        self.assert_created_at(response, f"/api/users/{response.json()['id']}/")

    def test_remote_account_creation_answers_its_location(self) -> None:
        self.client.force_authenticate(self.user)
        body = {"access_token": "secret", "access_token_expires": "2030-01-01T00:00:00Z"}

        created = self.client.put("/api/remote-api-account/", body)
        replaced = self.client.put("/api/remote-api-account/", body)

        self.assert_created_at(created, "/api/remote-api-account/")
        assert replaced.status_code == 200
        assert "Location" not in replaced
        self.client.delete("/api/remote-api-account/")
        self.assert_created_at(
            self.client.post("/api/remote-api-account/", body), "/api/remote-api-account/"
        )


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    # Fields that change with time are left out of the comparison.
    return {k: v for k, v in body.items() if k not in {"expires_in"} and not isinstance(v, dt.date)}
