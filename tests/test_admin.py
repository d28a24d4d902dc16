from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import RemoteAPIAccount, User
from scoring.models import Event, Score, ScoreType
from social.models import Follow

SECRET = "remote-secret-token-for-admin-4321"


class AdminTests(TestCase):
    admin_user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.admin_user = User.objects.create_superuser("admin", password="pw")
        other = User.objects.create_user("other")
        Follow.objects.create(from_user=cls.admin_user, to_user=other)
        event = Event.objects.create(title="final")
        Score.objects.create(owner=other, type=ScoreType.POINTS, value_points=3, event=event)
        Score.objects.create(
            owner=other, type=ScoreType.DURATION, value_duration=dt.timedelta(minutes=2)
        )

    def setUp(self) -> None:
        self.client.force_login(self.admin_user)

    def test_every_model_has_a_searchable_filterable_changelist(self) -> None:
        ours = [
            m
            for m in admin.site._registry
            if m._meta.app_label in {"accounts", "social", "scoring"}
        ]
        assert len(ours) == 7
        for model in ours:
            model_admin = admin.site._registry[model]
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert model_admin.list_display != ("__str__",), model
            response = self.client.get(url, {"q": "o"} if model_admin.search_fields else {})
            assert response.status_code == 200, model

    def test_typed_score_entries_list_only_their_type(self) -> None:
        response = self.client.get(reverse("admin:scoring_pointsscore_changelist"))

        assert response.context["cl"].result_count == 1

    def test_remote_account_token_is_masked_and_single(self) -> None:
        add_url = reverse("admin:accounts_remoteapiaccount_add")
        assert self.client.get(add_url).status_code == 200
        expires = timezone.now() + dt.timedelta(hours=1)
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=expires)

        listing = self.client.get(reverse("admin:accounts_remoteapiaccount_changelist"))
        change = self.client.get(reverse("admin:accounts_remoteapiaccount_change", args=[1]))

        assert SECRET not in listing.content.decode()
        assert "…4321" in listing.content.decode()
        assert SECRET not in change.content.decode()
        assert self.client.get(add_url).status_code == 403

    def test_remote_account_change_keeps_token_when_left_empty(self) -> None:
        RemoteAPIAccount.objects.store(access_token=SECRET, access_token_expires=timezone.now())
        url = reverse("admin:accounts_remoteapiaccount_change", args=[1])
        expires = timezone.now() + dt.timedelta(days=1)

        response = self.client.post(
            url,
            {
                "access_token": "",
                "access_token_expires_0": expires.strftime("%Y-%m-%d"),
                "access_token_expires_1": expires.strftime("%H:%M:%S"),
            },
        )

        assert response.status_code == 302
        account = RemoteAPIAccount.objects.get()
        assert account.access_token == SECRET
        assert account.access_token_expires.date() == expires.date()

    def test_event_added_in_the_admin_records_its_creator(self) -> None:
        response = self.client.post(
            reverse("admin:scoring_event_add"),
            {"title": "heat", "start_at": "2026-03-01", "end_at": "2026-03-02"},
        )

        assert response.status_code == 302, response.content[:500]
        assert Event.objects.get(title="heat").created_by == self.admin_user
