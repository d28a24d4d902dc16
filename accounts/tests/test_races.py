from __future__ import annotations

import datetime as dt
from collections import Counter

from django.test import override_settings
from django.utils import timezone

from accounts import services
from accounts.models import RemoteAPIAccount, User
from accounts.tests.remote_api import remote_api
from tests.races import PostgreSQLRaceTestCase, post_outcome, race


@override_settings(REMOTE_API_USERNAME="service", REMOTE_API_PASSWORD="pw")
class RefreshRaceTests(PostgreSQLRaceTestCase):
    def test_eight_callers_near_expiry_cause_one_remote_call(self) -> None:
        soon = timezone.now() + dt.timedelta(seconds=30)
        RemoteAPIAccount.objects.store(access_token="old-token-0000", access_token_expires=soon)

        with remote_api() as remote, override_settings(REMOTE_API_TOKEN_URL=remote.url):
            remote.delay = 0.3  # the refresh is in flight while the others arrive
            tokens = race(8, lambda _: services.valid_account().access_token)

        assert remote.calls == 1
        assert tokens == [remote.issued_token(1)] * 8
        assert RemoteAPIAccount.objects.get().access_token == remote.issued_token(1)

    def test_concurrent_creates_make_one_row(self) -> None:
        staff = User.objects.create_user("staff", is_staff=True)
        expires = (timezone.now() + dt.timedelta(hours=1)).isoformat()

        def post(index: int) -> tuple[int, str | None]:
            body = {"access_token": f"token-{index:04d}", "access_token_expires": expires}
            return post_outcome(staff, "/api/remote-api-account/", body)

        results = Counter(race(10, post))

        assert results == {
            (201, None): 1,
            (400, "accounts_remoteapiaccount_single_instance"): 9,
        }
        assert RemoteAPIAccount.objects.count() == 1
