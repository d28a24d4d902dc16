from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

# The table when it belonged to integrity, before this app existed.
OLD_TABLE = ("integrity", "0001_initial")
BEFORE: list[tuple[str, str | None]] = [OLD_TABLE, ("idempotency", None)]


class KeysMoveFromIntegrityTests(TransactionTestCase):
    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_stored_keys_are_kept_and_the_old_table_dropped(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state([OLD_TABLE]).apps
        user = old_apps.get_model("accounts", "User").objects.create(username="alice")
        old_apps.get_model("integrity", "IdempotencyKey").objects.create(
            user=user, key="k1", fingerprint="f" * 64, status=201, headers={"A": "b"}, body=b"{}"
        )

        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        executor.migrate(leaves)

        new_apps = executor.loader.project_state(leaves).apps
        keys = new_apps.get_model("idempotency", "IdempotencyKey").objects.all()
        assert [(k.user_id, k.key, k.status, k.headers, bytes(k.body)) for k in keys] == [
            (user.pk, "k1", 201, {"A": "b"}, b"{}")
        ]
        assert "integrity_idempotencykey" not in connection.introspection.table_names()
