"""
One scenario for every generated client (e2e/test_sdk.py).

Each SDK implements the steps a client's user takes in its own idiom (SdkSteps);
run_scenario drives them the same way and expects the same answers. A refused
request is read from the SDK's typed error model, never from raw JSON; a batch's
row errors are an anyOf told apart by `attr` patterns only, and each SDK's step
says what its generator makes of them. Response headers (Idempotent-Replayed, ETag)
are read through each SDK's raw-response API.

A new step is a method here, a few lines in each SDK's steps (Python classes in
e2e/test_sdk.py and e2e/openapi_generator.py, e2e/typescript/steps.ts), and an
expectation in run_scenario.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Refused(NamedTuple):
    status: int
    codes: list[str]  # each error's code, in the order the service listed them


class Described(NamedTuple):
    status: int
    errors: list[tuple[str, str]]  # each error's (code, detail), in the order listed


class RefusedRows(NamedTuple):
    status: int
    errors: list[tuple[str, str]]  # each error's (attr, code)


class CreatedRows(NamedTuple):
    status: int
    follows: list[tuple[int, int]]  # each created follow's (from_user, to_user), in order


class Created(NamedTuple):
    status: int
    id: int
    replayed: bool  # the response carried `Idempotent-Replayed: true`


class Written(NamedTuple):
    status: int
    etag: str | None  # the response's ETag (a written row's new version)
    codes: list[str]  # a refusal's codes, from the SDK's typed error model


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

    def following(self, token: str, from_user: int) -> list[int]:
        """Whom a user follows (the first page of the follow list)."""
        ...

    def bulk_follow(self, token: str, to_users: list[int]) -> CreatedRows:
        """Follow users in one batch; the answer's status and the created follows."""
        ...

    def refused_bulk_follow(self, token: str, to_users: list[int]) -> RefusedRows:
        """A batch the service refuses, as the SDK's typed error reports it."""
        ...

    def keyed_follow(self, token: str, to_user: int, key: str) -> Created:
        """Follow a user with an Idempotency-Key; the answer's status, id and replay header."""
        ...

    def create_event(self, token: str, title: str, day: dt.date) -> tuple[int, str]:
        """Create an event of one day; its id and the response's ETag."""
        ...

    def rename_event(self, token: str, event_id: int, title: str, if_match: str) -> Written:
        """PATCH an event's title with If-Match; a refusal's codes come from its typed model."""
        ...

    def refused_event(
        self, token: str, title: str, start: dt.date, end: dt.date, language: str
    ) -> Described:
        """An event the service refuses, asked for in a language (Accept-Language)."""
        ...

    def refused_bulk_points(self, token: str, rows: list[tuple[int, str | None]]) -> RefusedRows:
        """A batch of points scores, each row (value_points, value_duration), refused."""
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

    # A batch is all or nothing: one new row beside a repeated follow and a self-follow
    # is refused, every bad row named by its index, and nothing is written.
    carol, dave = new_user(steps), new_user(steps)
    refused = steps.refused_bulk_follow(alice.token, [carol.id, bob.id, alice.id])
    assert refused.status == 400
    assert sorted(refused.errors) == [
        ("1.to_user", "social_follow_unique_relationships"),
        ("2.to_user", "social_follow_prevent_self_follow"),
    ]
    assert steps.following(alice.token, alice.id) == [bob.id]
    assert steps.bulk_follow(alice.token, [carol.id, dave.id]) == CreatedRows(
        201, [(alice.id, carol.id), (alice.id, dave.id)]
    )
    assert sorted(steps.following(alice.token, alice.id)) == sorted([bob.id, carol.id, dave.id])

    # A retry with the same Idempotency-Key answers the stored 201, marked as replayed.
    key = f"sdk-{secrets.token_hex(8)}"
    first = steps.keyed_follow(bob.token, carol.id, key)
    assert first == Created(201, first.id, replayed=False)
    assert steps.keyed_follow(bob.token, carol.id, key) == Created(201, first.id, replayed=True)
    assert steps.following(bob.token, bob.id) == [carol.id]

    # No lost update: a write names the version it replaces (If-Match: the ETag read).
    day = dt.date(2000, 1, 1) + dt.timedelta(days=secrets.randbelow(300_000))
    event_id, tag = steps.create_event(alice.token, "Final", day)
    renamed = steps.rename_event(alice.token, event_id, "Final, day one", tag)
    assert renamed.status == 200
    assert renamed.etag not in (None, tag)
    stale = steps.rename_event(alice.token, event_id, "Lost", tag)
    assert stale == Written(412, None, ["precondition_failed"])
    current = steps.rename_event(alice.token, event_id, "Final, day two", renamed.etag or "")
    assert current.status == 200
    assert current.etag not in (None, renamed.etag)

    # Every rule a write breaks, in one answer, in the client's language; a batch
    # row that breaks two rules names both under its index, the good row nothing.
    ends_first = steps.refused_event(alice.token, " ", day, day - dt.timedelta(1), "de-DE")
    assert ends_first == Described(
        400,
        [
            (
                "scoring_event_start_at_before_end_at",
                "Die Veranstaltung muss beginnen, bevor sie endet.",
            ),
            (
                "scoring_event_title_not_empty",
                "Der Titel darf nicht leer sein oder nur aus Leerraum bestehen.",
            ),
        ],
    )
    assert steps.refused_bulk_points(alice.token, [(3, None), (-5, "00:01:00")]) == RefusedRows(
        400,
        [
            ("1.non_field_errors", "scoring_score_value_matches_type"),
            ("1.value_points", "scoring_score_value_points_not_negative"),
        ],
    )
