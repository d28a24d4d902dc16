"""
A live server for the end-to-end tests: the image's start command, in the image's
file tree, on a fresh database.

These tests talk HTTP only. pytest-django still configures Django in this process
(with the test settings); nothing here uses its database fixtures, and the server
fixture is not called live_server, which pytest-django would take for its own.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from e2e.image import build_context, run_build_steps
from e2e.live import (
    PUBLIC_HOST,
    LiveServer,
    ServerFactory,
    fresh_database,
    manage,
    process_env,
)
from e2e.remote_api import token_endpoint
from e2e.users import ApiUser, make_staff, register

# The shared SDK scenario's asserts show their values, as a test module's do.
pytest.register_assert_rewrite("e2e.sdk_scenario")

_SERVER_LOGS = pytest.StashKey[list[Path]]()
_LOG_OFFSETS = pytest.StashKey[dict[Path, int]]()


@pytest.fixture(scope="session")
def image_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # What the image's WORKDIR holds: the servers run from here, not from the work tree.
    tree = build_context(tmp_path_factory.mktemp("image") / "app")
    run_build_steps(tree)
    return tree


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    scratch = tmp_path_factory.mktemp("database")
    with fresh_database(os.environ.get("DATABASE_URL"), scratch) as url:
        manage("migrate", "--no-input", "-v0", env=process_env(SECRET_KEY="e2e", DATABASE_URL=url))
        yield url


@pytest.fixture(scope="session")
def server_log(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Callable[[str], Path]:
    # A log file for a server, shown with the report of any test that fails while it runs.
    def make(name: str) -> Path:
        log = tmp_path_factory.mktemp(name) / "server.log"
        request.config.stash.setdefault(_SERVER_LOGS, []).append(log)
        return log

    return make


@pytest.fixture(scope="session")
def remote_api() -> Iterator[dict[str, str]]:
    with token_endpoint() as settings:
        yield settings


@pytest.fixture(scope="session")
def servers(
    image_tree: Path,
    database_url: str,
    remote_api: dict[str, str],
    server_log: Callable[[str], Path],
) -> ServerFactory:
    env = process_env(
        **remote_api,
        ALLOWED_HOSTS=f"127.0.0.1,localhost,{PUBLIC_HOST}",
        DATABASE_URL=database_url,
        DEBUG="0",
        REMOTE_API_TOKEN_KEYS=Fernet.generate_key().decode(),
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL="0",
        THROTTLE_AUTH="10000/minute",
        THROTTLE_REGISTER="10000/minute",
        THROTTLE_WRITE="10000/minute",
        WEB_CONCURRENCY="2",
    )
    return ServerFactory(env=env, cwd=image_tree, log=server_log)


@pytest.fixture(scope="session")
def service(servers: ServerFactory) -> Iterator[LiveServer]:
    with servers.start("service") as server:
        yield server


@pytest.fixture
def http(service: LiveServer) -> Iterator[httpx.Client]:
    with service.client() as client:
        yield client


@pytest.fixture
def make_user(http: httpx.Client) -> Callable[[], ApiUser]:
    return lambda: register(http)


@pytest.fixture
def user(make_user: Callable[[], ApiUser]) -> ApiUser:
    return make_user()


@pytest.fixture
def staff_user(make_user: Callable[[], ApiUser], service: LiveServer) -> ApiUser:
    return make_staff(make_user(), service.env)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # A failing test shows what the server logged while it ran.
    report = yield
    logs = item.config.stash.get(_SERVER_LOGS, [])
    if call.when == "setup":
        item.stash[_LOG_OFFSETS] = {log: log.stat().st_size for log in logs if log.exists()}
    elif report.failed:
        offsets = item.stash.get(_LOG_OFFSETS, {})
        for log in logs:
            with log.open("rb") as stream:
                stream.seek(offsets.get(log, 0))
                text = stream.read().decode(errors="replace")
            report.sections.append((f"live server log {log.parent.name}", text))
    return report
