"""
Clients generated from the committed openapi.yaml drive the live service: Python
clients from openapi-python-client and openapi-generator, and openapi-generator's
TypeScript client on Node.js, each through the same scenario (e2e/sdk_scenario.py).
"""

from __future__ import annotations

import importlib
import inspect
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from e2e import openapi_generator
from e2e.live import BIN_DIR, ROOT, LiveServer
from e2e.sdk_scenario import Refused, SdkSteps, run_scenario

PACKAGE = "constrained_api_client"


@dataclass(frozen=True)
class Sdk:
    # The generated modules (typed Any: they exist only once the test has generated them).
    client: Any
    models: Any
    auth_token_create: Any
    users_create: Any
    users_me_retrieve: Any
    follows_create: Any


@dataclass(frozen=True)
class SdkUser:
    id: int
    client: Any  # an AuthenticatedClient


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
    sys.path.insert(0, str(out))
    try:
        yield Sdk(
            client=_generated("client"),
            models=_generated("models"),
            auth_token_create=_generated("api.auth.auth_token_create"),
            users_create=_generated("api.users.users_create"),
            users_me_retrieve=_generated("api.users.users_me_retrieve"),
            follows_create=_generated("api.follows.follows_create"),
        )
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def _generated(module: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{module}")


def body_type(operation: Any) -> Any:
    # The request model an operation takes, whatever the schema names its component.
    return inspect.signature(operation.sync).parameters["body"].annotation


@pytest.fixture
def sdk_user(sdk: Sdk, service: LiveServer) -> Callable[[], SdkUser]:
    # Registration and login need no token: a plain Client, without an Authorization header.
    anonymous = sdk.client.Client(base_url=service.url, raise_on_unexpected_status=True)

    def register() -> SdkUser:
        credentials = {
            "username": f"sdk-{secrets.token_hex(6)}",
            "password": secrets.token_urlsafe(18),
        }
        created = sdk.users_create.sync(
            client=anonymous, body=body_type(sdk.users_create)(**credentials)
        )
        token = sdk.auth_token_create.sync(
            client=anonymous, body=body_type(sdk.auth_token_create)(**credentials)
        )
        client = sdk.client.AuthenticatedClient(
            base_url=service.url, token=token.token, prefix="Token", raise_on_unexpected_status=True
        )
        return SdkUser(created.id, client)

    return register


def test_token_from_the_sdk_login_authenticates(sdk: Sdk, sdk_user: Callable[[], SdkUser]) -> None:
    alice = sdk_user()

    me = sdk.users_me_retrieve.sync_detailed(client=alice.client)

    assert me.status_code == 200, me.content
    assert me.parsed.id == alice.id


def test_repeated_follow_reads_as_the_unique_constraint_code(
    sdk: Sdk, sdk_user: Callable[[], SdkUser]
) -> None:
    alice, bob = sdk_user(), sdk_user()
    body = body_type(sdk.follows_create)(to_user=bob.id)

    first = sdk.follows_create.sync(client=alice.client, body=body)
    again = sdk.follows_create.sync(client=alice.client, body=body)

    assert isinstance(first, sdk.models.Follow), first
    assert (first.from_user, first.to_user) == (alice.id, bob.id)
    assert isinstance(again, sdk.models.FollowsCreateValidationError), again
    assert [error.code for error in again.errors] == [
        sdk.models.FollowsCreateToUserErrorComponentCode.SOCIAL_FOLLOW_UNIQUE_RELATIONSHIPS
    ]


def test_self_follow_reads_as_the_check_constraint_code(
    sdk: Sdk, sdk_user: Callable[[], SdkUser]
) -> None:
    alice = sdk_user()
    body = body_type(sdk.follows_create)(to_user=alice.id)

    response = sdk.follows_create.sync_detailed(client=alice.client, body=body)

    assert response.status_code == 400
    assert isinstance(response.parsed, sdk.models.FollowsCreateValidationError), response.content
    assert [error.code for error in response.parsed.errors] == [
        sdk.models.FollowsCreateToUserErrorComponentCode.SOCIAL_FOLLOW_PREVENT_SELF_FOLLOW
    ]


class OpenapiPythonClientSteps:
    """The scenario's steps through the openapi-python-client SDK (attrs models)."""

    def __init__(self, sdk: Sdk, base_url: str) -> None:
        self.sdk = sdk
        self.base_url = base_url

    def _client(self, token: str | None = None) -> Any:
        if token is None:
            return self.sdk.client.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        return self.sdk.client.AuthenticatedClient(
            base_url=self.base_url, token=token, prefix="Token", raise_on_unexpected_status=True
        )

    def register(self, username: str, password: str) -> int:
        body = body_type(self.sdk.users_create)(username=username, password=password)
        return int(self.sdk.users_create.sync(client=self._client(), body=body).id)

    def token(self, username: str, password: str) -> str:
        body = body_type(self.sdk.auth_token_create)(username=username, password=password)
        return str(self.sdk.auth_token_create.sync(client=self._client(), body=body).token)

    def me(self, token: str) -> int:
        return int(self.sdk.users_me_retrieve.sync(client=self._client(token)).id)

    def follow(self, token: str, to_user: int) -> tuple[int, int]:
        body = body_type(self.sdk.follows_create)(to_user=to_user)
        follow = self.sdk.follows_create.sync(client=self._client(token), body=body)
        assert isinstance(follow, self.sdk.models.Follow), follow
        return (follow.from_user, follow.to_user)

    def refused_follow(self, token: str, to_user: int) -> Refused:
        body = body_type(self.sdk.follows_create)(to_user=to_user)
        response = self.sdk.follows_create.sync_detailed(client=self._client(token), body=body)
        return self._refused(response, self.sdk.models.FollowsCreateValidationError)

    @staticmethod
    def _refused(response: Any, validation_error: Any) -> Refused:
        # response.parsed: the typed 400 that the SDK parsed from the body.
        assert isinstance(response.parsed, validation_error), response.content
        codes = [str(error.code) for error in response.parsed.errors]
        return Refused(int(response.status_code), codes)


@pytest.fixture(scope="module")
def generated_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    out = tmp_path_factory.mktemp("openapi-generator-python")
    package = openapi_generator.PYTHON_PACKAGE
    openapi_generator.generate("python", out / "client", f"--package-name={package}")
    sys.path.insert(0, str(out / "client"))
    try:
        yield
    finally:
        sys.path.remove(str(out / "client"))
        for name in [name for name in sys.modules if name.partition(".")[0] == package]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def generated_typescript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return openapi_generator.build_typescript(tmp_path_factory.mktemp("openapi-generator-ts"))


@pytest.fixture
def steps(request: pytest.FixtureRequest, service: LiveServer) -> SdkSteps:
    name = request.param
    if name != "openapi-python-client" and (missing := openapi_generator.missing_tools()):
        reason = f"missing: {', '.join(missing)}"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(reason)
        pytest.skip(reason)
    if name == "openapi-python-client":
        return OpenapiPythonClientSteps(request.getfixturevalue("sdk"), service.url)
    if name == "openapi-generator-python":
        request.getfixturevalue("generated_python")
        return openapi_generator.PythonSteps(service.url)
    script = request.getfixturevalue("generated_typescript")
    return openapi_generator.TypeScriptSteps(script, service.url)


@pytest.mark.parametrize(
    "steps",
    ["openapi-python-client", "openapi-generator-python", "openapi-generator-typescript-fetch"],
    indirect=True,
)
def test_scenario(steps: SdkSteps) -> None:
    run_scenario(steps)
