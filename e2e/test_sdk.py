"""
Clients generated from the committed openapi.yaml drive the live service: Python
clients from openapi-python-client and openapi-generator, and openapi-generator's
TypeScript client on Node.js, each through the same scenario (e2e/sdk_scenario.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from e2e import openapi_generator
from e2e.live import BIN_DIR, ROOT, LiveServer
from e2e.needs import skip_or_fail
from e2e.sdk_scenario import (
    Created,
    CreatedRows,
    Described,
    Refused,
    RefusedRows,
    SdkSteps,
    Written,
    run_scenario,
)

PACKAGE = "constrained_api_client"


@dataclass(frozen=True)
class Sdk:
    # The generated modules (typed Any: they exist only once the test has generated them).
    client: Any
    models: Any

    def operation(self, tag: str, operation_id: str) -> Any:
        """An operation's module: `sync`, `sync_detailed`, ... (api/<tag>/<operationId>.py)."""
        return _generated(f"api.{tag.replace('-', '_')}.{operation_id}")


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sdk]:
    out = tmp_path_factory.mktemp("sdk")
    generate = [
        str(BIN_DIR / "openapi-python-client"),
        "generate",
        f"--path={ROOT / 'openapi.yaml'}",
        f"--output-path={out / PACKAGE}",
        "--meta=none",
        "--fail-on-warning",
    ]
    # The generator formats its output with ruff, which it looks up on PATH.
    env = {**os.environ, "PATH": f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(  # noqa: S603 (a fixed command)
        generate, cwd=out, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with importable(out, PACKAGE):
        yield Sdk(client=_generated("client"), models=_generated("models"))


@contextmanager
def importable(directory: Path, package: str) -> Iterator[None]:
    # A generated package, importable while the tests that use it run.
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path.remove(str(directory))
        for name in [name for name in sys.modules if name.partition(".")[0] == package]:
            del sys.modules[name]


def _generated(module: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{module}")


def body_type(operation: Any) -> Any:
    # The request model an operation takes, whatever the schema names its component.
    return inspect.signature(operation.sync).parameters["body"].annotation


class OpenapiPythonClientSteps:
    """The scenario's steps through the openapi-python-client SDK (attrs models)."""

    def __init__(self, sdk: Sdk, base_url: str, clients: ExitStack) -> None:
        self.sdk = sdk
        self.base_url = base_url
        self.clients = clients  # closes every client the steps opened

    def _client(self, token: str | None = None) -> Any:
        if token is None:
            client = self.sdk.client.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        else:
            client = self.sdk.client.AuthenticatedClient(
                base_url=self.base_url, token=token, prefix="Token", raise_on_unexpected_status=True
            )
        return self.clients.enter_context(client)

    def register(self, username: str, password: str) -> int:
        users_create = self.sdk.operation("users", "users_create")
        body = body_type(users_create)(username=username, password=password)
        return int(users_create.sync(client=self._client(), body=body).id)

    def token(self, username: str, password: str) -> str:
        auth_token_create = self.sdk.operation("auth", "auth_token_create")
        body = body_type(auth_token_create)(username=username, password=password)
        return str(auth_token_create.sync(client=self._client(), body=body).token)

    def me(self, token: str) -> int:
        users_me_retrieve = self.sdk.operation("users", "users_me_retrieve")
        return int(users_me_retrieve.sync(client=self._client(token)).id)

    def follow(self, token: str, to_user: int) -> tuple[int, int]:
        follows_create = self.sdk.operation("follows", "follows_create")
        body = body_type(follows_create)(to_user=to_user)
        follow = follows_create.sync(client=self._client(token), body=body)
        assert isinstance(follow, self.sdk.models.Follow), follow
        return (follow.from_user, follow.to_user)

    def refused_follow(self, token: str, to_user: int) -> Refused:
        follows_create = self.sdk.operation("follows", "follows_create")
        body = body_type(follows_create)(to_user=to_user)
        response = follows_create.sync_detailed(client=self._client(token), body=body)
        return self._refused(response, self.sdk.models.FollowsCreateValidationError)

    def following(self, token: str, from_user: int) -> list[int]:
        follows_list = self.sdk.operation("follows", "follows_list")
        page = follows_list.sync(client=self._client(token), from_user=from_user, limit=100)
        return [follow.to_user for follow in page.results]

    def bulk_follow(self, token: str, to_users: list[int]) -> CreatedRows:
        response = self._bulk_follow(token, to_users)
        follows = [(follow.from_user, follow.to_user) for follow in response.parsed]
        return CreatedRows(int(response.status_code), follows)

    def refused_bulk_follow(self, token: str, to_users: list[int]) -> RefusedRows:
        response = self._bulk_follow(token, to_users)
        # Each row error is the first anyOf variant whose fields parse: `attr` patterns are
        # not checked, the `code` enums decide (a constraint's code is only in its field's
        # variant; "2.from_user" with "null" would parse as the INDEXNonFieldErrors one).
        errors = self._errors(response, self.sdk.models.FollowsBulkCreateValidationError)
        return RefusedRows(int(response.status_code), [(e.attr, str(e.code)) for e in errors])

    def keyed_follow(self, token: str, to_user: int, key: str) -> Created:
        follows_create = self.sdk.operation("follows", "follows_create")
        body = body_type(follows_create)(to_user=to_user)
        response = follows_create.sync_detailed(
            client=self._client(token), body=body, idempotency_key=key
        )
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        return Created(int(response.status_code), response.parsed.id, replayed)

    def create_event(self, token: str, title: str, day: dt.date) -> tuple[int, str]:
        events_create = self.sdk.operation("events", "events_create")
        body = body_type(events_create)(title=title, start_at=day, end_at=day + dt.timedelta(1))
        response = events_create.sync_detailed(client=self._client(token), body=body)
        return int(response.parsed.id), response.headers["ETag"]

    def rename_event(self, token: str, event_id: int, title: str, if_match: str) -> Written:
        events_partial_update = self.sdk.operation("events", "events_partial_update")
        body = self.sdk.models.PatchedEventRequest(title=title)
        # No raise: a 412 is a documented status, parsed into its typed model.
        client = self.clients.enter_context(
            self.sdk.client.AuthenticatedClient(base_url=self.base_url, token=token, prefix="Token")
        )
        response = events_partial_update.sync_detailed(
            event_id, client=client, body=body, if_match=if_match
        )
        if response.status_code == 200:
            return Written(200, response.headers.get("ETag"), [])
        assert isinstance(response.parsed, self.sdk.models.ErrorResponse412), response.content
        return Written(
            int(response.status_code), None, [str(e.code) for e in response.parsed.errors]
        )

    def refused_event(
        self, token: str, title: str, start: dt.date, end: dt.date, language: str
    ) -> Described:
        events_create = self.sdk.operation("events", "events_create")
        body = body_type(events_create)(title=title, start_at=start, end_at=end)
        response = events_create.sync_detailed(
            client=self._client(token), body=body, accept_language=language
        )
        errors = self._errors(response, self.sdk.models.EventsCreateValidationError)
        return Described(int(response.status_code), [(str(e.code), e.detail) for e in errors])

    def refused_bulk_points(self, token: str, rows: list[tuple[int, str | None]]) -> RefusedRows:
        scores_bulk_create = self.sdk.operation("scores", "scores_bulk_create")
        points = self.sdk.models.ScoreTypeEnum.POINTS
        body = [
            self.sdk.models.ScoreRequest(type_=points, value_points=value, value_duration=duration)
            for value, duration in rows
        ]
        response = scores_bulk_create.sync_detailed(client=self._client(token), body=body)
        errors = self._errors(response, self.sdk.models.ScoresBulkCreateValidationError)
        return RefusedRows(int(response.status_code), [(e.attr, str(e.code)) for e in errors])

    def _bulk_follow(self, token: str, to_users: list[int]) -> Any:
        follows_bulk_create = self.sdk.operation("follows", "follows_bulk_create")
        body = [self.sdk.models.FollowRequest(to_user=to_user) for to_user in to_users]
        return follows_bulk_create.sync_detailed(client=self._client(token), body=body)

    @classmethod
    def _refused(cls, response: Any, validation_error: Any) -> Refused:
        codes = [str(error.code) for error in cls._errors(response, validation_error)]
        return Refused(int(response.status_code), codes)

    @staticmethod
    def _errors(response: Any, validation_error: Any) -> list[Any]:
        # response.parsed: the typed 400 that the SDK parsed from the body.
        assert isinstance(response.parsed, validation_error), response.content
        return list(response.parsed.errors)


@pytest.fixture(scope="module")
def generated_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    out = tmp_path_factory.mktemp("openapi-generator-python")
    package = openapi_generator.PYTHON_PACKAGE
    openapi_generator.generate("python", out / "client", f"--package-name={package}")
    with importable(out / "client", package):
        yield


@pytest.fixture(scope="module")
def generated_typescript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return openapi_generator.build_typescript(tmp_path_factory.mktemp("openapi-generator-ts"))


@pytest.fixture
def steps(request: pytest.FixtureRequest, service: LiveServer) -> Iterator[SdkSteps]:
    name = request.param
    if name != "openapi-python-client" and (missing := openapi_generator.missing_tools()):
        skip_or_fail(f"missing: {', '.join(missing)}")
    if name == "openapi-python-client":
        with ExitStack() as clients:
            yield OpenapiPythonClientSteps(request.getfixturevalue("sdk"), service.url, clients)
    elif name == "openapi-generator-python":
        request.getfixturevalue("generated_python")
        yield openapi_generator.PythonSteps(service.url)
    else:
        script = request.getfixturevalue("generated_typescript")
        yield openapi_generator.TypeScriptSteps(script, service.url)


@pytest.mark.parametrize(
    "steps",
    ["openapi-python-client", "openapi-generator-python", "openapi-generator-typescript-fetch"],
    indirect=True,
)
def test_scenario(steps: SdkSteps) -> None:
    run_scenario(steps)
