from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from accounts.models import RemoteAPIAccount, User
from integrity.rest_framework.errors import violations_as_400
from integrity.rest_framework.serializers import ConstraintModelSerializer, StrictFieldsMixin


class TokenRequestSerializer(StrictFieldsMixin, AuthTokenSerializer):
    # As registration stores it: untrimmed.
    username = serializers.CharField(label="Username", write_only=True, trim_whitespace=False)


class UserSerializer(ConstraintModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = ["username"]


class RegistrationSerializer(ConstraintModelSerializer[User]):
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = ["id", "username", "password"]
        # The schema publishes the username pattern `^[\w.@+-]+$`, and a JSON Schema
        # pattern is ECMA-262's, where `\w` is ASCII: every client validates ASCII, so
        # the service does too (Django's own validator would take any Unicode letter).
        extra_kwargs = {"username": {"validators": [ASCIIUsernameValidator()]}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                {"password": serializers.as_serializer_error(exc)["non_field_errors"]}
            ) from None
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        with violations_as_400(User, error_attr=self.error_attr, one_statement=True):
            return User.objects.create_user(**validated_data)


class RemoteAPIAccountSerializer(ConstraintModelSerializer[RemoteAPIAccount]):
    """The token is written, never read back: only a hint of its last characters."""

    access_token = serializers.CharField(write_only=True, trim_whitespace=False)
    access_token_hint = serializers.CharField(read_only=True)
    expires_in = serializers.SerializerMethodField()
    is_expired = serializers.SerializerMethodField()

    class Meta:
        model = RemoteAPIAccount
        fields = [
            "access_token",
            "access_token_hint",
            "access_token_expires",
            "expires_in",
            "is_expired",
        ]

    def get_expires_in(self, account: RemoteAPIAccount) -> int:
        """Seconds until the token expires; 0 once it has."""
        return max(0, int((account.access_token_expires - timezone.now()).total_seconds()))

    def get_is_expired(self, account: RemoteAPIAccount) -> bool:
        return account.access_token_expires <= timezone.now()

    def create(self, validated_data: dict[str, Any]) -> RemoteAPIAccount:
        # An INSERT of row 1: the database refuses a second account.
        validated_data["id"] = RemoteAPIAccount.SINGLETON_ID
        return super().create(validated_data)

    def upsert(self) -> bool:
        """Store the validated values as row 1, whether it exists or not: True if created."""
        with violations_as_400(RemoteAPIAccount, error_attr=self.error_attr):
            self.instance, created = RemoteAPIAccount.objects.store(**self.validated_data)
        return created
