from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APITestCase

from accounts.models import User
from social.models import Follow


class FollowAPITests(APITestCase):
    alice: User
    bob: User
    carol: User
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")
        cls.bob = User.objects.create_user("bob")
        cls.carol = User.objects.create_user("carol")
        cls.staff = User.objects.create_user("staff", is_staff=True)

    def setUp(self) -> None:
        self.client.force_authenticate(self.alice)

    def follow(self, to_user: object, **extra: object) -> dict[str, object]:
        response = self.client.post("/api/follows/", {"to_user": to_user, **extra})
        return {"status": response.status_code, **response.json()}

    def test_follow_is_created_for_the_authenticated_user(self) -> None:
        body = self.follow(self.bob.pk)

        assert body["status"] == 201
        follow = Follow.objects.get()
        assert body == {
            "status": 201,
            "id": follow.pk,
            "from_user": self.alice.pk,
            "to_user": self.bob.pk,
            "created_at": body["created_at"],
        }
        assert isinstance(body["created_at"], str)
        assert body["created_at"].endswith("Z") or "+" in body["created_at"]

    def test_self_follow_rejected_with_constraint_code(self) -> None:
        body = self.follow(self.alice.pk)

        assert body == {
            "status": 400,
            "type": "validation_error",
            "errors": [
                {
                    "code": "social_follow_prevent_self_follow",
                    "detail": "Users cannot follow themselves.",
                    "attr": "to_user",
                }
            ],
        }
        assert not Follow.objects.exists()

    def test_duplicate_follow_rejected_with_constraint_code(self) -> None:
        assert self.follow(self.bob.pk)["status"] == 201

        body = self.follow(self.bob.pk)

        assert body["status"] == 400
        assert body["errors"] == [
            {
                "code": "social_follow_unique_relationships",
                "detail": "You already follow this user.",
                "attr": "to_user",
            }
        ]
        assert Follow.objects.count() == 1

    def test_unknown_to_user_is_400(self) -> None:
        body = self.follow(999999)

        assert body["status"] == 400
        assert body["errors"][0]["code"] == "does_not_exist"  # type: ignore[index]
        assert body["errors"][0]["attr"] == "to_user"  # type: ignore[index]

    def test_malformed_to_user_is_400(self) -> None:
        for value in ("abc", True, [1], None, 2**64):
            body = self.follow(value)
            assert body["status"] == 400, value
            assert body["errors"][0]["attr"] == "to_user"  # type: ignore[index]

    def test_anonymous_follow_is_401(self) -> None:
        self.client.force_authenticate(None)

        assert self.follow(self.bob.pk)["status"] == 401

    def test_staff_may_follow_on_behalf_of_another_user(self) -> None:
        self.client.force_authenticate(self.staff)

        body = self.follow(self.carol.pk, from_user=self.bob.pk)

        assert body["status"] == 201
        assert Follow.objects.filter(from_user=self.bob, to_user=self.carol).exists()

    def test_staff_on_behalf_self_follow_is_still_refused(self) -> None:
        self.client.force_authenticate(self.staff)

        body = self.follow(self.bob.pk, from_user=self.bob.pk)

        assert body["status"] == 400
        assert body["errors"][0]["code"] == "social_follow_prevent_self_follow"  # type: ignore[index]

    def test_non_staff_cannot_follow_on_behalf_of_another_user(self) -> None:
        body = self.follow(self.carol.pk, from_user=self.bob.pk)

        assert body["status"] == 403
        assert not Follow.objects.exists()

    def test_list_filters_by_from_and_to_user(self) -> None:
        a_b = Follow.objects.create(from_user=self.alice, to_user=self.bob)
        a_c = Follow.objects.create(from_user=self.alice, to_user=self.carol)
        b_c = Follow.objects.create(from_user=self.bob, to_user=self.carol)

        def ids(query: str) -> list[int]:
            response = self.client.get(f"/api/follows/?{query}")
            assert response.status_code == 200
            return [item["id"] for item in response.json()["results"]]

        assert ids("") == [b_c.pk, a_c.pk, a_b.pk]
        assert ids(f"from_user={self.alice.pk}") == [a_c.pk, a_b.pk]
        assert ids(f"to_user={self.carol.pk}") == [b_c.pk, a_c.pk]
        assert ids(f"from_user={self.alice.pk}&to_user={self.carol.pk}") == [a_c.pk]

    def test_list_filter_with_garbage_is_400(self) -> None:
        for value in ("abc", "1.5", str(2**64)):
            response = self.client.get(f"/api/follows/?from_user={value}")

            assert response.status_code == 400, value
            assert response.json()["errors"][0]["attr"] == "from_user"

    def test_list_filter_on_an_id_that_names_no_user_is_an_empty_page(self) -> None:
        Follow.objects.create(from_user=self.alice, to_user=self.bob)
        unknown = User.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1

        response = self.client.get(f"/api/follows/?to_user={unknown}")

        assert response.status_code == 200
        assert response.json()["results"] == []

    def test_read_only_fields_in_a_body_are_ignored(self) -> None:
        # from_user is the requester's own (or, for staff, the one named); id and
        # created_at are the database's: sent values are dropped, not refused.
        response = self.client.post(
            "/api/follows/",
            {"to_user": self.bob.pk, "id": 10**9, "created_at": "2000-01-01T00:00:00Z"},
        )

        assert response.status_code == 201, response.json()
        follow = Follow.objects.get()
        assert follow.pk != 10**9
        assert follow.created_at.year != 2000

    def test_unfollow_by_follower(self) -> None:
        follow = Follow.objects.create(from_user=self.alice, to_user=self.bob)

        assert self.client.delete(f"/api/follows/{follow.pk}/").status_code == 204
        assert not Follow.objects.exists()

    def test_unfollow_by_another_user_is_403(self) -> None:
        follow = Follow.objects.create(from_user=self.bob, to_user=self.carol)

        response = self.client.delete(f"/api/follows/{follow.pk}/")

        assert response.status_code == 403
        assert Follow.objects.exists()

    def test_unfollow_by_staff(self) -> None:
        follow = Follow.objects.create(from_user=self.bob, to_user=self.carol)
        self.client.force_authenticate(self.staff)

        assert self.client.delete(f"/api/follows/{follow.pk}/").status_code == 204

    def test_create_is_one_insert_without_pre_check_select(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            assert self.follow(self.bob.pk)["status"] == 201

        statements = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
        assert statements.count("INSERT") == 1
        assert "SELECT" not in statements


class FollowGraphAPITests(APITestCase):
    users: list[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = [User.objects.create_user(f"user{i}") for i in range(6)]
        hub = cls.users[0]
        for user in cls.users[1:]:
            Follow.objects.create(from_user=user, to_user=hub)
        Follow.objects.create(from_user=hub, to_user=cls.users[1])

    def test_user_detail_counts_followers_and_following(self) -> None:
        response = self.client.get(f"/api/users/{self.users[0].pk}/")

        assert response.json()["followers_count"] == 5
        assert response.json()["following_count"] == 1

    def test_followers_list_with_counts_in_constant_queries(self) -> None:
        hub = self.users[0]
        with CaptureQueriesContext(connection) as small:
            response = self.client.get(f"/api/users/{hub.pk}/followers/?limit=2")
        with CaptureQueriesContext(connection) as large:
            self.client.get(f"/api/users/{hub.pk}/followers/?limit=5")

        assert response.status_code == 200
        first = response.json()["results"][0]
        assert first["username"] == "user5"
        assert first["following_count"] == 1
        assert len(small) == len(large) == 2

    def test_following_list(self) -> None:
        response = self.client.get(f"/api/users/{self.users[0].pk}/following/")

        assert [u["username"] for u in response.json()["results"]] == ["user1"]
        assert response.json()["results"][0]["followers_count"] == 1

    def test_followers_of_unknown_user_is_404(self) -> None:
        assert self.client.get("/api/users/999999/followers/").status_code == 404
