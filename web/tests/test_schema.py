"""The OpenAPI document tells a client what the service answers, as the service answers it."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from rest_framework.test import APIClient, APITestCase

from accounts.models import User

LIMIT = 1_000


def schema() -> dict[str, Any]:
    # The document as a client reads it from the service.
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def parameter_names(operation: dict[str, Any]) -> set[str]:
    return {parameter["name"] for parameter in operation.get("parameters", [])}


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rpartition("/")[2]]
    return node


def documented_codes(
    document: dict[str, Any], response: dict[str, Any], kind: str = ""
) -> set[str]:
    """The error codes a response documents (of one `type`, where it has several)."""
    body = resolve(document, response["content"]["application/json"]["schema"])
    if "discriminator" in body:
        body = resolve(document, {"$ref": body["discriminator"]["mapping"][kind]})
    error = resolve(document, body["properties"]["errors"]["items"])
    return set(resolve(document, error["properties"]["code"])["enum"])


def documented_400(document: dict[str, Any], operation: dict[str, Any]) -> set[tuple[str, str]]:
    """The (attr, code) pairs an operation's 400 lists."""
    body = resolve(document, operation["responses"]["400"]["content"]["application/json"]["schema"])
    found: set[tuple[str, str]] = set()
    for variant in body.get("oneOf", [body]):
        error = resolve(document, resolve(document, variant)["properties"]["errors"]["items"])
        # A batch's row errors are anyOf: no attr value dispatches them.
        for component in error.get("oneOf", error.get("anyOf", [error])):
            properties = resolve(document, component)["properties"]
            attrs = properties["attr"].get("enum", [])
            if properties["attr"].get("pattern") == "^[0-9]+$":
                attrs = ["<index>"]  # a batch's whole row
            codes = resolve(document, properties["code"]).get("enum", [])
            found.update((attr, code) for attr in attrs for code in codes)
    return found


class OversizedBodyTests(APITestCase):
    def test_every_operation_that_takes_a_body_documents_413(self) -> None:
        document = schema()

        for method, path, operation in operations(document):
            with self.subTest(f"{method} {path}"):
                responses = operation["responses"]
                assert ("413" in responses) == ("requestBody" in operation), sorted(responses)
                if "413" in responses:
                    codes = documented_codes(document, responses["413"])
                    assert codes == {"request_too_large"}

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
    def test_each_create_answers_the_documented_413(self) -> None:
        document = schema()
        creates = [
            (path, operation)
            for method, path, operation in operations(document)
            if method == "POST" and "requestBody" in operation and "{" not in path
        ]
        assert len(creates) >= 5, creates
        self.client.force_authenticate(User.objects.create_user("staff", is_staff=True))
        body = '{"title": "' + "x" * 2 * LIMIT + '"}'

        for path, operation in creates:
            with self.subTest(path):
                response = self.client.generic("POST", path, body, content_type="application/json")

                assert response.status_code == 413, response.content[:300]
                assert "413" in operation["responses"]
                assert response.json()["errors"][0]["code"] in documented_codes(
                    document, operation["responses"]["413"]
                )


class QueryStringTests(APITestCase):
    def test_every_paged_list_documents_its_cursor_and_limit_codes(self) -> None:
        document = schema()
        lists = [
            (path, operation)
            for method, path, operation in operations(document)
            if method == "GET" and {"cursor", "limit"} <= parameter_names(operation)
        ]
        assert len(lists) >= 7, [path for path, _ in lists]

        for path, operation in lists:
            with self.subTest(path):
                refusal = operation["responses"]["400"]
                body = resolve(document, refusal["content"]["application/json"]["schema"])
                variant = resolve(
                    document, {"$ref": body["discriminator"]["mapping"]["validation_error"]}
                )
                errors = resolve(document, variant["properties"]["errors"]["items"])
                by_attr = {}
                for each in errors["oneOf"]:
                    component = resolve(document, each)["properties"]
                    by_attr[component["attr"]["enum"][0]] = set(component["code"]["enum"])
                assert by_attr["cursor"] == {"invalid_cursor"}
                assert by_attr["limit"] == {"invalid"}
                # Too many query parameters: a validation error of the request as a whole.
                assert "too_many_fields" in by_attr["non_field_errors"]
                limit = next(p for p in operation["parameters"] if p["name"] == "limit")
                assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)

    def test_every_operation_documents_too_many_fields(self) -> None:
        document = schema()
        for method, path, operation in operations(document):
            with self.subTest(f"{method} {path}"):
                assert ("non_field_errors", "too_many_fields") in documented_400(
                    document, operation
                )


