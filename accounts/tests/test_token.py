from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APITestCase

from accounts.models import User

PASSWORD = "correct horse battery staple"


class TokenTests(APITestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("alice", password=PASSWORD)

    def sign_in(self) -> str:
        response = self.client.post("/api/auth/token/", {"username": "alice", "password": PASSWORD})
        assert response.status_code == 200, response.content
        key: str = response.json()["token"]
        return key

    def me(self, authorization: str) -> int:
        self.client.credentials(HTTP_AUTHORIZATION=authorization)
        return self.client.get("/api/users/me/").status_code

    def test_bearer_and_token_keywords_both_authenticate(self) -> None:
        key = self.sign_in()

        assert self.me(f"Token {key}") == 200
        assert self.me(f"Bearer {key}") == 200
        assert self.me(f"bearer {key}") == 200

    def test_unknown_bearer_token_is_401(self) -> None:
        self.client.credentials(HTTP_AUTHORIZATION="Bearer " + "0" * 40)

        response = self.client.get("/api/users/me/")

        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "authentication_failed"

    def test_delete_revokes_the_callers_token(self) -> None:
        key = self.sign_in()
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

        response = self.client.delete("/api/auth/token/")

        assert response.status_code == 204
        assert not Token.objects.filter(key=key).exists()
        assert self.me(f"Token {key}") == 401
        self.client.credentials()
        assert self.sign_in() != key

    def test_delete_keeps_other_users_tokens(self) -> None:
        other = Token.objects.create(user=User.objects.create_user("bob"))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.sign_in()}")

        assert self.client.delete("/api/auth/token/").status_code == 204
        assert Token.objects.filter(key=other.key).exists()

    def test_delete_without_credentials_is_401(self) -> None:
        response = self.client.delete("/api/auth/token/")

        assert response.status_code == 401
        assert response.json()["type"] == "client_error"

    def test_sign_in_ignores_a_stale_token_header(self) -> None:
        self.client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

        assert self.sign_in()
