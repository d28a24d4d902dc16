from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx


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
