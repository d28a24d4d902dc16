from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from rest_framework.test import APITestCase

from accounts.encryption import check_keys
from accounts.models import RemoteAPIAccount, User

TOKEN = "plain-remote-token-0123456789"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
MISSING = "remote_api_token_key_missing"


def stored_value() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM accounts_remoteapiaccount WHERE id = 1")
        value: str = cursor.fetchone()[0]
    return value


def store(token: str = TOKEN) -> None:
    expires = timezone.now() + dt.timedelta(hours=1)
    RemoteAPIAccount.objects.store(access_token=token, access_token_expires=expires)


@override_settings(REMOTE_API_TOKEN_KEYS=[OLD_KEY])
class TokenAtRestTests(APITestCase):
    def setUp(self) -> None:
        staff = User.objects.create_user("staff", is_staff=True)
        self.client.force_authenticate(staff)
        # A 503 is an answer here, not an exception for the test to see.
        self.client.raise_request_exception = False

    def put(self) -> dict[str, object]:
        body = {"access_token": TOKEN, "access_token_expires": "2099-01-01T00:00:00Z"}
        response = self.client.put("/api/remote-api-account/", body)
        assert TOKEN not in response.content.decode()
        return {"status": response.status_code, **response.json()}

    def test_the_token_is_stored_encrypted_and_read_back_in_the_clear(self) -> None:
        assert self.put()["status"] == 201

        assert TOKEN not in stored_value()
        assert Fernet(OLD_KEY).decrypt(stored_value().encode()).decode() == TOKEN
        assert RemoteAPIAccount.objects.get().access_token == TOKEN
        assert self.client.get("/api/remote-api-account/").json()["access_token_hint"] == "…6789"

    def test_without_a_key_storing_the_token_is_503_and_nothing_is_stored(self) -> None:
        with (
            override_settings(REMOTE_API_TOKEN_KEYS=[]),
            self.assertLogs("django.request", "ERROR") as logged,
        ):
            body = self.put()

        assert body["status"] == 503
        assert body["errors"][0]["code"] == MISSING  # type: ignore[index]
        assert not RemoteAPIAccount.objects.exists()
        # The operator reads one line that says what is missing, not a traceback.
        [record] = logged.records
        assert record.exc_info is None
        assert "REMOTE_API_TOKEN_KEYS" in record.getMessage()
        assert "/api/remote-api-account/" in record.getMessage()

    def test_with_a_malformed_key_storing_the_token_is_the_same_503(self) -> None:
        with (
            override_settings(REMOTE_API_TOKEN_KEYS=["not-a-key"]),
            self.assertLogs("django.request", "ERROR"),
        ):
            body = self.put()

        assert body["status"] == 503
        assert body["errors"][0]["code"] == MISSING  # type: ignore[index]
        assert not RemoteAPIAccount.objects.exists()

    def test_rotation_without_any_key_is_a_command_error(self) -> None:
        with (
            override_settings(REMOTE_API_TOKEN_KEYS=[]),
            pytest.raises(CommandError, match="REMOTE_API_TOKEN_KEYS"),
        ):
            call_command("rotate_remote_token_key", stdout=io.StringIO())

    def test_without_the_key_that_encrypted_it_reading_the_token_is_503(self) -> None:
        store()

        with override_settings(REMOTE_API_TOKEN_KEYS=[NEW_KEY]):
            response = self.client.get("/api/remote-api-account/")

        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == MISSING

    def test_rotation_reads_with_the_old_key_and_rewrites_with_the_new_one(self) -> None:
        store()

        with override_settings(REMOTE_API_TOKEN_KEYS=[NEW_KEY, OLD_KEY]):
            assert RemoteAPIAccount.objects.get().access_token == TOKEN
            call_command("rotate_remote_token_key", stdout=io.StringIO())

        assert Fernet(NEW_KEY).decrypt(stored_value().encode()).decode() == TOKEN
        with override_settings(REMOTE_API_TOKEN_KEYS=[NEW_KEY]):
            assert RemoteAPIAccount.objects.get().access_token == TOKEN

    def test_rotation_without_a_key_that_decrypts_is_a_command_error(self) -> None:
        store()

        with (
            override_settings(REMOTE_API_TOKEN_KEYS=[NEW_KEY]),
            pytest.raises(CommandError, match="None of the keys"),
        ):
            call_command("rotate_remote_token_key")


def test_a_malformed_key_is_a_system_check_error() -> None:
    with override_settings(REMOTE_API_TOKEN_KEYS=["not-a-key"]):
        found = [m for m in checks.run_checks() if m.id == "accounts.E001"]

    assert len(found) == 1
    assert found[0].msg.startswith("REMOTE_API_TOKEN_KEYS must be Fernet keys")
    assert check_keys() == []


BEFORE = [("accounts", "0002_remoteapiaccount")]
AFTER = [("accounts", "0003_encrypt_remote_token")]


@override_settings(REMOTE_API_TOKEN_KEYS=[OLD_KEY])
class EncryptingMigrationTests(TransactionTestCase):
    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_an_existing_token_is_encrypted_in_place(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_remoteapiaccount (id, access_token, access_token_expires) "
                "VALUES (1, %s, %s)",
                [TOKEN, timezone.now()],
            )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        assert Fernet(OLD_KEY).decrypt(stored_value().encode()).decode() == TOKEN
