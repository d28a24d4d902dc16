"""
One scenario for every generated client (e2e/test_sdk.py).

Each SDK implements the steps a client's user takes in its own idiom (SdkSteps);
run_scenario drives them the same way and expects the same answers. A refused
request is read from the SDK's typed error model, never from raw JSON.

A new step is a method here, a few lines in each SDK's steps (Python classes in
e2e/test_sdk.py and e2e/openapi_generator.py, e2e/typescript/steps.ts), and an
expectation in run_scenario.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Refused(NamedTuple):
    status: int
    codes: list[str]  # each error's code, in the order the service listed them


class SdkSteps(Protocol):
    def register(self, username: str, password: str) -> int:
        """Create the account; its id."""
        ...

    def token(self, username: str, password: str) -> str:
        """Log in; the API token."""
        ...

    def me(self, token: str) -> int:
        """The signed-in user's id."""
        ...

    def follow(self, token: str, to_user: int) -> tuple[int, int]:
        """Follow a user; the created follow's (from_user, to_user)."""
        ...

    def refused_follow(self, token: str, to_user: int) -> Refused:
        """A follow the service refuses, as the SDK's typed error reports it."""
        ...


@dataclass(frozen=True)
class User:
    id: int
    token: str


def new_user(steps: SdkSteps) -> User:
    username = f"sdk-{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(18)
    user_id = steps.register(username, password)
    return User(user_id, steps.token(username, password))


def run_scenario(steps: SdkSteps) -> None:
    alice, bob = new_user(steps), new_user(steps)

    assert steps.me(alice.token) == alice.id
    assert steps.follow(alice.token, bob.id) == (alice.id, bob.id)
    assert steps.refused_follow(alice.token, bob.id) == Refused(
        400, ["social_follow_unique_relationships"]
    )
    assert steps.refused_follow(alice.token, alice.id) == Refused(
        400, ["social_follow_prevent_self_follow"]
    )
