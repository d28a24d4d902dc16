"""The image's start command serves the API as the contract describes."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable

import httpx

from e2e.live import LiveServer, ServerFactory
from e2e.users import ApiUser

# What a database's own error text looks like, on SQLite and PostgreSQL.
SQL_MARKERS = re.compile(
    r"INSERT|UPDATE|SELECT|IntegrityError|constraint failed|violates|DETAIL|Failing row"
    r'|"social_follow"'
)


def test_health_endpoints_answer_ok(http: httpx.Client) -> None:
    for path in ("/api/health/live/", "/api/health/ready/"):
        response = http.get(path)

        assert response.status_code == 200, path
        assert response.json() == {"status": "ok"}


def test_unknown_url_is_a_json_404_in_the_error_shape(http: httpx.Client) -> None:
    for path in ("/api/no-such-resource/", "/no-such-page"):
        response = http.get(path)

        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
        }


def test_self_follow_is_the_constraint_error_without_sql(http: httpx.Client, user: ApiUser) -> None:
    response = http.post("/api/follows/", json={"to_user": user.id}, headers=user.authorization)

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "errors": [
            {
                "code": "social_follow_prevent_self_follow",
                "detail": "Users cannot follow themselves.",
                "attr": "to_user",
            }
        ],
    }
    assert not SQL_MARKERS.search(response.text)


def test_repeated_follow_is_the_unique_constraint_error(
    http: httpx.Client, make_user: Callable[[], ApiUser]
) -> None:
    follower, followed = make_user(), make_user()
    body = {"to_user": followed.id}

    first = http.post("/api/follows/", json=body, headers=follower.authorization)
    again = http.post("/api/follows/", json=body, headers=follower.authorization)

    assert first.status_code == 201, first.text
    assert again.status_code == 400
    assert [error["code"] for error in again.json()["errors"]] == [
        "social_follow_unique_relationships"
    ]
    assert not SQL_MARKERS.search(again.text)


def test_anonymous_write_is_401(http: httpx.Client, user: ApiUser) -> None:
    response = http.post("/api/follows/", json={"to_user": user.id})

    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


def test_staff_following_on_behalf_of_a_user_meets_the_same_constraint(
    http: httpx.Client, staff_user: ApiUser, user: ApiUser
) -> None:
    body = {"from_user": user.id, "to_user": user.id}

    response = http.post("/api/follows/", json=body, headers=staff_user.authorization)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "social_follow_prevent_self_follow"


def test_non_staff_cannot_follow_on_behalf_of_another_user(
    http: httpx.Client, make_user: Callable[[], ApiUser]
) -> None:
    actor, victim, followed = make_user(), make_user(), make_user()
    body = {"from_user": victim.id, "to_user": followed.id}

    response = http.post("/api/follows/", json=body, headers=actor.authorization)

    assert response.status_code == 403
    assert response.json()["type"] == "client_error"


def test_swagger_ui_assets_are_served(http: httpx.Client) -> None:
    page = http.get("/api/docs/")
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    bundle = next(src for src in scripts if src.endswith("swagger-ui-bundle.js"))

    asset = http.get(bundle)

    assert page.status_code == 200
    assert bundle.startswith("/static/")
    assert asset.status_code == 200
    assert "javascript" in asset.headers["content-type"]
    assert "SwaggerUIBundle" in asset.text


def test_a_password_with_surrounding_spaces_signs_in_as_registered(http: httpx.Client) -> None:
    credentials = {
        "username": f"e2e-{secrets.token_hex(6)}",
        "password": f"  {secrets.token_urlsafe(18)} ",
    }
    created = http.post("/api/users/", json=credentials)

    token = http.post("/api/auth/token/", json=credentials)

    assert created.status_code == 201, created.text
    assert token.status_code == 200, token.text


def test_a_refused_host_and_a_documented_503_are_one_log_line_each(
    servers: ServerFactory, staff_user: ApiUser
) -> None:
    # Anyone can send a Host the service does not serve; the quick start's
    # missing-key 503 is the service answering as designed. Neither is a traceback.
    with servers.start("without-a-token-key", REMOTE_API_TOKEN_KEYS="") as server:
        with server.client() as http:
            refused = http.get("/api/health/live/", headers={"Host": "evil.example"})
            unavailable = http.put(
                "/api/remote-api-account/",
                json={"access_token": "t", "access_token_expires": "2099-01-01T00:00:00Z"},
                headers=staff_user.authorization,
            )
        lines = _lines_logged_by(server, until='"PUT /api/remote-api-account/')

    assert refused.status_code == 400
    assert unavailable.status_code == 503
    assert unavailable.json()["errors"][0]["code"] == "remote_api_token_key_missing"
    assert "Traceback" not in "".join(lines)
    assert sum("Invalid HTTP_HOST header" in line for line in lines) == 1
    assert sum("Service Unavailable: /api/remote-api-account/" in line for line in lines) == 1


def _lines_logged_by(server: LiveServer, until: str) -> list[str]:
    deadline = time.monotonic() + 10
    while True:
        text = server.log.read_text(errors="replace")
        if until in text or time.monotonic() > deadline:
            return text.splitlines()
        time.sleep(0.1)


def test_a_write_to_a_path_without_its_slash_is_redirected_with_its_body(
    http: httpx.Client, make_user: Callable[[], ApiUser]
) -> None:
    follower, followed = make_user(), make_user()

    response = http.post(
        "/api/follows",
        json={"to_user": followed.id},
        headers=follower.authorization,
        follow_redirects=True,
    )

    assert [answer.status_code for answer in response.history] == [308]
    assert response.status_code == 201, response.text
    assert response.json()["to_user"] == followed.id
