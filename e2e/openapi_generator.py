"""
Clients that openapi-generator (PyPI's openapi-generator-cli, which bundles the
generator's jar and runs it on Java) makes from the committed openapi.yaml: its
`python` client, imported here, and its `typescript-fetch` client, compiled with
`tsc --strict` (tools/package-lock.json) and run on Node.js. Each implements the
scenario's steps (e2e/sdk_scenario.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from e2e.live import BIN_DIR, ROOT
from e2e.sdk_scenario import Created, CreatedRows, Described, Refused, RefusedRows, Written

PYTHON_PACKAGE = "constrained_api_generated"
TSC = ROOT / "tools" / "node_modules" / ".bin" / "tsc"
STEPS_TS = ROOT / "e2e" / "typescript" / "steps.ts"


def missing_tools() -> list[str]:
    """What generating and running these clients needs that this machine lacks."""
    needs = {
        "java (Debian's default-jre-headless)": shutil.which("java"),
        "node (Debian's nodejs)": shutil.which("node"),
        f"{TSC} (scripts/test installs tools/)": TSC.exists() or None,
    }
    return [name for name, found in needs.items() if not found]


def generate(generator: str, output: Path, *options: str) -> None:
    command = [
        str(BIN_DIR / "openapi-generator-cli"),
        "generate",
        f"--input-spec={ROOT / 'openapi.yaml'}",
        f"--generator-name={generator}",
        f"--output={output}",
        *options,
    ]
    _run(command, cwd=output.parent)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 (a fixed command)
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{command[:3]}:\n{result.stdout}{result.stderr}"
    return result.stdout


class PythonSteps:
    """The steps through openapi-generator's `python` client (pydantic models)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sdk: Any = importlib.import_module(PYTHON_PACKAGE)

    def _client(self, token: str | None = None) -> Any:
        configuration = self.sdk.Configuration(host=self.base_url)
        if token:
            configuration.api_key = {"tokenAuth": token}
            configuration.api_key_prefix = {"tokenAuth": "Token"}
        return self.sdk.ApiClient(configuration)

    def register(self, username: str, password: str) -> int:
        body = self.sdk.RegistrationRequest(username=username, password=password)
        created = self.sdk.UsersApi(self._client()).users_create(body)
        return int(created.id)

    def token(self, username: str, password: str) -> str:
        body = self.sdk.TokenRequestRequest(username=username, password=password)
        return str(self.sdk.AuthApi(self._client()).auth_token_create(body).token)

    def me(self, token: str) -> int:
        return int(self.sdk.UsersApi(self._client(token)).users_me_retrieve().id)

    def follow(self, token: str, to_user: int) -> tuple[int, int]:
        body = self.sdk.FollowRequest(to_user=to_user)
        follow = self.sdk.FollowsApi(self._client(token)).follows_create(body)
        return (follow.from_user, follow.to_user)

    def refused_follow(self, token: str, to_user: int) -> Refused:
        body = self.sdk.FollowRequest(to_user=to_user)
        call = self.sdk.FollowsApi(self._client(token)).follows_create
        status, errors = self._refused(call, body)
        return Refused(status, [_value(error.code) for error in errors])

    def following(self, token: str, from_user: int) -> list[int]:
        page = self.sdk.FollowsApi(self._client(token)).follows_list(from_user=from_user, limit=100)
        return [follow.to_user for follow in page.results]

    def bulk_follow(self, token: str, to_users: list[int]) -> CreatedRows:
        body = [self.sdk.FollowRequest(to_user=to_user) for to_user in to_users]
        answer = self.sdk.FollowsApi(self._client(token)).follows_bulk_create_with_http_info(body)
        follows = [(follow.from_user, follow.to_user) for follow in answer.data]
        return CreatedRows(answer.status_code, follows)

    def refused_bulk_follow(self, token: str, to_users: list[int]) -> RefusedRows:
        body = [self.sdk.FollowRequest(to_user=to_user) for to_user in to_users]
        call = self.sdk.FollowsApi(self._client(token)).follows_bulk_create
        # Each row error is the anyOf variant whose `attr` pattern and `code` enum validate.
        status, errors = self._refused(call, body)
        return RefusedRows(status, [(error.attr, _value(error.code)) for error in errors])

    def keyed_follow(self, token: str, to_user: int, key: str) -> Created:
        body = self.sdk.FollowRequest(to_user=to_user)
        api = self.sdk.FollowsApi(self._client(token))
        answer = api.follows_create_with_http_info(body, idempotency_key=key)
        replayed = _headers(answer).get("idempotent-replayed") == "true"
        return Created(answer.status_code, answer.data.id, replayed)

    def create_event(self, token: str, title: str, day: dt.date) -> tuple[int, str]:
        body = self.sdk.EventRequest(title=title, start_at=day, end_at=day + dt.timedelta(1))
        answer = self.sdk.EventsApi(self._client(token)).events_create_with_http_info(body)
        return int(answer.data.id), _headers(answer)["etag"]

    def rename_event(self, token: str, event_id: int, title: str, if_match: str) -> Written:
        api = self.sdk.EventsApi(self._client(token))
        body = self.sdk.PatchedEventRequest(title=title)
        try:
            answer = api.events_partial_update_with_http_info(
                event_id, if_match=if_match, patched_event_request=body
            )
        except self.sdk.ApiException as error:
            refused = error
        else:
            return Written(answer.status_code, _headers(answer).get("etag"), [])
        # refused.data: the typed body of the status, parsed by the SDK.
        assert isinstance(refused.data, self.sdk.ErrorResponse412), refused.body
        return Written(refused.status, None, [_value(each.code) for each in refused.data.errors])

    def refused_event(
        self, token: str, title: str, start: dt.date, end: dt.date, language: str
    ) -> Described:
        body = self.sdk.EventRequest(title=title, start_at=start, end_at=end)
        call = self.sdk.EventsApi(self._client(token)).events_create
        status, errors = self._refused(call, body, accept_language=language)
        return Described(status, [(_value(error.code), error.detail) for error in errors])

    def refused_bulk_points(self, token: str, rows: list[tuple[int, str | None]]) -> RefusedRows:
        points = self.sdk.ScoreTypeEnum.POINTS
        body = [
            self.sdk.ScoreRequest(type=points, value_points=value, value_duration=duration)
            for value, duration in rows
        ]
        call = self.sdk.ScoresApi(self._client(token)).scores_bulk_create
        status, errors = self._refused(call, body)
        return RefusedRows(status, [(error.attr, _value(error.code)) for error in errors])

    def _refused(self, call: Any, *args: Any, **kwargs: Any) -> tuple[int, list[Any]]:
        """A refused call's status and its errors, each the variant the SDK parsed."""
        try:
            call(*args, **kwargs)
        except self.sdk.ApiException as error:
            # error.data: the operation's typed 400 (one of its validation
            # error and the client error), parsed by the SDK.
            refusal = error.data.actual_instance
            assert not isinstance(refusal, self.sdk.ErrorResponse400), refusal
            return error.status, [each.actual_instance for each in refusal.errors]
        raise AssertionError("the service accepted the call")


