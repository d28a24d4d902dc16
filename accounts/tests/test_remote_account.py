from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import TestCase, override_settings
from django.utils import timezone
from rest_framework.test import APITestCase

from accounts import services
from accounts.models import RemoteAPIAccount, User
from accounts.tests.remote_api import RemoteAPI, remote_api

SECRET = "stored-secret-token-abcd1234"
RULE = "accounts_remoteapiaccount_single_instance"


def in_(seconds: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


class SingletonConstraintTests(TestCase):
    def test_second_row_names_the_constraint(self) -> None:
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=in_(60))

        with self.assertRaisesMessage(IntegrityError, RULE):
            RemoteAPIAccount.objects.create(id=2, access_token="x", access_token_expires=in_(1))

    def test_first_row_cannot_be_anything_but_one(self) -> None:
        with self.assertRaisesMessage(IntegrityError, RULE):
            RemoteAPIAccount.objects.create(id=2, access_token="x", access_token_expires=in_(1))

    def test_store_upserts_row_one(self) -> None:
        _, created = RemoteAPIAccount.objects.store(access_token="a", access_token_expires=in_(1))
        _, created_again = RemoteAPIAccount.objects.store(
            access_token=SECRET, access_token_expires=in_(2)
        )

        assert (created, created_again) == (True, False)
        assert list(RemoteAPIAccount.objects.values_list("id", "access_token")) == [(1, SECRET)]

    def test_text_representations_hide_the_token(self) -> None:
        account, _ = RemoteAPIAccount.objects.store(
            access_token=SECRET, access_token_expires=in_(1)
        )

        assert SECRET not in str(account)
        assert SECRET not in repr(account)
        assert str(account).startswith("Remote API token …1234")


class RemoteAPIAccountAPITests(APITestCase):
    staff: User
    user: User
    url = "/api/remote-api-account/"

    @classmethod
    def setUpTestData(cls) -> None:
        cls.staff = User.objects.create_user("staff", is_staff=True)
        cls.user = User.objects.create_user("user")

    def setUp(self) -> None:
        self.client.force_authenticate(self.staff)

    def body(self, expires: dt.datetime, token: str = SECRET) -> dict[str, Any]:
        return {"access_token": token, "access_token_expires": expires.isoformat()}

    def test_anonymous_is_401_and_non_staff_is_403(self) -> None:
        for user, status in ((None, 401), (self.user, 403)):
            self.client.force_authenticate(user)
            for method in ("get", "put", "patch", "delete", "post"):
                response = getattr(self.client, method)(self.url, self.body(in_(60)))
                assert response.status_code == status, (user, method)
            assert self.client.post(f"{self.url}refresh/").status_code == status
        assert not RemoteAPIAccount.objects.exists()

    def test_unset_is_404(self) -> None:
        assert self.client.get(self.url).status_code == 404
        assert self.client.patch(self.url, {"access_token": "x"}).status_code == 404
        assert self.client.delete(self.url).status_code == 404

    def test_put_creates_then_replaces(self) -> None:
        created = self.client.put(self.url, self.body(in_(3600)))
        replaced = self.client.put(self.url, self.body(in_(7200), token="new-token-5678"))

        assert (created.status_code, replaced.status_code) == (201, 200)
        assert RemoteAPIAccount.objects.get().access_token == "new-token-5678"
        body = replaced.json()
        assert set(body) == {
            "access_token_hint",
            "access_token_expires",
            "expires_in",
            "is_expired",
        }
        assert body["access_token_hint"] == "…5678"
        assert 7190 <= body["expires_in"] <= 7200
        assert body["is_expired"] is False

    def test_get_reports_expiry_without_the_token(self) -> None:
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=in_(-5))

        response = self.client.get(self.url)

        assert response.status_code == 200
        assert response.json()["is_expired"] is True
        assert response.json()["expires_in"] == 0
        assert SECRET not in response.content.decode()

    def test_patch_and_delete(self) -> None:
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=in_(60))

        response = self.client.patch(self.url, {"access_token": "patched-token-0000"})

        assert response.status_code == 200
        assert RemoteAPIAccount.objects.get().access_token == "patched-token-0000"
        assert self.client.delete(self.url).status_code == 204
        assert not RemoteAPIAccount.objects.exists()

    def test_post_creates_once_then_is_400_single_instance(self) -> None:
        first = self.client.post(self.url, self.body(in_(60)))
        second = self.client.post(self.url, self.body(in_(60), token="other-token-9999"))

        assert first.status_code == 201
        assert second.status_code == 400
        assert second.json()["errors"] == [
            {
                "code": RULE,
                "detail": "The remote API account exists already; replace it.",
                "attr": "non_field_errors",
            }
        ]
        assert RemoteAPIAccount.objects.get().access_token == SECRET

    def test_post_after_upsert_is_400_single_instance(self) -> None:
        # Row 1 written by the upsert: PostgreSQL's sequence still stands at 1,
        # so this is a primary-key conflict there and the same rule's code.
        self.client.put(self.url, self.body(in_(60)))

        response = self.client.post(self.url, self.body(in_(60), token="other-token-9999"))

        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == RULE
        assert "other-token" not in response.content.decode()

    def test_post_after_delete_creates_again(self) -> None:
        assert self.client.post(self.url, self.body(in_(60))).status_code == 201
        assert self.client.delete(self.url).status_code == 204

        assert self.client.post(self.url, self.body(in_(60))).status_code == 201


