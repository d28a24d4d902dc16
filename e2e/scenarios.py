"""
One race per rule, over HTTP: many writers at once, then the rows read back.

Each scenario holds the service to the same guarantee: every writer is
answered 201/200 or a 400 with the rule's code (never a 5xx), and afterwards
exactly the rows the rule allows exist. The servers may be one or several
app servers on the same database.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from e2e.live import LiveServer
from e2e.races import WRITERS, Write, every_page, race, tally
from e2e.users import ApiUser, register


@dataclass(frozen=True)
class Cast:
    http: httpx.Client  # for setting up and reading back, outside the race
    staff: ApiUser

    def newcomer(self) -> ApiUser:
        return register(self.http)

    def newcomers(self, count: int) -> list[ApiUser]:
        # Registering hashes a password: a few at once take the time of one.
        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(lambda _: self.newcomer(), range(count)))


Scenario = Callable[[Sequence[LiveServer], Cast], None]
SCENARIOS: list[Scenario] = []


def scenario(function: Scenario) -> Scenario:
    SCENARIOS.append(function)
    return function


def refused(code: str) -> tuple[int, tuple[str, ...]]:
    return 400, (code,)


CREATED: tuple[int, tuple[str, ...]] = (201, ())
OK: tuple[int, tuple[str, ...]] = (200, ())


@scenario
def many_clients_following_the_same_user_leave_one_follow(
    servers: Sequence[LiveServer], cast: Cast
) -> None:
    follower, followed = cast.newcomers(2)

    def write(index: int) -> Write:
        # Half follow for themselves, half are staff following on the follower's behalf.
        if index % 2:
            return Write("POST", "/api/follows/", {"to_user": followed.id}, follower)
        body = {"from_user": follower.id, "to_user": followed.id}
        return Write("POST", "/api/follows/", body, cast.staff)

    outcomes = race(servers, write)

    answers = tally(outcomes)
    assert answers == {CREATED: 1, refused("social_follow_unique_relationships"): WRITERS - 1}
    winner = next(each.body for each in outcomes if each.status == 201)
    rows = every_page(cast.http, "/api/follows/", from_user=follower.id, to_user=followed.id)
    assert [row["id"] for row in rows] == [winner["id"]]


@scenario
def many_self_follows_leave_no_follow(servers: Sequence[LiveServer], cast: Cast) -> None:
    narcissist = cast.newcomer()

    def write(index: int) -> Write:
        if index % 2:
            return Write("POST", "/api/follows/", {"to_user": narcissist.id}, narcissist)
        body = {"from_user": narcissist.id, "to_user": narcissist.id}
        return Write("POST", "/api/follows/", body, cast.staff)

    answers = tally(race(servers, write))

    assert answers == {refused("social_follow_prevent_self_follow"): WRITERS}
    assert list(every_page(cast.http, "/api/follows/", from_user=narcissist.id)) == []


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _events_dated(cast: Cast, start_at: str | None, end_at: str | None) -> list[dict[str, Any]]:
    return [
        event
        for event in every_page(cast.http, "/api/events/")
        if (event["start_at"], event["end_at"]) == (start_at, end_at)
    ]


@scenario
def many_events_with_the_same_dates_and_nulls_leave_one_event(
    servers: Sequence[LiveServer], cast: Cast
) -> None:
    # NULL equals NULL for this rule: one undated event, one open-ended per start, ...
    day = dt.date(2000, 1, 1) + dt.timedelta(days=secrets.randbelow(2_900_000))
    writers = cast.newcomers(4)
    for start_at, end_at in ((None, None), (_iso(day), None), (None, _iso(day))):
        # Other tests (the fuzzer) may have taken these dates; only staff may delete.
        for event in _events_dated(cast, start_at, end_at):
            gone = cast.http.delete(f"/api/events/{event['id']}/", headers=cast.staff.authorization)
            assert gone.status_code == 204, gone.text

        def write(
            index: int, start_at: str | None = start_at, end_at: str | None = end_at
        ) -> Write:
            body = {"title": f"race {index}", "start_at": start_at, "end_at": end_at}
            return Write("POST", "/api/events/", body, writers[index % len(writers)])

        outcomes = race(servers, write)

        answers = tally(outcomes)
        assert answers == {CREATED: 1, refused("scoring_event_unique_event_dates"): WRITERS - 1}, (
            start_at,
            end_at,
        )
        winner = next(each.body for each in outcomes if each.status == 201)
        assert [event["id"] for event in _events_dated(cast, start_at, end_at)] == [winner["id"]]


@scenario
def many_events_that_do_not_start_before_they_end_leave_none(
    servers: Sequence[LiveServer], cast: Cast
) -> None:
    day = dt.date(2000, 1, 2) + dt.timedelta(days=secrets.randbelow(2_900_000))
    # Half end the day they start, half the day before.
    pairs = [(_iso(day), _iso(day)), (_iso(day), _iso(day - dt.timedelta(days=1)))]
    writer = cast.newcomer()

    def write(index: int) -> Write:
        start_at, end_at = pairs[index % 2]
        body = {"title": f"race {index}", "start_at": start_at, "end_at": end_at}
        return Write("POST", "/api/events/", body, writer)

    answers = tally(race(servers, write))

    assert answers == {refused("scoring_event_start_at_before_end_at"): WRITERS}
    assert [_events_dated(cast, *pair) for pair in pairs] == [[], []]


def _forget_remote_account(cast: Cast) -> None:
    gone = cast.http.delete("/api/remote-api-account/", headers=cast.staff.authorization)
    assert gone.status_code in (204, 404), gone.text


def _token(index: int) -> str:
    # The API shows the last four characters only: make them tell the writers apart.
    return f"{secrets.token_urlsafe(16)}{index:04d}"


@scenario
def many_creates_of_the_singleton_leave_one_account(
    servers: Sequence[LiveServer], cast: Cast
) -> None:
    _forget_remote_account(cast)

    def write(index: int) -> Write:
        body = {"access_token": _token(index), "access_token_expires": "2099-01-01T00:00:00Z"}
        return Write("POST", "/api/remote-api-account/", body, cast.staff)

    outcomes = race(servers, write)

    answers = tally(outcomes)
    assert answers == {
        CREATED: 1,
        refused("accounts_remoteapiaccount_single_instance"): WRITERS - 1,
    }
    winner = next(each.body for each in outcomes if each.status == 201)
    stored = cast.http.get("/api/remote-api-account/", headers=cast.staff.authorization)
    assert stored.status_code == 200, stored.text
    assert stored.json()["access_token_hint"] == winner["access_token_hint"]


@scenario
def many_upserts_of_the_singleton_create_it_once(servers: Sequence[LiveServer], cast: Cast) -> None:
    _forget_remote_account(cast)

    def write(index: int) -> Write:
        body = {"access_token": _token(index), "access_token_expires": "2099-01-01T00:00:00Z"}
        return Write("PUT", "/api/remote-api-account/", body, cast.staff)

    outcomes = race(servers, write)

    answers = tally(outcomes)
    assert answers == {CREATED: 1, OK: WRITERS - 1}
    stored = cast.http.get("/api/remote-api-account/", headers=cast.staff.authorization)
    assert stored.status_code == 200, stored.text
    assert stored.json()["access_token_hint"] in {
        each.body["access_token_hint"] for each in outcomes
    }


def _consistent(score: dict[str, Any]) -> bool:
    # Read back through the API: the type's own value column is set, the other one is not.
    points, duration = score["value_points"] is not None, score["value_duration"] is not None
    return (score["type"], points, duration) in {("points", True, False), ("duration", False, True)}


# The two complete switches fit whatever they race with; the others fit one type only.
_PATCHES: list[dict[str, Any]] = [
    {"type": "duration", "value_points": None, "value_duration": "00:01:00"},
    {"type": "points", "value_points": 3, "value_duration": None},
    {"value_points": 9},
    {"type": "duration"},
    {"value_duration": "00:02:00"},
    {"type": "points"},
]


@scenario
def concurrent_type_and_value_changes_keep_the_score_consistent(
    servers: Sequence[LiveServer], cast: Cast
) -> None:
    owner = cast.newcomer()
    created = cast.http.post(
        "/api/scores/", json={"type": "points", "value_points": 5}, headers=owner.authorization
    )
    assert created.status_code == 201, created.text
    path = f"/api/scores/{created.json()['id']}/"

    def write(index: int) -> Write:
        return Write("PATCH", path, _PATCHES[index % len(_PATCHES)], (owner, cast.staff)[index % 2])

    outcomes = race(servers, write)

    answers = tally(outcomes)
    assert set(answers) <= {OK, refused("scoring_score_value_matches_type")}, answers
    switches = [each for index, each in enumerate(outcomes) if index % len(_PATCHES) < 2]
    assert all(each.status == 200 for each in switches), tally(switches)
    stored = cast.http.get(path)
    assert stored.status_code == 200, stored.text
    assert _consistent(stored.json()), stored.json()
    assert [row["id"] for row in every_page(cast.http, "/api/scores/", owner=owner.id)] == [
        created.json()["id"]
    ]


_CREATES: list[tuple[dict[str, Any], bool]] = [
    ({"type": "points", "value_duration": "00:01:00"}, False),
    ({"type": "duration", "value_points": 1}, False),
    ({"type": "points", "value_points": 1, "value_duration": "00:01:00"}, False),
    ({"type": "duration"}, False),
    ({"type": "points", "value_points": 7}, True),
    ({"type": "duration", "value_duration": "00:00:07"}, True),
]


@scenario
def concurrent_score_creates_keep_only_those_whose_value_matches_the_type(
    servers: Sequence[LiveServer], cast: Cast
) -> None:
    owners = cast.newcomers(2)

    def write(index: int) -> Write:
        body, _ = _CREATES[index % len(_CREATES)]
        return Write("POST", "/api/scores/", body, owners[index % 2])

    outcomes = race(servers, write)

    for index, each in enumerate(outcomes):
        fits = _CREATES[index % len(_CREATES)][1]
        expected = CREATED if fits else refused("scoring_score_value_matches_type")
        assert each.summary == expected, (_CREATES[index % len(_CREATES)], each.body)
    created = sorted(each.body["id"] for each in outcomes if each.status == 201)
    rows = [
        row for owner in owners for row in every_page(cast.http, "/api/scores/", owner=owner.id)
    ]
    assert sorted(row["id"] for row in rows) == created
    assert all(_consistent(row) for row in rows), rows