def _headers(answer: Any) -> dict[str, str]:
    # answer.headers: a plain dict (urllib3's case-insensitive one, copied), keyed as
    # the server spelled the names.
    return {name.lower(): value for name, value in (answer.headers or {}).items()}


def _value(code: Any) -> str:
    # An enum member or its string, whichever the model holds.
    return str(getattr(code, "value", code))


def build_typescript(output: Path) -> Path:
    """The typescript-fetch client and the steps, compiled; the steps' script."""
    generate("typescript-fetch", output / "client")
    shutil.copy(STEPS_TS, output / STEPS_TS.name)
    tsc = [str(TSC), "--strict", "--noEmitOnError", "--target", "ES2022", "--module", "commonjs"]
    _run([*tsc, "--lib", "ES2022,DOM", "--outDir", "build", STEPS_TS.name], cwd=output)
    return output / "build" / "steps.js"


class TypeScriptSteps:
    """The steps through openapi-generator's `typescript-fetch` client, on Node.js."""

    def __init__(self, script: Path, base_url: str) -> None:
        self.script = script
        self.env = {**os.environ, "SDK_BASE_URL": base_url}

    def _step(self, name: str, **arguments: object) -> Any:
        node = [shutil.which("node") or "node", str(self.script), name, json.dumps(arguments)]
        return json.loads(_run(node, cwd=self.script.parent, env=self.env))

    def register(self, username: str, password: str) -> int:
        return int(self._step("register", username=username, password=password))

    def token(self, username: str, password: str) -> str:
        return str(self._step("token", username=username, password=password))

    def me(self, token: str) -> int:
        return int(self._step("me", token=token))

    def follow(self, token: str, to_user: int) -> tuple[int, int]:
        from_user, followed = self._step("follow", token=token, toUser=to_user)
        return (from_user, followed)

    def refused_follow(self, token: str, to_user: int) -> Refused:
        answer = self._step("refusedFollow", token=token, toUser=to_user)
        return Refused(answer["status"], answer["errors"])

    def following(self, token: str, from_user: int) -> list[int]:
        return list(self._step("following", token=token, fromUser=from_user))

    def bulk_follow(self, token: str, to_users: list[int]) -> CreatedRows:
        answer = self._step("bulkFollow", token=token, toUsers=to_users)
        return CreatedRows(answer["status"], [(each[0], each[1]) for each in answer["follows"]])

    def refused_bulk_follow(self, token: str, to_users: list[int]) -> RefusedRows:
        answer = self._step("refusedBulkFollow", token=token, toUsers=to_users)
        return RefusedRows(answer["status"], [(attr, code) for attr, code in answer["errors"]])

    def keyed_follow(self, token: str, to_user: int, key: str) -> Created:
        answer = self._step("keyedFollow", token=token, toUser=to_user, key=key)
        return Created(answer["status"], answer["id"], answer["replayed"])

    def create_event(self, token: str, title: str, day: dt.date) -> tuple[int, str]:
        answer = self._step("createEvent", token=token, title=title, day=day.isoformat())
        return answer["id"], answer["etag"]

    def rename_event(self, token: str, event_id: int, title: str, if_match: str) -> Written:
        answer = self._step("renameEvent", token=token, id=event_id, title=title, ifMatch=if_match)
        return Written(answer["status"], answer["etag"], answer["codes"])

    def refused_event(
        self, token: str, title: str, start: dt.date, end: dt.date, language: str
    ) -> Described:
        answer = self._step(
            "refusedEvent",
            token=token,
            title=title,
            start=start.isoformat(),
            end=end.isoformat(),
            language=language,
        )
        return Described(answer["status"], [(code, detail) for code, detail in answer["errors"]])

    def refused_bulk_points(self, token: str, rows: list[tuple[int, str | None]]) -> RefusedRows:
        answer = self._step("refusedBulkPoints", token=token, rows=rows)
        return RefusedRows(answer["status"], [(attr, code) for attr, code in answer["errors"]])