class CreatedTests(APITestCase):
    def test_every_201_names_its_location(self) -> None:
        document = schema()
        singles = [
            (method, path, operation["responses"]["201"])
            for method, path, operation in operations(document)
            if "201" in operation["responses"] and not path.endswith("/bulk/")
        ]

        assert len(singles) == 8
        for method, path, response in singles:
            assert response["headers"]["Location"]["schema"]["format"] == "uri", (method, path)

    def test_a_batch_201_names_no_location(self) -> None:
        batches = [op for _, path, op in operations(schema()) if path.endswith("/bulk/")]

        assert len(batches) == 4
        for operation in batches:
            assert "Location" not in operation["responses"]["201"].get("headers", {})

    def test_token_revocation_and_bearer_tokens_are_documented(self) -> None:
        document = schema()
        revoke = document["paths"]["/api/auth/token/"]["delete"]

        assert "204" in revoke["responses"]
        assert "401" in revoke["responses"]
        assert {"tokenAuth": []} in revoke["security"]
        assert {"bearerAuth": []} in revoke["security"]
        assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


class OperationTests(APITestCase):
    def test_every_operation_has_a_summary_a_tag_and_a_security_requirement(self) -> None:
        document = schema()
        tags = {tag["name"] for tag in document["tags"]}

        for method, path, operation in operations(document):
            with self.subTest(f"{method} {path}"):
                assert operation.get("summary"), operation["operationId"]
                assert set(operation["tags"]) <= tags, operation["tags"]
                assert "security" in operation, operation["operationId"]

    def test_operations_anyone_may_call_need_no_credentials(self) -> None:
        # Swagger UI shows a lock on exactly the operations that need a token.
        paths = schema()["paths"]

        assert paths["/api/follows/"]["get"]["security"] == []
        assert paths["/api/users/"]["post"]["security"] == []
        assert paths["/api/health/live/"]["get"]["security"] == []
        assert {"tokenAuth": []} in paths["/api/follows/"]["post"]["security"]
        assert {"tokenAuth": []} in paths["/api/users/me/"]["get"]["security"]
        assert {} not in paths["/api/users/me/"]["get"]["security"]
        # A public operation still answers 401 to a wrong token.
        assert "401" in paths["/api/follows/"]["get"]["responses"]

    def test_servers_name_the_host_that_serves_the_schema(self) -> None:
        assert schema()["servers"] == [
            {"url": "/", "description": "The host that serves this schema"}
        ]


class RefusalTests(APITestCase):
    def test_a_host_the_service_does_not_serve_answers_a_documented_400(self) -> None:
        document = schema()
        operation = document["paths"]["/api/users/"]["get"]

        response = self.client.get("/api/users/", HTTP_HOST="elsewhere.example")

        assert response.status_code == 400
        body = response.json()
        assert body["type"] == "client_error"
        assert body["errors"][0]["code"] in documented_codes(
            document, operation["responses"]["400"], body["type"]
        )

    def test_a_signed_in_browser_without_its_csrf_token_gets_the_documented_403(self) -> None:
        document = schema()
        operation = document["paths"]["/api/users/"]["post"]
        browser = APIClient(enforce_csrf_checks=True)
        browser.force_login(User.objects.create_user("signed-in"))

        response = browser.post("/api/users/", {"username": "new", "password": "x" * 20})

        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] in documented_codes(
            document, operation["responses"]["403"]
        )
