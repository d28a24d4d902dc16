from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.models import User
from api.serializers import ConstraintModelSerializer


class UserSerializer(ConstraintModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = ["username"]


class RegistrationSerializer(ConstraintModelSerializer[User]):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["id", "username", "password"]

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
        with self.translated_writes():
            return User.objects.create_user(**validated_data)
