"""
Rules added to tables that hold rows (integrity.operations, integrity.cleanup),
run as ``migrate`` runs a migration with ``atomic = False``.
"""

from __future__ import annotations

import datetime as dt
import io

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.db.migrations import Migration
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddConstraint, CreateModel
from django.db.migrations.operations.base import Operation
from django.db.models import CheckConstraint, Q
from django.test import TransactionTestCase

from accounts.models import User
from integrity.checks import migration_warnings
from integrity.cleanup import clean_violations
from integrity.datacheck import find_violations
from integrity.operations import (
    AddCheckConstraintNotValid,
    AddUniqueConstraintConcurrently,
    CleanViolations,
    RowsBreakRule,
    ValidateConstraint,
)
from integrity.tests.live import constraint_of, in_database, live_table, refused
from scoring.models import Event
from social.models import Follow

SELF_FOLLOW = "social_follow_prevent_self_follow"
UNIQUE_FOLLOW = "social_follow_unique_relationships"
EVENT_DATES = "scoring_event_unique_event_dates"
TITLE = "scoring_event_title_not_empty"
DAY = dt.date(2026, 3, 1)


class CheckAddedToLiveTableTests(TransactionTestCase):
    def setUp(self) -> None:
        self.alice = User.objects.create_user("alice")
        self.bob = User.objects.create_user("bob")

    def follow(self, a: User, b: User) -> Follow:
        return Follow.objects.create(from_user=a, to_user=b)

    def test_new_writes_are_checked_at_once_old_rows_when_validated(self) -> None:
        with live_table(Follow, SELF_FOLLOW) as table:
            old = [self.follow(self.alice, self.alice), self.follow(self.bob, self.bob)]
            kept = self.follow(self.alice, self.bob)

            table.migrate(AddCheckConstraintNotValid("follow", constraint_of(Follow, SELF_FOLLOW)))

            # In force for new writes; the rows written before it are still there.
            assert refused(lambda: self.follow(self.bob, self.bob)) == SELF_FOLLOW
            assert set(Follow.objects.values_list("pk", flat=True)) == {
                *(f.pk for f in old),
                kept.pk,
            }

            with pytest.raises(RowsBreakRule) as failed:
                table.migrate(ValidateConstraint("follow", SELF_FOLLOW))
            assert failed.value.constraint_name == SELF_FOLLOW
            assert failed.value.count == 2
            assert f"{SELF_FOLLOW}: 2 rows of social.Follow break the rule" in str(failed.value)
            # A failed validation leaves the rule in force for new writes.
            assert refused(lambda: self.follow(self.alice, self.alice)) == SELF_FOLLOW

            table.migrate(
                CleanViolations("follow", SELF_FOLLOW, batch_size=1),
                ValidateConstraint("follow", SELF_FOLLOW),
            )

            assert list(Follow.objects.values_list("pk", flat=True)) == [kept.pk]
            assert list(find_violations(Follow)) == []
            assert in_database(Follow, SELF_FOLLOW)

    def test_cleanup_updates_rows_in_batches_and_resumes_after_a_key(self) -> None:
        with live_table(Event, TITLE) as table:
            days = [DAY + dt.timedelta(days=i) for i in range(6)]
            blank = [Event.objects.create(title=" " * i, start_at=days[i]) for i in range(5)]
            named = Event.objects.create(title="named", start_at=days[5])
            constraint = constraint_of(Event, TITLE)
            table.migrate(AddCheckConstraintNotValid("event", constraint))

            # Resumed after the second blank row: the first two are left as they were.
            batches = list(
                clean_violations(
                    Event,
                    constraint,
                    update={"title": "Untitled"},
                    batch_size=2,
                    start_after=blank[1].pk,
                )
            )

            titles = dict(Event.objects.values_list("pk", "title"))
            assert [titles[e.pk] for e in blank] == ["", " ", "Untitled", "Untitled", "Untitled"]
            assert titles[named.pk] == "named"
            assert [b.changed for b in batches] == [2, 1, 0]
            assert batches[-1].done == batches[-1].total == 4
            with pytest.raises(RowsBreakRule):
                table.migrate(ValidateConstraint("event", TITLE))
            table.migrate(
                CleanViolations("event", TITLE, update={"title": "Untitled"}),
                ValidateConstraint("event", TITLE),
            )
            assert Event.objects.filter(title="Untitled").count() == 5


