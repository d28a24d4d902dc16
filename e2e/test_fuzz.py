"""
A fuzzing pass of our own against the live service: query strings, headers and
bodies that a schema-driven tool would not think of (cursors that decode to
odd positions, limits past any integer, repeated and surplus parameters, stale
and mangled credentials, JSON of every shape). Whatever the request, the answer
is never a 5xx, and every refusal is a JSON body in the error shape.

The requests stay inside what the server itself accepts (printable header
values, a request line well under its limit): past that, Granian answers before
the service does (see schemathesis_hooks.refused_by_the_server and
docs/deploying.md).
"""

from __future__ import annotations

import json
import os
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2e.live import LiveServer
from e2e.users import ApiUser, register

# About 10-20 s a test on two cores; raise E2E_FUZZ_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("E2E_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The query string keeps well under any request-line limit a proxy in front may set.
MAX_QUERY = 3600

LISTS = (
    "/api/events/",
    "/api/scores/",
    "/api/point-scores/",
    "/api/duration-scores/",
    "/api/follows/",
    "/api/users/",
)
FILTERS = ("type", "event", "owner", "from_user", "to_user")
ERROR_TYPES = {"validation_error", "client_error"}


@dataclass(frozen=True)
class Target:
    http: httpx.Client
    user: ApiUser
    spare: ApiUser  # whose token the header fuzzing may revoke
    event: int
    score: int
    follow: int


@pytest.fixture(scope="module")
def target(service: LiveServer) -> Iterator[Target]:
    with service.client() as http:
        user = register(http)
        other = register(http)
        auth = user.authorization
        event = http.post("/api/events/", json={"title": "fuzz"}, headers=auth).json()["id"]
        score = http.post(
            "/api/scores/", json={"type": "points", "value_points": 1}, headers=auth
        ).json()["id"]
        follow = http.post("/api/follows/", json={"to_user": other.id}, headers=auth).json()["id"]
        yield Target(http, user, register(http), event, score, follow)


def assert_answered(response: httpx.Response) -> None:
    request = f"{response.request.method} {response.request.url}"
    assert response.status_code < 500, f"{request} -> {response.status_code} {response.text[:500]}"
    if response.status_code < 400:
        return
    content_type = response.headers["content-type"]
    if content_type.startswith("text/html"):
        # The browsable API, for a client that asked for HTML.
        assert "text/html" in response.request.headers.get("accept", ""), request
        return
    assert content_type.startswith("application/json"), (request, content_type)
    body = response.json()
    assert set(body) == {"type", "errors"}, (request, body)
    assert body["type"] in ERROR_TYPES, (request, body)
    assert body["errors"], (request, body)
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}, (request, body)
        assert isinstance(error["code"], str), (request, body)
        assert isinstance(error["detail"], str), (request, body)
        assert error["attr"] is None or isinstance(error["attr"], str), (request, body)


# -- query strings

integers = st.one_of(
    st.integers(min_value=-3, max_value=200),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]),
)
odd_numbers = st.one_of(
    integers.map(str),
    st.sampled_from(
        ["", " 5", "+5", "1_0", "1e3", "0x10", "1.5", "NaN", "\u0663", "\uff15", "\x00", "%"]
    ),
)
short_text = st.text(max_size=20)
ascii_text = st.text(st.characters(max_codepoint=0x7F), max_size=20)
positions = st.one_of(odd_numbers, ascii_text, short_text, st.just("2026-01-01T00:00:00Z"))


@st.composite
def cursors(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["parts", "parts", "parts", "text", "bytes"]))
    if kind == "text":
        return draw(short_text)
    if kind == "bytes":
        return b64encode(draw(st.binary(max_size=40))).decode()
    # DRF's own fields: p (the position, mostly there), o (offset), r (reverse).
    required = draw(st.sampled_from([{"p": positions}, {"p": positions}, {}]))
    parts = draw(
        st.fixed_dictionaries(required, optional={"o": positions, "r": positions, "x": short_text})
    )
    encoded = "&".join(f"{key}={value}" for key, value in parts.items()).encode()
    cursor = b64encode(encoded).decode()
    # Sometimes mangled after encoding: padding dropped, a character changed.
    return draw(st.sampled_from([cursor, cursor.rstrip("="), cursor[:-1] + "!", cursor + "="]))


