"""
Swagger UI, in a real browser, authorizes with a token and shows a constraint's 400,
for a single create and for a batch, every rule a create breaks in the language
asked for, and a stale If-Match's 412;
it and ReDoc render the schema from what the service serves, asking no other host.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from e2e.live import PUBLIC_HOST, LiveServer
from e2e.needs import skip_or_fail
from e2e.users import ApiUser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The service under a name that is not localhost, resolved without DNS.
    f"--host-resolver-rules=MAP {PUBLIC_HOST} 127.0.0.1",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test does as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    ("operation_id", "path", "body", "expected"),
    [
        (
            "follows_create",
            "/api/follows/",
            {"to_user": "SELF"},
            "social_follow_prevent_self_follow",
        ),
        # A batch refused as a whole, its row named in the attr.
        ("follows_bulk_create", "/api/follows/bulk/", [{"to_user": "SELF"}], '"0.to_user"'),
    ],
    ids=["single", "batch"],
)
def test_try_it_out_shows_the_self_follow_constraint_error(
    page: Page,
    service: LiveServer,
    user: ApiUser,
    operation_id: str,
    path: str,
    body: object,
    expected: str,
) -> None:
    origin = f"{PUBLIC_HOST}:{urlsplit(service.url).port}"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"http://{origin}/api/docs/")
    authorize(page, user)
    operation = page.locator(f"#operations-follows-{operation_id}")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    text = json.dumps(body).replace('"SELF"', str(user.id))
    operation.locator("textarea.body-param__text").fill(text)
    operation.get_by_role("button", name="Execute").click()

    live_response = operation.locator(".live-responses-table .response")
    expect(live_response.locator(".response-col_status")).to_have_text("400")
    description = live_response.locator(".response-col_description")
    expect(description).to_contain_text("social_follow_prevent_self_follow")
    expect(description).to_contain_text(expected)
    assert any("/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requested), requested
    assert any(url.endswith(path) for url in requested), requested
    outside = [url for url in requested if urlsplit(url).netloc != origin]
    assert not outside, f"requests that left the service: {outside}"


def test_try_it_out_shows_every_broken_rule_in_german(
    page: Page, service: LiveServer, user: ApiUser
) -> None:
    page.goto(f"http://{PUBLIC_HOST}:{urlsplit(service.url).port}/api/docs/")
    authorize(page, user)
    operation = page.locator("#operations-scores-scores_create")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("tr[data-param-name='Accept-Language'] input").fill("de")
    body = {"type": "points", "value_points": -5, "value_duration": "00:01:00"}
    operation.locator("textarea.body-param__text").fill(json.dumps(body))
    operation.get_by_role("button", name="Execute").click()

    live_response = operation.locator(".live-responses-table .response")
    expect(live_response.locator(".response-col_status")).to_have_text("400")
    description = live_response.locator(".response-col_description")
    expect(description).to_contain_text("scoring_score_value_matches_type")
    expect(description).to_contain_text("scoring_score_value_points_not_negative")
    expect(description).to_contain_text("Punkte können nicht negativ sein.")
    expect(live_response).to_contain_text("content-language: de")


def authorize(page: Page, user: ApiUser) -> None:
    page.locator(".auth-wrapper .authorize").click()
    token_auth = page.locator(".auth-container").filter(has_text="tokenAuth")
    token_auth.locator("input").fill(f"Token {user.token}")
    token_auth.get_by_role("button", name="Apply credentials").click()
    expect(token_auth.get_by_role("heading", name="Authorized")).to_be_visible()
    page.locator(".close-modal").click()


def test_try_it_out_with_a_stale_if_match_shows_the_412(
    page: Page, service: LiveServer, http: httpx.Client, user: ApiUser
) -> None:
    day = dt.date(2000, 1, 1) + dt.timedelta(days=secrets.randbelow(300_000))
    body = {"title": "Swagger", "start_at": str(day), "end_at": str(day + dt.timedelta(1))}
    created = http.post("/api/events/", json=body, headers=user.authorization)
    assert created.status_code == 201, created.text
    stale = created.headers["ETag"]
    renamed = http.patch(
        f"/api/events/{created.json()['id']}/",
        json={"title": "Renamed"},
        headers={**user.authorization, "If-Match": stale},
    )
    assert renamed.status_code == 200, renamed.text

    page.goto(f"http://{PUBLIC_HOST}:{urlsplit(service.url).port}/api/docs/")
    authorize(page, user)
    operation = page.locator("#operations-events-events_partial_update")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("tr[data-param-name='id'] input").fill(str(created.json()["id"]))
    if_match = operation.locator("tr[data-param-name='If-Match']")
    expect(if_match).to_contain_text("412")
    if_match.locator("input").fill(stale)
    operation.locator("textarea.body-param__text").fill('{"title": "Lost"}')
    operation.get_by_role("button", name="Execute").click()

    live_response = operation.locator(".live-responses-table .response")
    expect(live_response.locator(".response-col_status")).to_have_text("412")
    expect(live_response.locator(".response-col_description")).to_contain_text(
        "precondition_failed"
    )
    assert http.get(f"/api/events/{created.json()['id']}/").json()["title"] == "Renamed"


@pytest.mark.parametrize(
    ("page_path", "rendered"),
    [
        ("/api/docs/", "#operations-follows-follows_create"),
        ("/api/redoc/", "[data-section-id='tag/follows/operation/follows_create']"),
    ],
    ids=["swagger-ui", "redoc"],
)
def test_docs_page_loads_nothing_from_outside_the_host(
    page: Page, service: LiveServer, page_path: str, rendered: str
) -> None:
    origin = f"{PUBLIC_HOST}:{urlsplit(service.url).port}"
    # Every request the browser sends, seen before it leaves; one for another
    # host is recorded and dropped. (ReDoc's bundle asks for its vendor's logo:
    # the page's Content-Security-Policy stops it before it is sent.)
    sent: list[str] = []

    def record(route: Route) -> None:
        sent.append(route.request.url)
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", record)
    page.goto(f"http://{origin}{page_path}", wait_until="networkidle")

    expect(page.locator(rendered)).to_contain_text("Create a follow")
    assert any(url.endswith("/api/schema/") for url in sent), sent
    outside = [url for url in sent if urlsplit(url).netloc != origin]
    assert not outside, f"requests that left the service: {outside}"
