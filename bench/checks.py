"""One request per route before the load: the right status, and the 400's constraint code."""

from __future__ import annotations

from typing import Any

import httpx

from bench.routes import BULK_ROWS, FOLLOW, FOLLOW_BULK, REMOTE_PUT, Accounts, Call, Route, call


def send(http: httpx.Client, request: Call) -> httpx.Response:
    return http.request(request.method, request.path, headers=request.headers, json=request.json)


def preflight(base_url: str, accounts: Accounts, routes: tuple[Route, ...]) -> list[str]:
    """Problems found (empty when every route answers as expected)."""
    problems: list[str] = []
    with httpx.Client(base_url=base_url, timeout=10) as http:
        for route in routes:
            request = call(route, accounts)
            expected = route.expected
            if route is FOLLOW:
                # A pair outside the writers' pairs: the staff user follows writer 0.
                request = Call(
                    request.method,
                    request.path,
                    {"Authorization": f"Token {accounts.staff.token}"},
                    {"to_user": accounts.writers[0].id},
                )
            if route is FOLLOW_BULK:
                # Pairs outside the writers' pairs too: the staff user follows writers 1-100.
                request = Call(
                    request.method,
                    request.path,
                    {"Authorization": f"Token {accounts.staff.token}"},
                    [{"to_user": w.id} for w in accounts.writers[1 : 1 + BULK_ROWS]],
                )
            if route is REMOTE_PUT:
                # The first PUT creates the singleton row; the load then replaces it.
                problems += _check(route, send(http, request), 201, None)
            problems += _check(route, send(http, request), expected, route.error_code)
    return problems


def _check(route: Route, response: httpx.Response, status: int, code: str | None) -> list[str]:
    where = f"{route.method} {route.path}"
    if response.status_code != status:
        return [f"{where}: {response.status_code} (expected {status}): {response.text[:400]}"]
    if code is None:
        return []
    body: Any = response.json()
    codes = [error.get("code") for error in body.get("errors", [])]
    if codes != [code]:
        return [f"{where}: error codes {codes} (expected [{code!r}]): {response.text[:400]}"]
    return []
