from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from e2e.live import manage


@dataclass(frozen=True)
class ApiUser:
    id: int
    username: str
    password: str
    token: str

    @property
    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


def register(http: httpx.Client) -> ApiUser:
    username = f"e2e-{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(18)
    credentials = {"username": username, "password": password}
    created = http.post("/api/users/", json=credentials)
    assert created.status_code == 201, created.text
    token = http.post("/api/auth/token/", json=credentials)
    assert token.status_code == 200, token.text
    return ApiUser(created.json()["id"], username, password, token.json()["token"])


def make_staff(user: ApiUser, env: Mapping[str, str]) -> ApiUser:
    # Staff is granted in the database, the way an operator does it.
    promote = (
        "import os; from accounts.models import User; "
        "print(User.objects.filter(username=os.environ['E2E_USERNAME']).update(is_staff=True))"
    )
    changed = manage(
        "shell", "--no-imports", "-c", promote, env={**env, "E2E_USERNAME": user.username}
    )
    assert changed.strip() == "1", changed
    return user
