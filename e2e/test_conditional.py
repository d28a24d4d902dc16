"""
No lost update, through the production server: of concurrent writes holding the
same ETag, the database lets one through and the others answer 412.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from e2e.live import LiveServer
from e2e.users import ApiUser

WRITERS = 8


def _new_event(http: httpx.Client, user: ApiUser) -> httpx.Response:
    # Two events may not share their dates (NULL counts as equal): a day of their own.
    day = dt.date(2000, 1, 1) + dt.timedelta(days=secrets.randbelow(300_000))
    body = {"title": "Race", "start_at": str(day), "end_at": str(day + dt.timedelta(days=1))}
    created = http.post("/api/events/", json=body, headers=user.authorization)
    assert created.status_code == 201, created.text
    return created


def _concurrent_patches(
    service: LiveServer, url: str, user: ApiUser, headers: dict[str, str]
) -> Counter[int]:
    barrier = threading.Barrier(WRITERS)

    def patch(index: int) -> int:
        with service.client() as http:
            http.get("/api/health/live/")  # connected before the race starts
            barrier.wait(timeout=30)
            body = {"title": f"writer {index}"}
            return http.patch(url, json=body, headers={**user.authorization, **headers}).status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        return Counter(pool.map(patch, range(WRITERS)))


def test_concurrent_patches_with_one_tag_write_once(
    service: LiveServer, http: httpx.Client, user: ApiUser
) -> None:
    created = _new_event(http, user)
    url = f"/api/events/{created.json()['id']}/"

    statuses = _concurrent_patches(service, url, user, {"If-Match": created.headers["ETag"]})
    after = http.get(url)

    assert statuses == {200: 1, 412: WRITERS - 1}
    assert after.json()["title"].startswith("writer ")
    assert int(after.headers["ETag"].strip('"')) == int(created.headers["ETag"].strip('"')) + 1


def test_concurrent_patches_without_a_tag_all_write_as_before(
    service: LiveServer, http: httpx.Client, user: ApiUser
) -> None:
    created = _new_event(http, user)
    url = f"/api/events/{created.json()['id']}/"

    statuses = _concurrent_patches(service, url, user, {})
    after = http.get(url)

    assert statuses == {200: WRITERS}
    assert (
        int(after.headers["ETag"].strip('"')) == int(created.headers["ETag"].strip('"')) + WRITERS
    )