class UniqueAddedToLiveTableTests(TransactionTestCase):
    def test_duplicates_fail_the_build_and_leave_no_index_then_clean_and_attach(self) -> None:
        alice, bob, carol = (User.objects.create_user(n) for n in ("alice", "bob", "carol"))
        with live_table(Follow, UNIQUE_FOLLOW) as table:
            firsts = [Follow.objects.create(from_user=alice, to_user=bob)]
            for _ in range(2):
                Follow.objects.create(from_user=alice, to_user=bob)
            firsts.append(Follow.objects.create(from_user=bob, to_user=carol))
            Follow.objects.create(from_user=bob, to_user=carol)
            firsts.append(Follow.objects.create(from_user=carol, to_user=alice))
            add = AddUniqueConstraintConcurrently("follow", constraint_of(Follow, UNIQUE_FOLLOW))

            with pytest.raises(RowsBreakRule) as failed:
                table.migrate(add)
            assert (failed.value.constraint_name, failed.value.count) == (UNIQUE_FOLLOW, 5)
            assert not in_database(Follow, UNIQUE_FOLLOW)

            table.migrate(CleanViolations("follow", constraint_of(Follow, UNIQUE_FOLLOW)))
            assert sorted(Follow.objects.values_list("pk", flat=True)) == [f.pk for f in firsts]
            table.migrate(add)

            assert in_database(Follow, UNIQUE_FOLLOW)
            assert (
                refused(lambda: Follow.objects.create(from_user=alice, to_user=bob))
                == UNIQUE_FOLLOW
            )
            assert list(find_violations(Follow)) == []

    def test_nulls_not_distinct_unique_is_built_with_null_equal_to_null(self) -> None:
        with live_table(Event, EVENT_DATES) as table:
            first = Event.objects.create(title="a")
            Event.objects.create(title="b")
            dated = Event.objects.create(title="c", start_at=DAY)
            constraint = constraint_of(Event, EVENT_DATES)

            table.migrate(CleanViolations("event", constraint))
            table.migrate(AddUniqueConstraintConcurrently("event", constraint))

            assert sorted(Event.objects.values_list("pk", flat=True)) == [first.pk, dated.pk]
            assert refused(lambda: Event.objects.create(title="d")) == EVENT_DATES
            assert refused(lambda: Event.objects.create(title="e", start_at=DAY)) == EVENT_DATES


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time: no lock to share"
)
class WritesGoOnTests(TransactionTestCase):
    """PostgreSQL: the validation waits for no writer, where AddConstraint does."""

    def test_validation_runs_while_a_write_is_open(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")
        with live_table(Follow, SELF_FOLLOW) as table:
            Follow.objects.create(from_user=alice, to_user=bob)
            table.migrate(AddCheckConstraintNotValid("follow", constraint_of(Follow, SELF_FOLLOW)))
            db = connection.settings_dict
            params = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"]}
            with psycopg.connect(**params, port=db["PORT"] or 5432) as writer:
                # A write of another client, not yet committed: it holds its lock.
                writer.execute(
                    "INSERT INTO social_follow (from_user_id, to_user_id, created_at, version)"
                    " VALUES (%s, %s, now(), 1)",
                    (bob.pk, alice.pk),
                )
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
                try:
                    table.migrate(ValidateConstraint("follow", SELF_FOLLOW))
                    # What a plain AddConstraint would do: wait for the writer.
                    probe = CheckConstraint(condition=Q(from_user__gt=0), name="probe")
                    with (
                        pytest.raises(OperationalError, match="lock timeout"),
                        connection.schema_editor(atomic=False) as editor,
                    ):
                        editor.add_constraint(Follow, probe)
                finally:
                    with connection.cursor() as cursor:
                        cursor.execute("RESET lock_timeout")
                writer.rollback()


def clean(*args: str) -> str:
    out = io.StringIO()
    call_command("clean_constraint_violations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


class CleanCommandTests(TransactionTestCase):
    def test_deletes_in_batches_and_reports(self) -> None:
        users = [User.objects.create_user(f"u{i}") for i in range(4)]
        with live_table(Follow, SELF_FOLLOW):
            for user in users:
                Follow.objects.create(from_user=user, to_user=user)
            kept = Follow.objects.create(from_user=users[0], to_user=users[1])

            said = clean("social.Follow", SELF_FOLLOW, "--batch-size", "2")

            assert said == f"social.Follow: {SELF_FOLLOW}: 4 rows deleted."
            assert list(Follow.objects.values_list("pk", flat=True)) == [kept.pk]

    def test_set_fixes_rows_instead_of_deleting_them(self) -> None:
        with live_table(Event, TITLE):
            blank = Event.objects.create(title="  ")

            said = clean("scoring.Event", TITLE, "--set", "title=Untitled event")

            assert said == f"scoring.Event: {TITLE}: 1 rows updated."
            assert Event.objects.get(pk=blank.pk).title == "Untitled event"

    def test_mistakes_are_errors_that_change_nothing(self) -> None:
        with pytest.raises(CommandError, match="has no constraint 'nope'"):
            clean("social.Follow", "nope")
        with pytest.raises(CommandError, match="only be deleted"):
            clean("social.Follow", UNIQUE_FOLLOW, "--set", "from_user=1")
        with pytest.raises(CommandError, match="FIELD=VALUE"):
            clean("scoring.Event", TITLE, "--set", "title")
        with pytest.raises(CommandError, match="No installed app"):
            clean("nope.Model", TITLE)


def warnings_of(migration: Migration) -> list[str]:
    return [message.id or "" for message in migration_warnings(migration)]


def migration(*operations: Operation, atomic: bool = True) -> Migration:
    made = type("Migration", (Migration,), {"operations": list(operations), "atomic": atomic})
    instance: Migration = made("0099_rule", "social")
    return instance


class MigrationCheckTests(TransactionTestCase):
    def test_add_constraint_on_an_existing_table_is_warned_of(self) -> None:
        check = constraint_of(Follow, SELF_FOLLOW)
        unique = constraint_of(Follow, UNIQUE_FOLLOW)

        assert warnings_of(migration(AddConstraint("follow", check))) == ["integrity.W003"]
        assert warnings_of(migration(AddConstraint("follow", unique))) == ["integrity.W003"]
        # A table created in the same migration is empty.
        created = CreateModel("Follow", fields=[])
        assert warnings_of(migration(created, AddConstraint("follow", check))) == []

    def test_the_lock_free_steps_in_one_transaction_are_warned_of(self) -> None:
        check = constraint_of(Follow, SELF_FOLLOW)
        steps = (
            AddCheckConstraintNotValid("follow", check),
            CleanViolations("follow", SELF_FOLLOW),
            ValidateConstraint("follow", SELF_FOLLOW),
            AddUniqueConstraintConcurrently("follow", constraint_of(Follow, UNIQUE_FOLLOW)),
        )

        assert warnings_of(migration(*steps)) == ["integrity.W004"] * 3
        assert warnings_of(migration(*steps, atomic=False)) == []

    def test_the_service_migrations_follow_the_advice(self) -> None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        found = [
            message
            for migration in loader.disk_migrations.values()
            for message in migration_warnings(migration)
        ]
        assert found == []

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no statement timeout")
    def test_long_steps_outlive_the_request_timeout_which_is_put_back(self) -> None:
        alice = User.objects.create_user("alice")
        others = User.objects.bulk_create(User(username=f"u{i}") for i in range(200))
        with live_table(Follow, SELF_FOLLOW, UNIQUE_FOLLOW) as table:
            Follow.objects.bulk_create(
                Follow(from_user=alice, to_user=other) for other in others for _ in range(2)
            )
            Follow.objects.bulk_create(Follow(from_user=o, to_user=alice) for o in others)
            table.migrate(
                AddCheckConstraintNotValid("follow", constraint_of(Follow, SELF_FOLLOW)),
                CleanViolations("follow", constraint_of(Follow, UNIQUE_FOLLOW)),
            )
            with connection.cursor() as cursor:
                # Far shorter than a validation or an index build of these rows.
                cursor.execute("SET statement_timeout = '1ms'")
            try:
                table.migrate(
                    ValidateConstraint("follow", SELF_FOLLOW),
                    AddUniqueConstraintConcurrently("follow", constraint_of(Follow, UNIQUE_FOLLOW)),
                )
                with connection.cursor() as cursor:
                    cursor.execute("SHOW statement_timeout")
                    assert cursor.fetchone() == ("1ms",)
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")
            assert in_database(Follow, UNIQUE_FOLLOW)