query_pairs = st.lists(
    st.one_of(
        st.tuples(st.just("cursor"), cursors()),
        st.tuples(st.just("limit"), odd_numbers),
        st.tuples(st.sampled_from(FILTERS), st.one_of(odd_numbers, short_text)),
        st.tuples(st.sampled_from(["format", "ordering", "page", "search"]), short_text),
        st.tuples(short_text, short_text),
    ),
    max_size=8,
)


@st.composite
def surplus_parameters(draw: st.DrawFn) -> list[tuple[str, str]]:
    # Around DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000): "a=&" is three bytes.
    count = draw(st.integers(min_value=990, max_value=1150))
    return [("a", "")] * count


def query_string(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


@FUZZ
@given(path=st.sampled_from(LISTS), pairs=query_pairs, signed_in=st.booleans())
def test_list_query_strings_never_fail_the_server(
    target: Target, path: str, pairs: list[tuple[str, str]], signed_in: bool
) -> None:
    query = query_string(pairs)[:MAX_QUERY]
    headers = target.user.authorization if signed_in else {}
    assert_answered(target.http.get(f"{path}?{query}", headers=headers))


@settings(FUZZ, max_examples=max(5, EXAMPLES // 15))
@given(
    path=st.sampled_from([*LISTS, "/api/events/{event}/", "/api/", "/api/health/live/"]),
    pairs=surplus_parameters(),
)
def test_surplus_query_parameters_never_fail_the_server(
    target: Target, path: str, pairs: list[tuple[str, str]]
) -> None:
    url = path.format(event=target.event)
    response = target.http.get(f"{url}?{query_string(pairs)}")
    assert_answered(response)
    if len(pairs) > 1000:
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "too_many_fields"


# -- headers

# A header value is visible ASCII with inner spaces (httpx sends nothing else).
printable = (
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def authorizations(draw: st.DrawFn, token: str) -> str:
    keyword = draw(st.sampled_from(["Token", "Bearer", "token", "BEARER", "Basic", ""]))
    credential = draw(
        st.sampled_from(
            [token, token[:-1], token + "0", f"{token} {token}", "", "0" * 40, "é".encode().hex()]
        )
        | printable
    )
    return f"{keyword} {credential}".strip()


@st.composite
def header_sets(draw: st.DrawFn, token: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["Authorization"] = draw(authorizations(token))
    if draw(st.booleans()):
        headers["Accept"] = draw(
            st.sampled_from(
                ["*/*", "application/json", "text/html", "application/xml", "image/png", "*/json"]
            )
            | printable
        )
    if draw(st.booleans()):
        headers["Content-Type"] = draw(
            st.sampled_from(
                [
                    "application/json",
                    "application/json; charset=latin-1",
                    "text/plain",
                    "multipart/form-data",
                    "application/x-www-form-urlencoded",
                ]
            )
            | printable
        )
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(printable)
    return headers


ROUTES = (
    ("GET", "/api/users/me/"),
    ("GET", "/api/events/{event}/"),
    ("POST", "/api/events/"),
    ("PATCH", "/api/scores/{score}/"),
    ("DELETE", "/api/auth/token/"),
    ("POST", "/api/auth/token/"),
    ("GET", "/api/remote-api-account/"),
    ("GET", "/api/follows/{follow}/"),
)


@FUZZ
@given(
    data=st.data(), route=st.sampled_from(ROUTES), body=st.sampled_from([b"", b"{}", b"[", b"{"])
)
def test_odd_headers_never_fail_the_server(
    target: Target, data: st.DataObject, route: tuple[str, str], body: bytes
) -> None:
    method, path = route
    headers = data.draw(header_sets(target.spare.token))
    url = path.format(event=target.event, score=target.score, follow=target.follow)
    assert_answered(target.http.request(method, url, content=body, headers=headers))


# -- bodies

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    integers,
    st.floats(allow_nan=False, allow_infinity=False),
    short_text,
    st.sampled_from(["", "   ", "\u00a0", "2026-02-30", "P1D", "00:00:-1", "99999999:00:00"]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(short_text, children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = {
    "/api/events/": ("title", "start_at", "end_at", "created_by", "id"),
    "/api/scores/": ("type", "value_points", "value_duration", "event", "owner"),
    "/api/point-scores/": ("value", "event", "type"),
    "/api/duration-scores/": ("value", "event"),
    "/api/follows/": ("to_user", "from_user", "created_at"),
    "/api/users/": ("username", "password"),
}
field_values = st.one_of(
    json_scalars,
    st.sampled_from(["points", "duration", "Points", "2026-01-01", "00:20:34", "PT20M34S"]),
    st.builds(lambda n: "x" * n, st.integers(min_value=150, max_value=300)),
    st.lists(json_scalars, max_size=2),
)


@st.composite
def bodies(draw: st.DrawFn, collection: str) -> Any:
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        return draw(json_values)
    names = st.sampled_from(FIELDS[collection]) | short_text
    return draw(st.dictionaries(names, field_values, max_size=5))


WRITES = (
    ("POST", "{collection}"),
    ("PUT", "{collection}{id}/"),
    ("PATCH", "{collection}{id}/"),
)


def instance_of(target: Target, collection: str) -> int:
    if collection == "/api/events/":
        return target.event
    if collection == "/api/follows/":
        return target.follow
    return target.score


@FUZZ
@given(data=st.data(), collection=st.sampled_from(tuple(FIELDS)), write=st.sampled_from(WRITES))
def test_odd_bodies_never_fail_the_server(
    target: Target, data: st.DataObject, collection: str, write: tuple[str, str]
) -> None:
    method, template = write
    body = data.draw(bodies(collection))
    url = template.format(collection=collection, id=instance_of(target, collection))
    if collection == "/api/users/":
        url = collection  # registration only: users have no PUT or PATCH
        method = "POST"
    content = json.dumps(body).encode()
    headers = {**target.user.authorization, "Content-Type": "application/json"}
    assert_answered(target.http.request(method, url, content=content, headers=headers))


@FUZZ
@given(raw=st.binary(max_size=200), collection=st.sampled_from(tuple(FIELDS)))
def test_bytes_that_are_not_json_never_fail_the_server(
    target: Target, raw: bytes, collection: str
) -> None:
    headers = {**target.user.authorization, "Content-Type": "application/json"}
    assert_answered(target.http.post(collection, content=raw, headers=headers))


# -- paths

ITEM_ROUTES = (
    "/api/events/{id}/",
    "/api/scores/{id}/",
    "/api/point-scores/{id}/",
    "/api/follows/{id}/",
    "/api/users/{id}/",
    "/api/users/{id}/followers/",
)


@FUZZ
@given(
    route=st.sampled_from(ITEM_ROUTES),
    item=st.one_of(odd_numbers, short_text).filter(lambda text: text not in {".", ".."}),
    method=st.sampled_from(["GET", "PUT", "PATCH", "DELETE", "POST"]),
)
def test_odd_ids_in_paths_never_fail_the_server(
    target: Target, route: str, item: str, method: str
) -> None:
    if method == "DELETE" and item.strip().isdigit():
        method = "GET"  # the other tests' rows stay
    url = route.format(id=quote(item, safe=""))
    headers = {**target.user.authorization, "Content-Type": "application/json"}
    assert_answered(target.http.request(method, url, content=b"{}", headers=headers))
