from __future__ import annotations

from django.test import TestCase, override_settings
from rest_framework.test import APIClient, APITestCase


def assert_error_shape(body: dict[str, object], kind: str, code: str) -> None:
    assert body == {
        "type": kind,
        "errors": [{"code": code, "detail": body["errors"][0]["detail"], "attr": None}],  # type: ignore[index]
    }


class ErrorShapeTests(APITestCase):
    def test_unknown_url_is_json_404(self) -> None:
        response = self.client.get("/api/no-such-thing/")

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert_error_shape(response.json(), "client_error", "not_found")

    def test_unknown_object_is_json_404(self) -> None:
        response = self.client.get("/api/users/999999/")

        assert response.status_code == 404
        assert_error_shape(response.json(), "client_error", "not_found")

    def test_malformed_json_is_400_parse_error(self) -> None:
        response = self.client.post(
            "/api/users/", data='{"username": ', content_type="application/json"
        )

        assert response.status_code == 400
        assert_error_shape(response.json(), "client_error", "parse_error")

    def test_form_encoded_body_is_415(self) -> None:
        response = self.client.post("/api/users/", data="username=a", content_type="text/plain")

        assert response.status_code == 415
        assert_error_shape(response.json(), "client_error", "unsupported_media_type")

    def test_wrong_method_is_405(self) -> None:
        response = self.client.delete("/api/users/")

        assert response.status_code == 405
        assert_error_shape(response.json(), "client_error", "method_not_allowed")

    def test_bad_host_is_json_400(self) -> None:
        response = self.client.get("/api/health/live/", HTTP_HOST="evil.example")

        assert response.status_code == 400
        assert_error_shape(response.json(), "client_error", "bad_request")


@override_settings(ROOT_URLCONF="tests.urls")
class ServerErrorTests(TestCase):
    def setUp(self) -> None:
        self.client = APIClient(raise_request_exception=False)

    def test_crash_in_api_view_is_json_500_without_internals(self) -> None:
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/crash/api/")

        assert response.status_code == 500
        assert_error_shape(response.json(), "server_error", "error")
        assert b"SELECT" not in response.content

    def test_crash_in_django_view_is_json_500_without_internals(self) -> None:
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/crash/django/")

        assert response.status_code == 500
        assert_error_shape(response.json(), "server_error", "error")
        assert b"SELECT" not in response.content
