from __future__ import annotations

from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from integrity import BatchRefused, insert_batch
from integrity.tests.constraint_models.models import Child, Gauge, Parent

UNKNOWN_PARENT = 2_000_000_000


def child(parent_id: int, code: str, label: str, rank: int = 1) -> Child:
    return Child(parent_id=parent_id, code=code, label=label, rank=rank)


def refused(batch: list[Child]) -> list[tuple[int, str | None]]:
    try:
        insert_batch(Child, batch)
    except BatchRefused as exc:
        return [(row.index, row.rule.code if row.rule else None) for row in exc.rows]
    raise AssertionError("the batch was not refused")


class InsertBatchTests(TestCase):
    parent: Parent

    @classmethod
    def setUpTestData(cls) -> None:
        cls.parent = Parent.objects.create(name="p")

    def test_valid_batch_is_stored_with_its_keys(self) -> None:
        rows = insert_batch(Gauge, [Gauge(level=1), Gauge(level=2)])

        assert [row.pk for row in rows] == list(
            Gauge.objects.order_by("pk").values_list("pk", flat=True)
        )

    def test_every_refused_row_is_named_by_its_rule_and_nothing_is_kept(self) -> None:
        child(self.parent.pk, "taken", "x").save()
        batch = [
            child(self.parent.pk, "a", "a"),
            child(self.parent.pk, "b", "b", rank=0),  # CHECK
            child(self.parent.pk, "taken", "c", rank=2),  # UNIQUE against a stored row
            child(self.parent.pk, "d", "a"),  # partial UNIQUE against row 0
            child(self.parent.pk, "A", "e"),  # expression UNIQUE against row 0
            child(UNKNOWN_PARENT, "f", "f"),  # foreign key
        ]

        assert refused(batch) == [
            (1, "constraint_models_child_rank_positive"),
            (2, "constraint_models_child_unique_parent_code"),
            (3, "constraint_models_child_one_active_label"),
            (4, "constraint_models_child_unique_code_rank_ci"),
            (5, "does_not_exist"),
        ]
        assert list(Child.objects.values_list("code", flat=True)) == ["taken"]
        assert all(row.pk is None for row in batch)

    def test_refused_batch_can_be_corrected_and_sent_again(self) -> None:
        batch = [child(self.parent.pk, "a", "a"), child(self.parent.pk, "a", "b")]
        refused(batch)
        batch[1].code = "b"

        insert_batch(Child, batch)

        assert sorted(Child.objects.values_list("code", flat=True)) == ["a", "b"]


class InsertBatchStatementTests(TransactionTestCase):
    def test_search_for_refused_rows_is_bounded_per_row(self) -> None:
        parent = Parent.objects.create(name="p")
        batch = [child(parent.pk, f"c{n}", f"l{n}", rank=n % 2) for n in range(50)]

        with CaptureQueriesContext(connection) as queries:
            assert len(refused(batch)) == 25

        # The refused INSERT in its own transaction, then at most 4 per row, 3 more
        # per refused row (its judgement, in a savepoint) and 5 more.
        assert len(queries) <= 3 + 4 * len(batch) + 3 * 25 + 5
