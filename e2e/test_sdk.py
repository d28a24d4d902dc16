"""A Python client generated from the committed openapi.yaml drives the live service."""

from __future__ import annotations

import importlib
import inspect
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest

from e2e.live import BIN_DIR, ROOT, LiveServer

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
    follows_bulk_create: Any


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
            follows_bulk_create=_generated("api.follows.follows_bulk_create"),
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
def sdk_user(sdk: Sdk, service: LiveServer) -> Iterator[Callable[[], SdkUser]]:
    # The server keeps connections alive: every client is closed with the test.
    clients = ExitStack()
    # Registration and login need no token: a plain Client, without an Authorization header.
    anonymous = clients.enter_context(
        sdk.client.Client(base_url=service.url, raise_on_unexpected_status=True)
    )

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
        client = clients.enter_context(
            sdk.client.AuthenticatedClient(
                base_url=service.url,
                token=token.token,
                prefix="Token",
                raise_on_unexpected_status=True,
            )
        )
        return SdkUser(created.id, client)

    with clients:
        yield register


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


def test_refused_batch_names_each_refused_row_by_index_and_code(
    sdk: Sdk, sdk_user: Callable[[], SdkUser]
) -> None:
    alice, bob, carol = sdk_user(), sdk_user(), sdk_user()
    row = body_type(sdk.follows_create)
    sdk.follows_create.sync(client=alice.client, body=row(to_user=bob.id))

    refused = sdk.follows_bulk_create.sync_detailed(
        client=alice.client,
        body=[row(to_user=carol.id), row(to_user=bob.id), row(to_user=alice.id)],
    )
    created = sdk.follows_bulk_create.sync(client=alice.client, body=[row(to_user=carol.id)])

    assert refused.status_code == 400
    assert isinstance(refused.parsed, sdk.models.FollowsBulkCreateValidationError), refused.content
    codes = sdk.models.FollowsBulkCreateINDEXToUserErrorComponentCode
    assert [(error.attr, error.code) for error in refused.parsed.errors] == [
        ("1.to_user", codes.SOCIAL_FOLLOW_UNIQUE_RELATIONSHIPS),
        ("2.to_user", codes.SOCIAL_FOLLOW_PREVENT_SELF_FOLLOW),
    ]
    assert [(follow.from_user, follow.to_user) for follow in created] == [(alice.id, carol.id)]


def test_retry_with_the_idempotency_key_is_answered_from_the_stored_response(
    sdk: Sdk, sdk_user: Callable[[], SdkUser]
) -> None:
    alice, bob = sdk_user(), sdk_user()
    body = body_type(sdk.follows_create)(to_user=bob.id)

    first = sdk.follows_create.sync_detailed(client=alice.client, body=body, idempotency_key="f-1")
    again = sdk.follows_create.sync_detailed(client=alice.client, body=body, idempotency_key="f-1")

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.parsed.id == first.parsed.id
