"""
ETag, If-Match and If-None-Match on every versioned resource, on the database
the suite runs on: the version is the database's, the check is its UPDATE.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient, APITestCase

from accounts.models import RemoteAPIAccount, User
from conditional.triggers import drop_trigger_sql, has_trigger, versioned_models
from scoring.models import Event, Score
from social.models import Follow

EVENT = {"title": "Final", "start_at": "2026-01-01", "end_at": "2026-01-02"}


def codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


class VersionTests(TestCase):
    def test_every_versioned_table_has_its_trigger(self) -> None:
        assert {m._meta.label for m in versioned_models()} == {
            "accounts.RemoteAPIAccount",
            "scoring.Event",
            "scoring.Score",
            "social.Follow",
        }
        for model in versioned_models():
            assert has_trigger(connection, model), model

    def test_a_trigger_a_table_rebuild_dropped_is_back_after_migrate(self) -> None:
        with connection.cursor() as cursor:
            for sql in drop_trigger_sql(connection, Event):
                cursor.execute(sql)
        assert not has_trigger(connection, Event)

        emit_post_migrate_signal(0, False, connection.alias)

        assert has_trigger(connection, Event)

    def test_the_database_raises_the_version_on_every_update_whoever_runs_it(self) -> None:
        event = Event.objects.create(title="a")
        first = Event.objects.get().version

        Event.objects.filter(pk=event.pk).update(title="b")  # the ORM's update()
        after_update = Event.objects.get().version
        with connection.cursor() as cursor:  # plain SQL
            cursor.execute("UPDATE scoring_event SET title = 'c'")
        after_sql = Event.objects.get().version

        assert after_update == first + 1
        assert after_sql == first + 2

    def test_a_row_inserted_with_sql_naming_no_version_gets_one(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO scoring_event (title) VALUES ('by SQL')")
        Event.objects.update(title="changed")

        assert Event.objects.get().version == 2

    def test_a_save_of_a_stale_instance_still_writes_and_learns_the_version(self) -> None:
        stale = Event.objects.create(title="a")
        Event.objects.filter(pk=stale.pk).update(title="b")
        stale.title = "c"
        stale.save()

        assert Event.objects.get().title == "c"
        assert stale.version == Event.objects.get().version

    def test_a_new_row_never_starts_at_a_version_a_deleted_row_had(self) -> None:
        old = RemoteAPIAccount.objects.create(
            id=1, access_token="a" * 12, access_token_expires=timezone.now()
        )
        old.delete()
        new = RemoteAPIAccount.objects.create(
            id=1, access_token="b" * 12, access_token_expires=timezone.now()
        )
        assert new.version > old.version


class EventConditionalTests(APITestCase):
    alice: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")

    def setUp(self) -> None:
        self.client.force_authenticate(self.alice)
        created = self.client.post("/api/events/", EVENT, format="json")
        assert created.status_code == 201, created.content
        self.url = f"/api/events/{created.json()['id']}/"
        self.created_tag = created["ETag"]

    def test_get_and_create_answer_the_same_strong_tag(self) -> None:
        response = self.client.get(self.url)

        assert response["ETag"] == self.created_tag
        assert response["ETag"] == f'"{Event.objects.get().version}"'

    def test_if_none_match_with_the_current_tag_is_304_without_a_body(self) -> None:
        response = self.client.get(self.url, headers={"If-None-Match": self.created_tag})
        weak = self.client.get(self.url, headers={"If-None-Match": f"W/{self.created_tag}"})
        other = self.client.get(self.url, headers={"If-None-Match": '"1", "2"'})

        assert response.status_code == weak.status_code == 304
        assert response.content == b""
        assert response["ETag"] == self.created_tag
        assert other.status_code == 200

    def test_a_change_by_anyone_changes_the_tag(self) -> None:
        Event.objects.update(title="Changed in the ORM")

        response = self.client.get(self.url, headers={"If-None-Match": self.created_tag})

        assert response.status_code == 200
        assert response["ETag"] != self.created_tag

    def test_patch_with_the_current_tag_writes_and_answers_the_new_tag(self) -> None:
        response = self.client.patch(
            self.url, {"title": "New"}, format="json", headers={"If-Match": self.created_tag}
        )

        assert response.status_code == 200, response.content
        assert response["ETag"] != self.created_tag
        assert response["ETag"] == self.client.get(self.url)["ETag"]
        assert Event.objects.get().title == "New"

    def test_a_stale_tag_is_412_and_writes_nothing(self) -> None:
        Event.objects.update(title="Someone else's")

        patch = self.client.patch(
            self.url, {"title": "Mine"}, format="json", headers={"If-Match": self.created_tag}
        )
        put = self.client.put(
            self.url,
            {**EVENT, "title": "Mine"},
            format="json",
            headers={"If-Match": self.created_tag},
        )
        delete = self.client.delete(self.url, headers={"If-Match": self.created_tag})

        for response in (patch, put, delete):
            assert response.status_code == 412
            assert response.json()["type"] == "client_error"
            assert codes(response) == ["precondition_failed"]
        assert Event.objects.get().title == "Someone else's"

    def test_a_weak_tag_never_matches_if_match(self) -> None:
        response = self.client.patch(
            self.url, {"title": "x"}, format="json", headers={"If-Match": f"W/{self.created_tag}"}
        )
        assert response.status_code == 412

    def test_any_tag_or_no_header_writes_as_before(self) -> None:
        Event.objects.update(title="Someone else's")

        star = self.client.patch(self.url, {"title": "a"}, format="json", headers={"If-Match": "*"})
        none = self.client.patch(self.url, {"title": "b"}, format="json")

        assert star.status_code == none.status_code == 200
        assert none["ETag"] == f'"{Event.objects.get().version}"'

    def test_delete_with_the_current_tag_deletes(self) -> None:
        response = self.client.delete(self.url, headers={"If-Match": self.created_tag})

        assert response.status_code == 204
        assert not Event.objects.exists()

    @override_settings(CONDITIONAL_REQUIRE_IF_MATCH=True)
    def test_a_required_if_match_refuses_a_write_without_one_with_428(self) -> None:
        response = self.client.patch(self.url, {"title": "x"}, format="json")
        star = self.client.patch(self.url, {"title": "y"}, format="json", headers={"If-Match": "*"})

        assert response.status_code == 428
        assert codes(response) == ["precondition_required"]
        assert star.status_code == 200

    def test_a_conditional_patch_costs_no_more_statements_than_an_unconditional_one(
        self,
    ) -> None:
        with CaptureQueriesContext(connection) as plain:
            self.client.patch(self.url, {"title": "a"}, format="json")
        tag = self.client.get(self.url)["ETag"]
        with CaptureQueriesContext(connection) as conditional:
            response = self.client.patch(
                self.url, {"title": "b"}, format="json", headers={"If-Match": tag}
            )

        assert response.status_code == 200
        assert len(conditional) == len(plain)


class OtherResourcesTests(APITestCase):
    alice: User
    bob: User
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")
        cls.bob = User.objects.create_user("bob")
        cls.staff = User.objects.create_user("staff", is_staff=True)

    def test_a_score_has_one_tag_under_every_url(self) -> None:
        self.client.force_authenticate(self.alice)
        created = self.client.post("/api/scores/", {"type": "points", "value_points": 3})
        pk = created.json()["id"]

        typed = self.client.get(f"/api/point-scores/{pk}/")

        assert typed["ETag"] == created["ETag"] == f'"{Score.objects.get().version}"'
        stale = created["ETag"]
        Score.objects.update(value_points=4)
        refused = self.client.patch(
            f"/api/point-scores/{pk}/", {"value": 5}, format="json", headers={"If-Match": stale}
        )
        assert refused.status_code == 412
        assert Score.objects.get().value_points == 4

    def test_a_follow_is_deleted_only_at_its_version(self) -> None:
        self.client.force_authenticate(self.alice)
        created = self.client.post("/api/follows/", {"to_user": self.bob.pk})
        url = f"/api/follows/{created.json()['id']}/"

        stale = self.client.delete(url, headers={"If-Match": '"1"'})
        current = self.client.delete(url, headers={"If-Match": created["ETag"]})

        assert stale.status_code == 412
        assert current.status_code == 204
        assert not Follow.objects.exists()

    def test_the_singleton_is_replaced_only_at_its_version(self) -> None:
        self.client.force_authenticate(self.staff)
        url = "/api/remote-api-account/"
        body = {"access_token": "token-0000-1111", "access_token_expires": _in_an_hour()}

        missing = self.client.put(url, body, format="json", headers={"If-Match": '"1"'})
        created = self.client.put(url, body, format="json")
        read = self.client.get(url)
        stale = self.client.put(url, body, format="json", headers={"If-Match": '"1"'})
        current = self.client.put(url, body, format="json", headers={"If-Match": read["ETag"]})

        assert missing.status_code == 412
        assert created.status_code == 201
        assert read["ETag"] == created["ETag"]
        assert stale.status_code == 412
        assert current.status_code == 200
        assert current["ETag"] == self.client.get(url)["ETag"] != read["ETag"]

    def test_a_replayed_create_repeats_its_tag(self) -> None:
        client = APIClient()
        client.force_authenticate(self.alice)
        headers = {"Idempotency-Key": "k-1"}
        first = client.post("/api/events/", EVENT, format="json", headers=headers)
        again = client.post("/api/events/", EVENT, format="json", headers=headers)

        assert again["Idempotent-Replayed"] == "true"
        assert again["ETag"] == first["ETag"]

    def test_a_list_and_a_batch_carry_no_tag(self) -> None:
        self.client.force_authenticate(self.alice)
        batch = self.client.post(
            "/api/scores/bulk/", [{"type": "points", "value_points": 1}], format="json"
        )
        listed = self.client.get("/api/scores/")

        assert batch.status_code == 201, batch.content
        assert "ETag" not in batch
        assert "ETag" not in listed


def _in_an_hour() -> str:
    return (timezone.now() + dt.timedelta(hours=1)).isoformat()


class RepresentationTagTests(APITestCase):
    def test_a_user_is_tagged_by_what_it_shows_and_answers_304_while_unchanged(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")
        url = f"/api/users/{alice.pk}/"
        first = self.client.get(url)

        unchanged = self.client.get(url, headers={"If-None-Match": first["ETag"]})
        Follow.objects.create(from_user=bob, to_user=alice)  # another row: its count shows
        changed = self.client.get(url, headers={"If-None-Match": first["ETag"]})

        assert first.status_code == 200
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert changed.status_code == 200
        assert changed.json()["followers_count"] == 1
        assert changed["ETag"] != first["ETag"]
