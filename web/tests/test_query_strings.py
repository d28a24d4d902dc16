from __future__ import annotations

import datetime as dt
from base64 import b64encode
from typing import Any

from django.test import override_settings
from rest_framework.test import APITestCase

from accounts.models import User
from scoring.models import Event

LISTS = ("/api/events/", "/api/scores/", "/api/follows/", "/api/users/", "/api/point-scores/")


def cursor(text: str) -> str:
    return b64encode(text.encode()).decode()


class QueryStringTests(APITestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("alice")
        Event.objects.bulk_create(
            Event(title=f"event {n}", start_at=dt.date(2026, 1, n + 1)) for n in range(5)
        )

    def assert_refused(self, response: Any, attr: str, code: str) -> None:
        assert response.status_code == 400, response.content[:300]
        body = response.json()
        assert body["type"] == "validation_error"
        assert {"attr": attr, "code": code} in [
            {"attr": each["attr"], "code": each["code"]} for each in body["errors"]
        ], body

    def test_cursor_that_does_not_decode_is_400_invalid_cursor(self) -> None:
        for value in ("garbage", "%%%", "é", "cD1hYmM", cursor("o=-1"), cursor("r=x")):
            for path in LISTS:
                response = self.client.get(path, {"cursor": value})
                self.assert_refused(response, "cursor", "invalid_cursor")

    def test_cursor_whose_position_does_not_fit_the_ordering_is_400_invalid_cursor(self) -> None:
        for position in ("abc", "", "1.5", str(2**63), str(-(2**64)), "1e3", "\x00"):
            for path in LISTS:
                response = self.client.get(path, {"cursor": cursor(f"p={position}")})
                self.assert_refused(response, "cursor", "invalid_cursor")

    def test_cursor_from_a_page_still_works(self) -> None:
        first = self.client.get("/api/events/", {"limit": 2}).json()
        second = self.client.get(first["next"]).json()
        back = self.client.get(second["previous"]).json()

        assert [e["title"] for e in first["results"]] == ["event 4", "event 3"]
        assert [e["title"] for e in second["results"]] == ["event 2", "event 1"]
        assert back["results"] == first["results"]

    def test_limit_outside_one_to_the_maximum_is_400_invalid(self) -> None:
        for value in ("0", "-1", "abc", "", "1.5", "101", "100000", str(2**70), " 5"):
            for path in LISTS:
                self.assert_refused(self.client.get(path, {"limit": value}), "limit", "invalid")

    def test_limit_within_range_sets_the_page_size(self) -> None:
        assert len(self.client.get("/api/events/", {"limit": 1}).json()["results"]) == 1
        assert len(self.client.get("/api/events/", {"limit": 100}).json()["results"]) == 5

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
    def test_too_many_query_parameters_is_400_too_many_fields(self) -> None:
        query = "&".join(f"p{n}=1" for n in range(11))
        for path in (*LISTS, "/api/events/1/", "/api/health/live/", "/api/"):
            response = self.client.get(f"{path}?{query}")
            self.assert_refused(response, "non_field_errors", "too_many_fields")

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
    def test_too_many_query_parameters_outside_the_api_is_400_too_many_fields(self) -> None:
        query = "&".join(f"p{n}=1" for n in range(11))
        response = self.client.get(f"/admin/login/?{query}")
        self.assert_refused(response, "non_field_errors", "too_many_fields")

    def test_unknown_filter_value_is_400(self) -> None:
        for path, query in (
            ("/api/scores/", {"type": "bogus"}),
            ("/api/scores/", {"event": "abc"}),
            ("/api/scores/", {"owner": "0"}),
            ("/api/follows/", {"to_user": str(2**64)}),
        ):
            response = self.client.get(path, query)
            assert response.status_code == 400, (path, query, response.content)
            assert response.json()["type"] == "validation_error"

    def test_unknown_query_parameter_is_ignored(self) -> None:
        assert self.client.get("/api/events/", {"colour": "blue"}).status_code == 200
