"""A retry after the answer was lost: the worker died after the commit, the retry writes nothing."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from e2e import kill_after_commit
from e2e.live import START_COMMAND, LiveServer, ServerFactory, serve
from e2e.users import register


@pytest.fixture(scope="module")
def fragile_server(
    servers: ServerFactory,
    server_log: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    hooks = tmp_path_factory.mktemp("hooks")
    shutil.copy(kill_after_commit.__file__, hooks / "kill_after_commit.py")
    env = {**servers.env, "PYTHONPATH": str(hooks), "WEB_CONCURRENCY": "1"}
    command = [*START_COMMAND, "kill_after_commit:application"]
    with serve(env, server_log("fragile"), cwd=servers.cwd, command=command) as server:
        yield server


def wait_for_a_worker(http: httpx.Client) -> None:
    # Granian starts a new worker for the one that died.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http.get("/api/health/live/").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("no worker came back")


def test_retry_after_the_worker_died_past_commit_returns_the_original_body(
    fragile_server: LiveServer,
) -> None:
    with fragile_server.client() as http:
        alice = register(http)
        headers = {**alice.authorization, "Idempotency-Key": "score-1"}
        body = {"type": "points", "value_points": 42}

        with pytest.raises(httpx.TransportError):
            http.post(
                "/api/scores/",
                json=body,
                headers={**headers, kill_after_commit.KILL_HEADER: "1"},
            )
        wait_for_a_worker(http)
        retry = http.post("/api/scores/", json=body, headers=headers)
        stored = http.get("/api/scores/", params={"owner": alice.id}).json()["results"]

    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert stored == [retry.json()]
    assert retry.json()["value_points"] == 42
