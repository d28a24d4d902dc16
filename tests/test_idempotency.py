from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APITestCase

from accounts.models import User
from idempotency.models import IdempotencyKey
from scoring.models import Score
from social.models import Follow
from tests.races import PostgreSQLRaceTestCase, race

POINTS = {"type": "points", "value_points": 7}


def post(client: APIClient, path: str, body: Any, key: str | None = "key-1") -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(path, body, format="json", headers=headers)


class IdempotencyKeyTests(APITestCase):
    alice: User
    bob: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")
        cls.bob = User.objects.create_user("bob")

    def setUp(self) -> None:
        self.client.force_authenticate(self.alice)

    def test_retry_answers_the_stored_response_and_writes_nothing(self) -> None:
        first = post(self.client, "/api/scores/", POINTS)
        again = post(self.client, "/api/scores/", POINTS)

        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again["Content-Type"] == "application/json"
        # A cache sees the same variants, a client the same resource.
        for header in ("Location", "Vary", "Allow"):
            assert again[header] == first[header]
        assert again["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first
        assert Score.objects.count() == 1

    def test_same_key_with_another_body_is_422_reused(self) -> None:
        post(self.client, "/api/scores/", POINTS)

        response = post(self.client, "/api/scores/", {**POINTS, "value_points": 8})

        assert response.status_code == 422
        assert response.json() == {
            "type": "client_error",
            "errors": [
                {
                    "code": "idempotency_key_reused",
                    "detail": "This Idempotency-Key was used for another request.",
                    "attr": None,
                }
            ],
        }
        assert Score.objects.count() == 1

    def test_same_key_on_another_path_is_422_reused(self) -> None:
        post(self.client, "/api/scores/", POINTS)

        response = post(self.client, "/api/point-scores/", {"value": 7})

        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "idempotency_key_reused"

    def test_keys_are_per_user(self) -> None:
        post(self.client, "/api/scores/", POINTS)
        self.client.force_authenticate(self.bob)

        response = post(self.client, "/api/scores/", POINTS)

        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response
        assert Score.objects.filter(owner=self.bob).count() == 1

    def test_refused_write_is_replayed_as_refused(self) -> None:
        first = post(self.client, "/api/follows/", {"to_user": self.alice.pk})
        again = post(self.client, "/api/follows/", {"to_user": self.alice.pk})

        assert first.status_code == again.status_code == 400
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"

    def test_bulk_create_is_replayed(self) -> None:
        rows = [{"to_user": self.bob.pk}]

        first = post(self.client, "/api/follows/bulk/", rows)
        again = post(self.client, "/api/follows/bulk/", rows)

        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert Follow.objects.count() == 1

    def test_token_authenticated_retry_is_replayed(self) -> None:
        token = Token.objects.create(user=self.alice)
        client = APIClient(headers={"Authorization": f"Token {token.key}"})

        first = post(client, "/api/scores/", POINTS)
        again = post(client, "/api/scores/", POINTS)

        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert Score.objects.count() == 1

    def test_token_request_is_never_stored_nor_replayed(self) -> None:
        # Its answer is a secret, and a revoked token must not come back from a replay.
        user = User.objects.create_user("carol", password="a long passphrase")
        client = APIClient(headers={"Authorization": f"Token {Token.objects.create(user=user)}"})
        body = {"username": "carol", "password": "a long passphrase"}

        first = post(client, "/api/auth/token/", body)
        client.delete("/api/auth/token/")
        again = post(client, "/api/auth/token/", body)

        assert first.status_code == again.status_code == 200
        assert "Idempotent-Replayed" not in again
        assert again.json()["token"] != first.json()["token"]
        assert not IdempotencyKey.objects.exists()

    def test_admin_and_other_plain_django_views_ignore_the_key(self) -> None:
        staff = User.objects.create_user("root", is_staff=True, is_superuser=True)
        client = APIClient()
        client.force_login(staff)

        response = client.post("/admin/logout/", headers={"Idempotency-Key": "k"})

        assert response.status_code == 200
        assert not IdempotencyKey.objects.exists()

    def test_malformed_key_is_422_invalid(self) -> None:
        for key in ["", "has space", "x" * 256, "caf\u00e9"]:
            with self.subTest(key=key):
                response = post(self.client, "/api/scores/", POINTS, key=key)

                assert response.status_code == 422
                assert response.json()["errors"][0]["code"] == "idempotency_key_invalid"
        assert not Score.objects.exists()

    def test_anonymous_request_with_a_key_is_401_and_stores_nothing(self) -> None:
        self.client.force_authenticate(None)

        assert post(self.client, "/api/scores/", POINTS).status_code == 401
        assert not IdempotencyKey.objects.exists()

    def test_expired_key_runs_the_request_again(self) -> None:
        post(self.client, "/api/scores/", POINTS)
        IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

        response = post(self.client, "/api/scores/", POINTS)

        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response
        assert Score.objects.count() == 2

    @override_settings(IDEMPOTENCY_KEY_EXPIRY=60)
    def test_purge_deletes_only_expired_keys(self) -> None:
        post(self.client, "/api/scores/", POINTS, key="old")
        post(self.client, "/api/scores/", POINTS, key="new")
        IdempotencyKey.objects.filter(key="old").update(
            created_at=timezone.now() - dt.timedelta(seconds=61)
        )
        out = StringIO()

        call_command("purge_idempotency_keys", stdout=out)

        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
        assert out.getvalue() == "Deleted 1 expired idempotency keys.\n"

    def test_request_without_a_key_is_not_recorded(self) -> None:
        post(self.client, "/api/scores/", POINTS, key=None)
        post(self.client, "/api/scores/", POINTS, key=None)

        assert Score.objects.count() == 2
        assert not IdempotencyKey.objects.exists()


class IdempotencyKeyRaceTests(PostgreSQLRaceTestCase):
    def test_sixteen_posts_with_one_key_at_once_write_one_row(self) -> None:
        alice = User.objects.create_user("alice")

        def send(_: int) -> tuple[int, str | None, Any]:
            client = APIClient()
            client.force_authenticate(alice)
            response = post(client, "/api/scores/", POINTS, key="once")
            return response.status_code, response.get("Idempotent-Replayed"), response.json()

        outcomes = race(16, send)

        assert Score.objects.count() == 1
        score_id = Score.objects.get().pk
        assert Counter((status, replayed) for status, replayed, _ in outcomes) == {
            (201, None): 1,
            (201, "true"): 15,
        }
        assert {body["id"] for _, _, body in outcomes} == {score_id}

    @override_settings(IDEMPOTENCY_KEY_LOCK_TIMEOUT=0.05)
    def test_key_held_by_a_request_in_progress_is_409(self) -> None:
        alice = User.objects.create_user("alice")
        claimed, finish = threading.Event(), threading.Event()

        def in_progress() -> None:
            try:
                with transaction.atomic():
                    IdempotencyKey.objects.create(user=alice, key="busy", fingerprint="x")
                    claimed.set()
                    finish.wait(timeout=30)
                    transaction.set_rollback(True)
            finally:
                connection.close()

        holder = threading.Thread(target=in_progress)
        holder.start()
        try:
            assert claimed.wait(timeout=30)
            client = APIClient()
            client.force_authenticate(alice)
            response = post(client, "/api/scores/", POINTS, key="busy")
        finally:
            finish.set()
            holder.join()

        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "idempotency_key_in_progress"
        assert not Score.objects.exists()
