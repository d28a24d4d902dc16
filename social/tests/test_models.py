from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import TestCase

from accounts.models import User
from integrity.violations import identify_violation
from social.models import Follow


class FollowConstraintTests(TestCase):
    alice: User
    bob: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")
        cls.bob = User.objects.create_user("bob")

    def test_self_follow_create_names_the_check(self) -> None:
        with self.assertRaisesMessage(IntegrityError, "social_follow_prevent_self_follow"):
            Follow.objects.create(from_user=self.alice, to_user=self.alice)

    def test_self_follow_bulk_create_names_the_check(self) -> None:
        with self.assertRaisesMessage(IntegrityError, "social_follow_prevent_self_follow"):
            Follow.objects.bulk_create([Follow(from_user=self.bob, to_user=self.bob)])

    def test_self_follow_by_bulk_update_names_the_check(self) -> None:
        Follow.objects.create(from_user=self.alice, to_user=self.bob)

        with (
            self.assertRaisesMessage(IntegrityError, "social_follow_prevent_self_follow"),
            transaction.atomic(),
        ):
            Follow.objects.update(to_user=F("from_user"))

        assert Follow.objects.get().to_user == self.bob

    def test_duplicate_follow_is_refused(self) -> None:
        Follow.objects.create(from_user=self.alice, to_user=self.bob)

        # SQLite names the key's columns, PostgreSQL the constraint: both
        # identify the same declared rule.
        with self.assertRaises(IntegrityError) as raised, transaction.atomic():
            Follow.objects.create(from_user=self.alice, to_user=self.bob)

        rule = identify_violation(raised.exception)
        assert rule is not None
        assert rule.code == "social_follow_unique_relationships"
        assert Follow.objects.count() == 1

    def test_duplicate_follow_bulk_create_is_refused(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Follow.objects.bulk_create(
                [Follow(from_user=self.alice, to_user=self.bob) for _ in range(2)]
            )

        assert not Follow.objects.exists()

    def test_validate_constraints_reports_the_rules(self) -> None:
        follow = Follow(from_user=self.alice, to_user=self.alice)

        with self.assertRaisesMessage(Exception, "Users cannot follow themselves."):
            follow.validate_constraints()
