from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("scoring", "0001_initial")]
AFTER = [("scoring", "0003_event_created_by")]


class EventMigrationTests(TransactionTestCase):
    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_blank_titles_are_renamed_creators_left_unset_then_the_rule_holds(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        User = old_apps.get_model("accounts", "User")
        Event = old_apps.get_model("scoring", "Event")
        Score = old_apps.get_model("scoring", "Score")
        owner = User.objects.create(username="owner")
        blank = Event.objects.create(title="   ", start_at="2026-01-01")
        tabbed = Event.objects.create(title="\t\u00a0", start_at="2026-01-02")
        kept = Event.objects.create(title=" Final ", start_at="2026-01-03")
        score = Score.objects.create(owner=owner, type=1, value_points=1, event=blank)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        new_apps = executor.loader.project_state(AFTER).apps
        Event = new_apps.get_model("scoring", "Event")
        Score = new_apps.get_model("scoring", "Score")
        titles = dict(Event.objects.values_list("pk", "title"))
        assert titles == {
            blank.pk: "Untitled event",
            tabbed.pk: "Untitled event",
            kept.pk: " Final ",
        }
        # Renamed, not deleted: the event's scores stay.
        assert Score.objects.get(pk=score.pk).event_id == blank.pk
        assert set(Event.objects.values_list("created_by", flat=True)) == {None}
        with (
            self.assertRaisesMessage(IntegrityError, "scoring_event_title_not_empty"),
            transaction.atomic(),
        ):
            Event.objects.create(title=" \n ")
