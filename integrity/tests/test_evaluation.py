"""broken_rules: every rule a row breaks, as the database judges it, on either database."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from integrity import broken_rules
from integrity.tests.constraint_models.models import Child, Parent, Window

UNKNOWN_PARENT = 2_000_000_000


def codes(instance: Child | Window, fields: set[str] | None = None) -> list[str]:
    return [b.rule.code for b in broken_rules(instance, fields=fields) if b.rule is not None]


class BrokenRulesTests(TestCase):
    parent: Parent

    @classmethod
    def setUpTestData(cls) -> None:
        cls.parent = Parent.objects.create(name="p")
        Child.objects.create(parent=cls.parent, code="taken", label="used", rank=1)

    def test_every_kind_of_rule_in_declaration_order_in_one_select(self) -> None:
        row = Child(parent_id=UNKNOWN_PARENT, code="taken", label="used", rank=0)

        with CaptureQueriesContext(connection) as queries:
            found = codes(row)

        assert found == [
            "constraint_models_child_rank_positive",
            "constraint_models_child_one_active_label",
            "does_not_exist",
        ]
        # Inside a transaction (this test's), in a savepoint of its own.
        assert [q["sql"].split()[0] for q in queries.captured_queries] == [
            "SAVEPOINT",
            "SELECT",
            "RELEASE",
        ]

    def test_a_collision_names_the_stored_row_and_an_update_does_not_collide_with_itself(
        self,
    ) -> None:
        stored = Child.objects.get(code="taken")
        row = Child(parent=self.parent, code="taken", label="other", rank=2)

        assert [(b.rule and b.rule.code, b.other) for b in broken_rules(row)] == [
            ("constraint_models_child_unique_parent_code", stored.pk)
        ]
        assert codes(stored) == []

    def test_a_partial_unique_covers_only_rows_that_meet_its_condition(self) -> None:
        row = Child(parent=self.parent, code="new", label="used", rank=1, active=False)

        assert codes(row) == []

    def test_nulls_collide_only_where_the_rule_says_not_distinct(self) -> None:
        Window.objects.create(opens=None, closes=None)

        assert codes(Window(opens=None, closes=None)) == ["constraint_models_window_unique_dates"]
        later = Window(opens=dt.date(2026, 1, 2), closes=dt.date(2026, 1, 1))
        assert codes(later) == ["window_order"]

    def test_fields_limits_the_rules_judged(self) -> None:
        row = Child(parent_id=UNKNOWN_PARENT, code="x", label="y", rank=0)

        assert codes(row, fields={"rank"}) == ["constraint_models_child_rank_positive"]

    def test_a_value_its_column_cannot_take_is_left_unjudged_not_raised(self) -> None:
        row = Child(parent=self.parent, code="x", label="y", rank="many")

        assert broken_rules(row) == []
