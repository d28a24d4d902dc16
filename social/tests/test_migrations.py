from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("social", "0001_initial")]
AFTER = [("social", "0002_prevent_self_follow")]


class SelfFollowCleanupMigrationTests(TransactionTestCase):
    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_migration_deletes_self_follows_keeps_others_then_enforces(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        User = old_apps.get_model("accounts", "User")
        Follow = old_apps.get_model("social", "Follow")
        alice = User.objects.create(username="alice")
        bob = User.objects.create(username="bob")
        Follow.objects.create(from_user=alice, to_user=alice)
        Follow.objects.create(from_user=bob, to_user=bob)
        kept = Follow.objects.create(from_user=alice, to_user=bob)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        new_apps = executor.loader.project_state(AFTER).apps
        Follow = new_apps.get_model("social", "Follow")
        assert list(Follow.objects.values_list("pk", flat=True)) == [kept.pk]
        with (
            self.assertRaisesMessage(IntegrityError, "social_follow_prevent_self_follow"),
            transaction.atomic(),
        ):
            Follow.objects.create(from_user_id=bob.pk, to_user_id=bob.pk)
