"""The measured routes: what wrk sends (bench/wrk/*.lua) and the same request from Python."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

WRK_DIR = Path(__file__).resolve().parent / "wrk"


@dataclass(frozen=True)
class Account:
    id: int
    token: str


@dataclass(frozen=True)
class Accounts:
    staff: Account
    # Users with tokens; writers[0] also reads the lists and self-follows.
    writers: tuple[Account, ...]


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    method: str
    path: str
    script: str
    expected: int
    # The error code a 400 must carry, checked once before the load.
    error_code: str | None = None
    # Target: at least this share of the floor's req/s.
    floor_share: float | None = None
    # Rows one request creates, and the key of the route that creates one at a time.
    rows: int = 1
    compared_with: str | None = None

    @property
    def script_path(self) -> Path:
        return WRK_DIR / self.script


FLOOR = Route(
    key="health",
    label="GET /api/health/live/ (floor)",
    method="GET",
    path="/api/health/live/",
    script="health.lua",
    expected=200,
)
SCORES = Route(
    key="scores-list",
    label="GET /api/scores/ (page of 20)",
    method="GET",
    path="/api/scores/",
    script="list.lua",
    expected=200,
    floor_share=0.25,
)
FOLLOWS = Route(
    key="follows-list",
    label="GET /api/follows/ (page of 20)",
    method="GET",
    path="/api/follows/",
    script="list.lua",
    expected=200,
    floor_share=0.25,
)
SELF_FOLLOW = Route(
    key="follow-rejected",
    label="POST /api/follows/ self-follow (400)",
    method="POST",
    path="/api/follows/",
    script="follow_self.lua",
    expected=400,
    error_code="social_follow_prevent_self_follow",
    floor_share=0.25,
)
FOLLOW = Route(
    key="follow-accepted",
    label="POST /api/follows/ new pair (201)",
    method="POST",
    path="/api/follows/",
    script="follow_create.lua",
    expected=201,
    floor_share=0.25,
)
BULK_ROWS = 100
# Bulk batches follow writers at these offsets and above; single creates stay below.
BULK_FIRST_OFFSET = 1000
FOLLOW_BULK = Route(
    key="follow-bulk",
    label=f"POST /api/follows/bulk/ {BULK_ROWS} new pairs (201)",
    method="POST",
    path="/api/follows/bulk/",
    script="follow_bulk.lua",
    expected=201,
    rows=BULK_ROWS,
    compared_with=FOLLOW.key,
)
REMOTE_PUT = Route(
    key="remote-put",
    label="PUT /api/remote-api-account/ (staff)",
    method="PUT",
    path="/api/remote-api-account/",
    script="remote_account_put.lua",
    expected=200,
)

ROUTES = (FLOOR, SCORES, FOLLOWS, SELF_FOLLOW, FOLLOW, FOLLOW_BULK, REMOTE_PUT)
# Routes that grow the follows table: measured after the reads, each request a new index.
CREATES = (FOLLOW, FOLLOW_BULK)
REMOTE_BODY = {
    "access_token": "bench-access-token-0123456789",
    "access_token_expires": "2099-01-01T00:00:00Z",
}


def follow_pair(index: int, writers: int) -> tuple[int, int]:
    """Pair number ``index`` as writer positions; follow_create.lua maps it the same way."""
    if index >= writers * (writers - 1):
        raise ValueError("out of follow pairs: seed more writers")
    from_user = index % writers
    return from_user, (from_user + 1 + (index // writers) % (writers - 1)) % writers


def bulk_batch(index: int, writers: int) -> tuple[int, list[int]]:
    """Batch number ``index``: a writer position and those it follows; follow_bulk.lua agrees."""
    from_user = index % writers
    first = BULK_FIRST_OFFSET + (index // writers) * BULK_ROWS
    if first + BULK_ROWS > writers:
        raise ValueError("out of bulk follow pairs: seed more writers")
    return from_user, [(from_user + offset) % writers for offset in range(first, first + BULK_ROWS)]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    json: Any = None


def call(route: Route, accounts: Accounts, pair_index: int = 0) -> Call:
    """The request wrk sends for ``route``, for a check or a statement count."""
    reader = accounts.writers[0]
    if route is FLOOR:
        return Call(route.method, route.path, {})
    if route in (SCORES, FOLLOWS):
        return Call(route.method, route.path, _auth(reader))
    if route is SELF_FOLLOW:
        return Call(route.method, route.path, _auth(reader), {"to_user": reader.id})
    if route is FOLLOW:
        from_user, to_user = follow_pair(pair_index, len(accounts.writers))
        writer = accounts.writers[from_user]
        return Call(
            route.method, route.path, _auth(writer), {"to_user": accounts.writers[to_user].id}
        )
    if route is FOLLOW_BULK:
        from_user, to_users = bulk_batch(pair_index, len(accounts.writers))
        rows = [{"to_user": accounts.writers[to_user].id} for to_user in to_users]
        return Call(route.method, route.path, _auth(accounts.writers[from_user]), rows)
    if route is REMOTE_PUT:
        return Call(route.method, route.path, _auth(accounts.staff), REMOTE_BODY)
    raise ValueError(route.key)


def _auth(account: Account) -> dict[str, str]:
    return {"Authorization": f"Token {account.token}"}


def lua_data(accounts: Accounts, threads: int) -> str:
    """The data file the Lua scripts load: tokens and ids, nothing secret beyond the run."""
    writers = ",\n".join(f'  {{id = {w.id}, token = "{w.token}"}}' for w in accounts.writers)
    staff = accounts.staff
    return (
        f"return {{\n threads = {threads},\n"
        f' staff = {{id = {staff.id}, token = "{staff.token}"}},\n'
        f" writers = {{\n{writers}\n }},\n}}\n"
    )
