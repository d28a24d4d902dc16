"""integrity.operations on the test models, on the installed package's Django."""

from __future__ import annotations

import pytest
from django.test import TransactionTestCase

from integrity.datacheck import find_violations
from integrity.operations import (
    AddCheckConstraintNotValid,
    AddUniqueConstraintConcurrently,
    CleanViolations,
    RowsBreakRule,
    ValidateConstraint,
)
from integrity.tests.constraint_models.models import Child, Parent
from integrity.tests.live import constraint_of, in_database, live_table, refused

RANK = "constraint_models_child_rank_positive"
ACTIVE_LABEL = "constraint_models_child_one_active_label"


class OperationsTests(TransactionTestCase):
    def setUp(self) -> None:
        self.parent = Parent.objects.create(name="p")

    def child(self, code: str, rank: int = 1, label: str = "", active: bool = True) -> Child:
        return Child.objects.create(
            parent=self.parent, code=code, rank=rank, label=label or code, active=active
        )

    def test_check_not_valid_then_fixed_then_validated(self) -> None:
        with live_table(Child, RANK) as table:
            self.child("a", rank=0)
            self.child("b", rank=-1)
            self.child("c", rank=3)

            table.migrate(AddCheckConstraintNotValid("child", constraint_of(Child, RANK)))
            assert refused(lambda: self.child("d", rank=0)) == RANK
            with pytest.raises(RowsBreakRule, match=f"{RANK}: 2 rows"):
                table.migrate(ValidateConstraint("child", RANK))
            table.migrate(
                CleanViolations("child", RANK, update={"rank": 1}, batch_size=1),
                ValidateConstraint("child", RANK),
            )

            assert sorted(Child.objects.values_list("code", "rank")) == [
                ("a", 1),
                ("b", 1),
                ("c", 3),
            ]

    def test_partial_unique_built_concurrently(self) -> None:
        with live_table(Child, ACTIVE_LABEL) as table:
            kept = self.child("a", label="x")
            self.child("b", label="x")
            self.child("c", label="x", active=False)
            add = AddUniqueConstraintConcurrently("child", constraint_of(Child, ACTIVE_LABEL))

            with pytest.raises(RowsBreakRule, match=f"{ACTIVE_LABEL}: 2 rows"):
                table.migrate(add)
            assert not in_database(Child, ACTIVE_LABEL)
            table.migrate(CleanViolations("child", constraint_of(Child, ACTIVE_LABEL)), add)

            assert in_database(Child, ACTIVE_LABEL)
            assert list(find_violations(Child)) == []
            assert kept.pk in set(Child.objects.values_list("pk", flat=True))
            assert refused(lambda: self.child("d", label="x")) == ACTIVE_LABEL
            assert refused(lambda: self.child("e", label="x", active=False)) is None
