from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APITestCase

from accounts.models import User


class TokenAuthenticationTests(APITestCase):
    def get_me(self, key: str) -> tuple[int, dict[str, object]]:
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = self.client.get("/api/users/me/")
        return response.status_code, response.json()

    def test_valid_token_authenticates_its_user(self) -> None:
        user = User.objects.create_user("alice", email="a@example.com")
        token = Token.objects.create(user=user)

        status, body = self.get_me(token.key)

        assert status == 200
        assert body["id"] == user.pk
        assert body["username"] == "alice"

    def test_unknown_token_is_401(self) -> None:
        status, body = self.get_me("0" * 40)

        assert status == 401
        assert body["errors"] == [
            {"code": "authentication_failed", "detail": "Invalid token.", "attr": None}
        ]

    def test_inactive_user_is_401(self) -> None:
        token = Token.objects.create(user=User.objects.create_user("gone", is_active=False))

        status, body = self.get_me(token.key)

        assert status == 401
        assert body["errors"][0]["detail"] == "User inactive or deleted."  # type: ignore[index]

    def test_token_of_another_user_is_not_confused(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")
        Token.objects.create(user=alice)
        bob_token = Token.objects.create(user=bob)

        assert self.get_me(bob_token.key)[1]["id"] == bob.pk