@override_settings(REMOTE_API_USERNAME="service", REMOTE_API_PASSWORD="pw", REMOTE_API_TIMEOUT=0.5)
class RefreshTests(APITestCase):
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.staff = User.objects.create_user("staff", is_staff=True)

    def setUp(self) -> None:
        # 502 and 503 are reported like any server error; the test reads the response.
        self.client.raise_request_exception = False
        self.client.force_authenticate(self.staff)
        self.remote: RemoteAPI = self.enterContext(remote_api())
        self.enterContext(override_settings(REMOTE_API_TOKEN_URL=self.remote.url))

    def refresh(self) -> Any:
        with self.assertLogs("accounts.services") as logs:
            response = self.client.post("/api/remote-api-account/refresh/")
        assert all(SECRET not in line for line in logs.output)
        assert all("remote-secret-token" not in line for line in logs.output)
        return response

    def test_refresh_stores_the_remote_token(self) -> None:
        response = self.refresh()

        assert response.status_code == 200
        account = RemoteAPIAccount.objects.get()
        assert account.access_token == self.remote.issued_token(1)
        assert 3590 <= response.json()["expires_in"] <= 3600
        assert "remote-secret-token" not in response.content.decode()
        assert self.remote.requests[0] == {
            "grant_type": ["password"],
            "username": ["service"],
            "password": ["pw"],
        }

    def test_remote_failures_are_502_and_keep_the_stored_token(self) -> None:
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=in_(10))
        for mode in ("error", "slow", "garbage", "no_token"):
            self.remote.mode = mode

            response = self.refresh()

            assert response.status_code == 502, mode
            assert response.json() == {
                "type": "server_error",
                "errors": [
                    {
                        "code": "remote_api_failed",
                        "detail": "The remote API did not issue a token. "
                        "The stored token is unchanged.",
                        "attr": None,
                    }
                ],
            }
            assert RemoteAPIAccount.objects.get().access_token == SECRET

    def test_unreachable_remote_is_502(self) -> None:
        with override_settings(REMOTE_API_TOKEN_URL="http://127.0.0.1:9/oauth/token"):
            response = self.refresh()

        assert response.status_code == 502

    def test_not_configured_is_503(self) -> None:
        with override_settings(REMOTE_API_PASSWORD=""):
            response = self.client.post("/api/remote-api-account/refresh/")

        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "remote_api_not_configured"
        assert self.remote.calls == 0

    def test_fresh_token_is_kept_and_expiring_one_refreshed(self) -> None:
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=in_(3600))

        assert services.valid_account().access_token == SECRET
        assert self.remote.calls == 0

        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=in_(60))

        assert services.valid_account().access_token == self.remote.issued_token(1)
        assert self.remote.calls == 1

    def test_management_command(self) -> None:
        out = io.StringIO()
        call_command("refresh_remote_token", stdout=out)

        assert out.getvalue().startswith("Token …")

        assert self.remote.calls == 1
        self.remote.mode = "error"
        with self.assertRaisesMessage(CommandError, "did not issue a token"):
            call_command("refresh_remote_token", "--force")
