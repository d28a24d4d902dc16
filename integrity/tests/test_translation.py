from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from integrity.tests.constraint_models.models import Child, Parent, Singleton
from integrity.tests.constraint_models.views import (
    ChildViewSet,
    ParentViewSet,
    SingletonViewSet,
    UntranslatedChildViewSet,
)

factory = APIRequestFactory()


def post(viewset: Any, data: dict[str, Any]) -> Response:
    view = viewset.as_view({"post": "create"})
    response: Response = view(factory.post("/", data, format="json"))
    response.render()
    return response


def patch(viewset: Any, pk: int, data: dict[str, Any]) -> Response:
    view = viewset.as_view({"patch": "partial_update"})
    response: Response = view(factory.patch("/", data, format="json"), pk=pk)
    response.render()
    return response


def errors(response: Response) -> list[tuple[str, str | None]]:
    assert response.data["type"] == "validation_error"
    return [(error["code"], error["attr"]) for error in response.data["errors"]]


class RawInsertView(APIView):
    authentication_classes = ()
    permission_classes = ()

    def post(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO undeclared_rule (x) VALUES (-1)")
        return Response(status=201)


class ConstraintTranslationTests(TestCase):
    parent: Parent

    @classmethod
    def setUpTestData(cls) -> None:
        cls.parent = Parent.objects.create(name="p")

    def child(self, **overrides: Any) -> dict[str, Any]:
        return {"parent": self.parent.pk, "code": "a", "label": "l", "rank": 1, **overrides}

    def assert_transaction_usable(self) -> None:
        count = Child.objects.count()
        response = post(ChildViewSet, self.child(code="fresh", label="fresh", rank=99))
        assert response.status_code == 201, response.data
        assert Child.objects.count() == count + 1

    def test_named_check_is_400_with_constraint_name_on_its_field(self) -> None:
        response = post(ChildViewSet, self.child(rank=0))

        assert response.status_code == 400
        assert errors(response) == [("constraint_models_child_rank_positive", "rank")]
        assert response.data["errors"][0]["detail"] == "Rank must be positive."
        self.assert_transaction_usable()

    def test_multi_column_unique_attaches_to_declared_attr(self) -> None:
        assert post(ChildViewSet, self.child()).status_code == 201

        response = post(ChildViewSet, self.child(label="other", rank=2))

        assert response.status_code == 400
        assert errors(response) == [("constraint_models_child_unique_parent_code", "code")]
        assert Child.objects.filter(code="a").count() == 1
        self.assert_transaction_usable()

    def test_conditional_unique_only_applies_where_condition_holds(self) -> None:
        assert post(ChildViewSet, self.child(code="x", label="same", rank=1)).status_code == 201
        inactive = post(ChildViewSet, self.child(code="y", label="same", rank=2, active=False))
        assert inactive.status_code == 201

        response = post(ChildViewSet, self.child(code="z", label="same", rank=3))

        assert response.status_code == 400
        assert errors(response) == [("constraint_models_child_one_active_label", "label")]
        self.assert_transaction_usable()

    def test_expression_unique_involving_several_fields_is_non_field(self) -> None:
        other = Parent.objects.create(name="q")
        assert post(ChildViewSet, self.child(code="AB", label="1")).status_code == 201

        response = post(ChildViewSet, self.child(parent=other.pk, code="ab", label="2"))

        assert response.status_code == 400
        assert errors(response) == [
            ("constraint_models_child_unique_code_rank_ci", "non_field_errors")
        ]
        self.assert_transaction_usable()

    def test_unique_field_keeps_drf_code_and_message(self) -> None:
        response = post(ParentViewSet, {"name": "p"})

        assert response.status_code == 400
        assert errors(response) == [("unique", "name")]
        assert response.data["errors"][0]["detail"] == "Parent with this Name already exists."
        self.assert_transaction_usable()

    def test_primary_key_conflict_is_unique_on_the_key(self) -> None:
        response = post(ParentViewSet, {"id": self.parent.pk, "name": "new"})

        assert response.status_code == 400
        assert errors(response) == [("unique", "id")]
        self.assert_transaction_usable()

    def test_primary_key_conflict_of_a_pinned_key_is_the_pinning_check(self) -> None:
        Singleton.objects.create(id=1)

        # PostgreSQL's sequence still says 1 (a primary-key conflict); SQLite
        # picks 2 (the CHECK). Both are the same rule and the same answer.
        response = post(SingletonViewSet, {"value": 2})

        assert response.status_code == 400
        assert errors(response) == [("constraint_models_singleton_single_instance", "id")]
        assert Singleton.objects.count() == 1

    def test_unknown_foreign_key_is_400_does_not_exist(self) -> None:
        response = post(ChildViewSet, self.child(parent=987654))

        assert response.status_code == 400
        assert errors(response) == [("does_not_exist", "parent")]
        assert not Child.objects.exists()
        self.assert_transaction_usable()

    def test_foreign_key_beyond_64_bits_is_400_not_a_database_error(self) -> None:
        response = post(ChildViewSet, self.child(parent=2**70))

        assert response.status_code == 400
        assert errors(response) == [("does_not_exist", "parent")]

    def test_not_null_column_is_400_null(self) -> None:
        response = post(ChildViewSet, self.child(label=None))

        assert response.status_code == 400
        assert errors(response) == [("null", "label")]
        self.assert_transaction_usable()

    def test_update_violating_check_is_translated(self) -> None:
        child = Child.objects.create(parent=self.parent, code="c", label="c", rank=5)

        response = patch(ChildViewSet, child.pk, {"rank": -3})

        assert response.status_code == 400
        assert errors(response) == [("constraint_models_child_rank_positive", "rank")]
        child.refresh_from_db()
        assert child.rank == 5
        self.assert_transaction_usable()

    def test_violation_escaping_a_view_is_translated_by_the_exception_handler(self) -> None:
        response = post(UntranslatedChildViewSet, self.child(rank=0))

        assert response.status_code == 400
        assert errors(response) == [("constraint_models_child_rank_positive", "rank")]

    def test_undeclared_constraint_is_generic_400_without_database_text(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE undeclared_rule "
                "(x integer CONSTRAINT undeclared_rule_x_positive CHECK (x > 0))"
            )
        view = RawInsertView.as_view()

        with self.assertLogs("integrity.violations", "WARNING") as logs:
            response = view(factory.post("/", {}, format="json"))
        response.render()

        assert response.status_code == 400
        assert errors(response) == [("constraint_violation", "non_field_errors")]
        body = response.content.decode()
        assert "undeclared" not in body
        assert "CHECK" not in body
        assert "undeclared_rule_x_positive" in logs.output[0]

    def test_create_is_one_insert_and_no_select(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = post(ChildViewSet, self.child())

        assert response.status_code == 201
        statements = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
        assert statements.count("INSERT") == 1
        assert "SELECT" not in statements
        assert "UPDATE" not in statements


class ORMTests(TestCase):
    def test_orm_check_violation_names_the_constraint(self) -> None:
        parent = Parent.objects.create(name="p")
        with self.assertRaisesMessage(IntegrityError, "constraint_models_child_rank_positive"):
            Child.objects.create(parent=parent, code="a", label="l", rank=0)


class OutermostWriteTests(TransactionTestCase):
    """As in production: no request transaction around the write's own."""

    def test_unknown_foreign_key_found_at_commit_is_400(self) -> None:
        response = post(ChildViewSet, {"parent": 424242, "code": "a", "label": "l", "rank": 1})

        assert response.status_code == 400
        assert errors(response) == [("does_not_exist", "parent")]
        assert not Child.objects.exists()

    def test_check_violation_is_400_and_the_connection_usable(self) -> None:
        parent = Parent.objects.create(name="p")

        response = post(ChildViewSet, {"parent": parent.pk, "code": "a", "label": "l", "rank": 0})

        assert errors(response) == [("constraint_models_child_rank_positive", "rank")]
        assert Child.objects.count() == 0
