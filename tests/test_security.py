from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APITestCase
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import RemoteAPIAccount, User
from scoring.models import Event, Score, ScoreType
from social.models import Follow

SECRET = "remote-secret-token-never-shown-7777"


class WriteRouteMatrixTests(APITestCase):
    owner: User
    other: User
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner")
        cls.other = User.objects.create_user("other")
        cls.staff = User.objects.create_user("staff", is_staff=True)

    def setUp(self) -> None:
        follow = Follow.objects.create(from_user=self.owner, to_user=self.staff)
        event = Event.objects.create(title="e")
        points = Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=1)
        duration = Score.objects.create(
            owner=self.owner, type=ScoreType.DURATION, value_duration=dt.timedelta(1)
        )
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=timezone.now())
        score = {"type": "points", "value_points": 2}
        self.routes: list[tuple[str, str, dict[str, Any], str]] = [
            # method, path, body, who may: "user", "owner" or "staff"
            ("post", "/api/follows/", {"to_user": self.other.pk}, "user"),
            ("delete", f"/api/follows/{follow.pk}/", {}, "owner"),
            ("post", "/api/events/", {"title": "new"}, "user"),
            ("put", f"/api/events/{event.pk}/", {"title": "x"}, "staff"),
            ("patch", f"/api/events/{event.pk}/", {"title": "x"}, "staff"),
            ("delete", f"/api/events/{event.pk}/", {}, "staff"),
            ("post", "/api/scores/", score, "user"),
            ("put", f"/api/scores/{points.pk}/", score, "owner"),
            ("patch", f"/api/scores/{points.pk}/", {"value_points": 3}, "owner"),
            ("delete", f"/api/scores/{points.pk}/", {}, "owner"),
            ("post", "/api/point-scores/", {"value": 1}, "user"),
            ("patch", f"/api/duration-scores/{duration.pk}/", {"value": "1:00"}, "owner"),
            ("delete", f"/api/duration-scores/{duration.pk}/", {}, "owner"),
            ("get", "/api/remote-api-account/", {}, "staff"),
            ("put", "/api/remote-api-account/", {"access_token": "t"}, "staff"),
            ("patch", "/api/remote-api-account/", {"access_token": "t"}, "staff"),
            ("delete", "/api/remote-api-account/", {}, "staff"),
            ("post", "/api/remote-api-account/", {"access_token": "t"}, "staff"),
            ("post", "/api/remote-api-account/refresh/", {}, "staff"),
        ]

    def call(self, user: User | None, method: str, path: str, body: dict[str, Any]) -> int:
        self.client.force_authenticate(user)
        response = getattr(self.client, method)(path, body)
        return int(response.status_code)

    def test_anonymous_writes_are_401(self) -> None:
        for method, path, body, _ in self.routes:
            assert self.call(None, method, path, body) == 401, (method, path)

    def test_non_owners_and_non_staff_are_403(self) -> None:
        for method, path, body, who in self.routes:
            if who == "owner":
                assert self.call(self.other, method, path, body) == 403, (method, path)
            if who == "staff":
                assert self.call(self.owner, method, path, body) == 403, (method, path)
        assert Follow.objects.count() == 1
        assert Score.objects.count() == 2
        assert Event.objects.get().title == "e"
        assert RemoteAPIAccount.objects.get().access_token == SECRET

    def test_the_token_is_in_no_response(self) -> None:
        self.client.force_authenticate(self.staff)
        paths = [
            "/api/remote-api-account/",
            "/api/users/",
            f"/api/users/{self.staff.pk}/",
            "/api/users/me/",
            "/api/follows/",
            "/api/events/",
            "/api/scores/",
            "/api/schema/",
            "/admin/accounts/remoteapiaccount/",
            "/admin/accounts/remoteapiaccount/1/change/",
        ]
        self.client.force_login(self.staff)
        User.objects.filter(pk=self.staff.pk).update(is_superuser=True)
        for path in paths:
            response = self.client.get(path)
            assert response.status_code == 200, path
            assert SECRET not in response.content.decode(), path
        response = self.client.post("/api/remote-api-account/", {"access_token": "t"})
        assert SECRET not in response.content.decode()


class ThrottleTests(APITestCase):
    def setUp(self) -> None:
        cache.clear()
        rates = {"auth": "3/minute", "register": "3/minute"}
        self.enterContext(mock.patch.dict(ScopedRateThrottle.THROTTLE_RATES, rates))

    def test_token_requests_are_throttled(self) -> None:
        User.objects.create_user("alice", password="pw")
        for _ in range(3):
            self.client.post("/api/auth/token/", {"username": "alice", "password": "wrong"})

        response = self.client.post("/api/auth/token/", {"username": "alice", "password": "pw"})

        assert response.status_code == 429
        assert response.json()["errors"][0]["code"] == "throttled"
        assert "Retry-After" in response

    def test_registration_is_throttled(self) -> None:
        for index in range(3):
            body = {"username": f"user{index}", "password": "a long passphrase"}
            assert self.client.post("/api/users/", body).status_code == 201

        response = self.client.post("/api/users/", {"username": "x", "password": "a long one"})

        assert response.status_code == 429
        assert User.objects.count() == 3
