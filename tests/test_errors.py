from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django.http import HttpResponseBase
from django.test import TestCase, override_settings
from rest_framework.test import APIClient, APITestCase

from accounts.models import User


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

    def test_every_error_body_is_written_alike_whoever_answers(self) -> None:
        # DRF's views, Django's error views and the Idempotency-Key app:
        # the same bytes for the same body (compact JSON, as DRF's renderer).
        user = User.objects.create_user("writer")
        self.client.force_authenticate(user)
        answers = {
            "a DRF 405": self.client.put("/api/follows/", {}),
            "a DRF 400": self.client.post("/api/follows/", {"to_user": "x"}),
            "the root 404": self.client.get("/no-such-page"),
            "the bad-host 400": self.client.get("/api/", HTTP_HOST="evil.example"),
            "the Idempotency-Key 422": self.client.post(
                "/api/follows/", {}, HTTP_IDEMPOTENCY_KEY="é"
            ),
        }
        for name, response in answers.items():
            assert response["Content-Type"] == "application/json", name
            assert response.status_code in (400, 404, 405, 422), name
            assert response.content == compact(response), name


def compact(response: HttpResponseBase) -> bytes:
    body = json.loads(response.content)  # type: ignore[attr-defined]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class SlashTests(APITestCase):
    def setUp(self) -> None:
        self.user = User.objects.create_user("writer")
        self.client.force_authenticate(self.user)

    def test_a_write_to_a_path_without_its_slash_is_a_308_to_the_slashed_path(self) -> None:
        for method in ("post", "put", "patch", "delete", "get"):
            response = getattr(self.client, method)("/api/follows?limit=5")

            assert response.status_code == 308, method
            assert response["Location"] == "/api/follows/?limit=5", method

    @override_settings(DEBUG=True)
    def test_under_debug_too(self) -> None:
        response = self.client.post("/api/follows", {"to_user": self.user.pk})

        assert response.status_code == 308

    def test_the_redirected_write_keeps_its_body(self) -> None:
        other = User.objects.create_user("other")
        redirect = self.client.post("/api/follows", {"to_user": other.pk})

        # The client repeats the method and body at Location, as a 308 asks.
        response = self.client.post(redirect["Location"], {"to_user": other.pk})

        assert response.status_code == 201
        assert response.json()["to_user"] == other.pk

    def test_an_unknown_path_without_its_slash_is_still_a_404(self) -> None:
        response = self.client.post("/api/no-such-thing", {})

        assert response.status_code == 404


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


class _Kept(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class RequestLogTests(APITestCase):
    """What a worker writes to its log besides the access log's line per request."""

    def setUp(self) -> None:
        self.records: list[logging.LogRecord] = []
        # On the root logger, whose handler the service's own is: the levels
        # as configured, where assertLogs would lower the logger's own.
        handler = _Kept(self.records)
        logging.getLogger().addHandler(handler)
        self.addCleanup(logging.getLogger().removeHandler, handler)

    def request_records(self) -> list[tuple[str, str]]:
        return [
            (record.levelname, record.getMessage().rpartition(" ")[2])
            for record in self.records
            if record.name == "django.request"
        ]

    def test_a_refused_write_writes_no_second_line(self) -> None:
        user = User.objects.create_user("narcissus")
        self.client.force_authenticate(user)

        response = self.client.post("/api/follows/", {"to_user": user.pk}, format="json")
        missing = self.client.get("/api/no-such-thing/")

        assert (response.status_code, missing.status_code) == (400, 404)
        assert self.request_records() == []

    @override_settings(ROOT_URLCONF="tests.urls")
    def test_a_500_is_still_logged(self) -> None:
        self.client = APIClient(raise_request_exception=False)

        response = self.client.get("/crash/api/")

        assert response.status_code == 500
        assert self.request_records() == [("ERROR", "/crash/api/")]

    def test_log_level_critical_holds_for_the_500_line_too(self) -> None:
        def logged(level: str) -> str:
            # The service's settings as a worker loads them, in a process of its own.
            script = (
                "import django, logging; django.setup(); "
                "logging.getLogger('django.request').error('Internal Server Error: /x/')"
            )
            env = {**os.environ, "LOG_LEVEL": level, "SECRET_KEY": "x"}
            env["DJANGO_SETTINGS_MODULE"] = "api.settings"
            done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
                [sys.executable, "-c", script],
                cwd=Path(__file__).resolve().parent.parent,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            return done.stderr

        assert "Internal Server Error: /x/" in logged("INFO")
        assert logged("CRITICAL") == ""
