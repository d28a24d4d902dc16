"""The image's start command serves the API as the contract describes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import httpx

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
