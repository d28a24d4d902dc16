from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.state import ProjectState
from django.db.models import Model
from django.test import TransactionTestCase

from accounts.models import User
from scoring.models import Event, Score, ScoreType
from social.models import Follow

DAY = dt.date(2026, 3, 1)


@contextmanager
def dropped(model: type[Model], *names: str) -> Iterator[None]:
    """The constraints are gone for the block, as in data that predates them."""
    constraints = [c for c in model._meta.constraints if c.name in names]
    assert len(constraints) == len(names)
    # As a migration does: SQLite rebuilds the table from the model's state,
    # which must no longer carry the constraint.
    state = ProjectState.from_apps(apps)
    for name in names:
        state.remove_constraint(model._meta.app_label, str(model._meta.model_name), name)
    without = state.apps.get_model(model._meta.label)
    with connection.schema_editor() as editor:
        for constraint in constraints:
            editor.remove_constraint(without, constraint)
    try:
        yield
    finally:
        model._base_manager.all().delete()
        with connection.schema_editor() as editor:
            for constraint in constraints:
                editor.add_constraint(model, constraint)


def run(*labels: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    try:
        call_command("find_constraint_violations", *labels, format="json", stdout=out)
    except CommandError as exc:
        return exc.returncode, json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


class FindConstraintViolationsTests(TransactionTestCase):
    def test_clean_data_exits_zero(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")
        Follow.objects.create(from_user=alice, to_user=bob)
        Event.objects.create(title="t")

        out = io.StringIO()
        call_command("find_constraint_violations", stdout=out)

        assert out.getvalue().strip() == "No rows break a constraint."

    def test_finds_self_follows_and_duplicate_follows(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")
        with dropped(
            Follow, "social_follow_prevent_self_follow", "social_follow_unique_relationships"
        ):
            self_follow = Follow.objects.create(from_user=alice, to_user=alice)
            first = Follow.objects.create(from_user=alice, to_user=bob)
            second = Follow.objects.create(from_user=alice, to_user=bob)
            Follow.objects.create(from_user=bob, to_user=alice)

            status, findings = run("social.Follow")

        assert status == 1
        assert findings == [
            {
                "model": "social.Follow",
                "constraint": "social_follow_unique_relationships",
                "kind": "unique",
                "count": 2,
                "rows": [],
                "groups": [
                    {
                        "values": {"from_user": alice.pk, "to_user": bob.pk},
                        "rows": [first.pk, second.pk],
                    }
                ],
            },
            {
                "model": "social.Follow",
                "constraint": "social_follow_prevent_self_follow",
                "kind": "check",
                "count": 1,
                "rows": [self_follow.pk],
                "groups": [],
            },
        ]

    def test_equal_null_dates_are_duplicates_and_field_checks_are_found(self) -> None:
        with dropped(Event, "scoring_event_unique_event_dates", "scoring_event_title_not_empty"):
            a = Event.objects.create(title="a")
            b = Event.objects.create(title="")
            c = Event.objects.create(title="c", start_at=DAY)
            d = Event.objects.create(title="d", start_at=DAY)
            Event.objects.create(title="e", start_at=DAY, end_at=DAY + dt.timedelta(days=1))
            f = Event.objects.create(title=" \t\u00a0", start_at=DAY + dt.timedelta(days=2))

            status, findings = run("scoring")

        by_name = {f["constraint"]: f for f in findings}
        assert status == 1
        assert set(by_name) == {"scoring_event_unique_event_dates", "scoring_event_title_not_empty"}
        assert by_name["scoring_event_title_not_empty"]["rows"] == [b.pk, f.pk]
        groups = by_name["scoring_event_unique_event_dates"]["groups"]
        assert sorted(g["rows"] for g in groups) == [[a.pk, b.pk], [c.pk, d.pk]]

    def test_null_passes_a_check(self) -> None:
        # start_at < end_at is unknown with a NULL: the CHECK lets it pass, and so
        # does the data check; only a false condition is a violation.
        with dropped(Event, "scoring_event_start_at_before_end_at"):
            Event.objects.create(title="open", start_at=DAY)
            bad = Event.objects.create(title="reversed", start_at=DAY, end_at=DAY)

            status, findings = run("scoring.Event")

        assert status == 1
        assert [(f["constraint"], f["rows"]) for f in findings] == [
            ("scoring_event_start_at_before_end_at", [bad.pk])
        ]

    def test_generated_type_check_is_found(self) -> None:
        owner = User.objects.create_user("owner")
        with dropped(Score, "scoring_score_value_matches_type"):
            Score.objects.create(owner=owner, type=ScoreType.POINTS, value_points=1)
            bad = Score.objects.create(
                owner=owner, type=ScoreType.POINTS, value_duration=dt.timedelta(1)
            )

            status, findings = run("scoring.Score")

        assert status == 1
        assert [(f["constraint"], f["rows"]) for f in findings] == [
            ("scoring_score_value_matches_type", [bad.pk])
        ]

    def test_unknown_label_is_an_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "No installed app with label 'nope'"):
            call_command("find_constraint_violations", "nope")


class LargeFindingTests(TransactionTestCase):
    def test_count_is_every_row_and_the_sample_is_twenty(self) -> None:
        users = User.objects.bulk_create(User(username=f"u{i}") for i in range(25))
        with dropped(Follow, "social_follow_prevent_self_follow"):
            Follow.objects.bulk_create(Follow(from_user=u, to_user=u) for u in users)

            status, findings = run("social.Follow")

        assert status == 1
        assert [(f["count"], len(f["rows"])) for f in findings] == [(25, 20)]
