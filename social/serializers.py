from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from accounts.models import User
from accounts.serializers import UserSerializer
from integrity.rest_framework.serializers import ConstraintModelSerializer
from social.models import Follow


class FollowSerializer(ConstraintModelSerializer[Follow]):
    class Meta:
        model = Follow
        fields = ["id", "from_user", "to_user", "created_at"]
        # The authenticated user unless given; a batch's rows default alike.
        extra_kwargs = {"from_user": {"default": serializers.CurrentUserDefault()}}
        constraint_attrs = {
            "social_follow_prevent_self_follow": "to_user",
            "social_follow_unique_relationships": "to_user",
        }

    def validate_from_user(self, value: User) -> User:
        user = self.context["request"].user
        if value.pk != user.pk and not user.is_staff:
            raise PermissionDenied(_("Only staff may follow on behalf of another user."))
        return value


class UserWithCountsSerializer(UserSerializer):
    followers_count = serializers.IntegerField(read_only=True)
    following_count = serializers.IntegerField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "followers_count", "following_count"]
