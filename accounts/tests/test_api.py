from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APITestCase

from accounts.models import User

PASSWORD = "correct horse battery staple"


class RegistrationTests(APITestCase):
    def test_registration_creates_user_and_hides_password(self) -> None:
        response = self.client.post("/api/users/", {"username": "alice", "password": PASSWORD})

        assert response.status_code == 201
        assert response.json() == {"id": response.json()["id"], "username": "alice"}
        assert User.objects.get(username="alice").check_password(PASSWORD)

    def test_duplicate_username_is_400_unique(self) -> None:
        User.objects.create_user("alice", password=PASSWORD)

        response = self.client.post("/api/users/", {"username": "alice", "password": PASSWORD})

        assert response.status_code == 400
        assert response.json()["errors"] == [
            {
                "code": "unique",
                "detail": "A user with that username already exists.",
                "attr": "username",
            }
        ]
        assert User.objects.filter(username="alice").count() == 1

    def test_weak_password_is_rejected_by_django_validators(self) -> None:
        response = self.client.post("/api/users/", {"username": "bob", "password": "123"})

        assert response.status_code == 400
        codes = {(e["code"], e["attr"]) for e in response.json()["errors"]}
        assert ("password_too_short", "password") in codes
        assert ("password_entirely_numeric", "password") in codes
        assert not User.objects.filter(username="bob").exists()

    def test_username_is_ascii_as_the_schema_pattern_reads(self) -> None:
        response = self.client.post("/api/users/", {"username": "\u00ec", "password": PASSWORD})

        assert response.status_code == 400
        assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
            ("invalid", "username")
        ]
        assert not User.objects.filter(username="\u00ec").exists()

    def test_missing_fields_are_required(self) -> None:
        response = self.client.post("/api/users/", {})

        assert response.status_code == 400
        assert {(e["code"], e["attr"]) for e in response.json()["errors"]} == {
            ("required", "username"),
            ("required", "password"),
        }


class TokenAndProfileTests(APITestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("alice", password=PASSWORD)

    def test_token_for_valid_credentials(self) -> None:
        response = self.client.post("/api/auth/token/", {"username": "alice", "password": PASSWORD})

        assert response.status_code == 200
        assert response.json() == {"token": Token.objects.get(user=self.user).key}

    def test_token_refused_for_wrong_password(self) -> None:
        response = self.client.post("/api/auth/token/", {"username": "alice", "password": "x"})

        assert response.status_code == 400
        assert response.json()["type"] == "validation_error"
        assert not Token.objects.exists()

    def test_me_needs_authentication(self) -> None:
        response = self.client.get("/api/users/me/")

        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "not_authenticated"

    def test_me_with_token(self) -> None:
        token = Token.objects.create(user=self.user)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

        response = self.client.get("/api/users/me/")

        assert response.status_code == 200
        assert response.json() == {
            "id": self.user.pk,
            "username": "alice",
            "followers_count": 0,
            "following_count": 0,
        }

    def test_user_detail_is_public(self) -> None:
        response = self.client.get(f"/api/users/{self.user.pk}/")

        assert response.status_code == 200
        assert response.json()["username"] == "alice"

    def test_user_list_is_paginated_without_count(self) -> None:
        response = self.client.get("/api/users/")

        assert response.status_code == 200
        assert set(response.json()) == {"next", "previous", "results"}
