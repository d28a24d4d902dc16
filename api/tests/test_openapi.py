from __future__ import annotations

from functools import cache
from typing import Any

from django.test import SimpleTestCase
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@cache
def schema() -> dict[str, Any]:
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    generated: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return generated


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def documented_400(operation: dict[str, Any]) -> set[tuple[str, str]]:
    """The (attr, code) pairs the operation's 400 lists."""
    body = resolve(operation["responses"]["400"]["content"]["application/json"]["schema"])
    found: set[tuple[str, str]] = set()
    for variant in body.get("oneOf", [body]):
        error = resolve(resolve(variant)["properties"]["errors"]["items"])
        # A batch's row errors are anyOf: no attr value dispatches them.
        for component in error.get("oneOf", error.get("anyOf", [error])):
            properties = resolve(component)["properties"]
            attrs = properties["attr"].get("enum", [])
            if properties["attr"].get("pattern") == "^[0-9]+$":
                attrs = ["<index>"]  # a batch's whole row
            for attr in attrs:
                code = resolve(properties["code"])
                found.update((attr, each) for each in code.get("enum", []))
    return found


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in schema()["paths"].items()
        for method in METHODS
        if method in item
    ]


class OpenAPITests(SimpleTestCase):
    def test_every_operation_documents_too_many_fields(self) -> None:
        for path, method, operation in operations():
            assert ("non_field_errors", "too_many_fields") in documented_400(operation), (
                path,
                method,
            )

    def test_every_paged_list_documents_its_cursor_and_limit_codes(self) -> None:
        lists = [
            (path, operation)
            for path, method, operation in operations()
            if method == "get"
            and any(p["name"] == "cursor" for p in operation.get("parameters", []))
        ]

        assert len(lists) == 8
        for path, operation in lists:
            codes = documented_400(operation)
            assert {("cursor", "invalid_cursor"), ("limit", "invalid")} <= codes, path
            limit = next(p for p in operation["parameters"] if p["name"] == "limit")
            assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)

    def test_every_201_names_its_location(self) -> None:
        created = [
            (path, method, operation["responses"]["201"])
            for path, method, operation in operations()
            if "201" in operation["responses"]
        ]
        singles = [(p, m, r) for p, m, r in created if not p.endswith("/bulk/")]

        assert len(singles) == 8
        for path, method, response in singles:
            assert response["headers"]["Location"]["schema"]["format"] == "uri", (path, method)

    def test_a_batch_201_names_no_location(self) -> None:
        batches = [op for path, _, op in operations() if path.endswith("/bulk/")]

        assert len(batches) == 4
        for operation in batches:
            assert "Location" not in operation["responses"]["201"].get("headers", {})

    def test_token_revocation_and_bearer_tokens_are_documented(self) -> None:
        revoke = schema()["paths"]["/api/auth/token/"]["delete"]

        assert "204" in revoke["responses"]
        assert "401" in revoke["responses"]
        assert {"tokenAuth": []} in revoke["security"]
        assert {"bearerAuth": []} in revoke["security"]
        assert schema()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
