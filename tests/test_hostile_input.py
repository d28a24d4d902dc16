from __future__ import annotations

from typing import Any

from django.test import override_settings
from rest_framework.test import APITestCase

from accounts.models import User
from scoring.models import Event
from social.models import Follow


class HostileInputTests(APITestCase):
    user: User
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("user")
        cls.other = User.objects.create_user("other")

    def setUp(self) -> None:
        self.client.force_authenticate(self.user)

    def post_raw(self, path: str, body: str, content_type: str = "application/json") -> Any:
        return self.client.generic("POST", path, body, content_type=content_type)

    def assert_error(self, response: Any, status: int, code: str | None = None) -> None:
        assert response.status_code == status, response.content[:300]
        body = response.json()
        assert body["type"] in {"validation_error", "client_error"}
        assert body["errors"], body
        if code is not None:
            assert code in {error["code"] for error in body["errors"]}, body

    def test_malformed_json(self) -> None:
        for body in ('{"to_user": ', "[1, 2", "{'single': 'quotes'}", "NaN", "\xff\xfe"):
            self.assert_error(self.post_raw("/api/follows/", body), 400, "parse_error")

    def test_deeply_nested_json(self) -> None:
        body = "[" * 100_000 + "]" * 100_000

        self.assert_error(self.post_raw("/api/follows/", body), 400, "parse_error")

    def test_json_that_is_not_an_object(self) -> None:
        for body in ("[]", "1", '"text"', "null", "true"):
            self.assert_error(self.post_raw("/api/follows/", body), 400)

    def test_wrong_content_type(self) -> None:
        for content_type in (
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ):
            response = self.post_raw("/api/follows/", "to_user=1", content_type)
            self.assert_error(response, 415, "unsupported_media_type")

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
    def test_oversized_body(self) -> None:
        body = '{"title": "' + "x" * 20_000 + '"}'

        response = self.post_raw("/api/events/", body)

        assert response.status_code == 413
        assert response.json()["errors"][0]["code"] == "request_too_large"
        assert not Event.objects.exists()

    def test_nul_bytes_in_strings(self) -> None:
        response = self.client.post("/api/events/", {"title": "bad\x00title"})

        self.assert_error(response, 400, "null_characters_not_allowed")
        response = self.client.post("/api/users/", {"username": "a\x00b", "password": "x" * 20})
        self.assert_error(response, 400)
        response = self.client.get("/api/scores/?type=po\x00ints")
        self.assert_error(response, 400)

    def test_integers_beyond_64_bits(self) -> None:
        huge = 2**64 + 1
        self.assert_error(self.client.post("/api/follows/", {"to_user": huge}), 400)
        self.assert_error(self.client.post("/api/follows/", {"to_user": -huge}), 400)
        self.assert_error(
            self.client.post("/api/scores/", {"type": "points", "value_points": huge}),
            400,
            "max_value",
        )
        self.assert_error(self.client.post("/api/point-scores/", {"value": 2**40}), 400)
        self.assert_error(self.client.get(f"/api/follows/?to_user={huge}"), 400)
        self.assert_error(self.post_raw("/api/follows/", '{"to_user": ' + "9" * 5000 + "}"), 400)
        assert self.client.get(f"/api/users/{huge}/").status_code == 404
        assert self.client.get(f"/api/follows/{huge}/").status_code == 404

    def test_huge_durations(self) -> None:
        response = self.client.post(
            "/api/scores/", {"type": "duration", "value_duration": "999999999 00:00:00"}
        )

        self.assert_error(response, 400)

    def test_unknown_fields_are_rejected(self) -> None:
        response = self.client.post("/api/follows/", {"to_user": self.other.pk, "is_staff": True})

        self.assert_error(response, 400, "unknown_field")
        assert response.json()["errors"][0] == {
            "code": "unknown_field",
            "detail": "Unknown field: is_staff.",
            "attr": "non_field_errors",
        }
        assert not Follow.objects.exists()

    def test_huge_limit_is_400(self) -> None:
        response = self.client.get("/api/users/?limit=99999999999999999999999999")

        self.assert_error(response, 400, "invalid")

    def test_garbage_cursor_is_400(self) -> None:
        self.assert_error(self.client.get("/api/follows/?cursor=garbage"), 400, "invalid_cursor")
