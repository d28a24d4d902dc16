from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, permissions, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from accounts.serializers import RegistrationSerializer, TokenRequestSerializer, UserSerializer
from api.parsers import JSONParser
from api.throttling import ScopedThrottle

# The codes of Django's password validators (AUTH_PASSWORD_VALIDATORS).
PASSWORD_CODES = [
    "password_entirely_numeric",
    "password_too_common",
    "password_too_short",
    "password_too_similar",
]


@extend_validation_errors(["authorization"], field_name="non_field_errors", methods=["post"])
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token."""

    authentication_classes = ()
    parser_classes = (JSONParser,)
    serializer_class = TokenRequestSerializer
    throttle_classes = (ScopedThrottle,)
    throttle_scope = "auth"


@extend_validation_errors(PASSWORD_CODES, field_name="password", actions=["create"])
class UserViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet[User],
):
    """Users: open registration, public profiles, and the authenticated user."""

    queryset = User.objects.filter(is_active=True)
    permission_classes = (permissions.AllowAny,)

    def get_queryset(self) -> QuerySet[User]:
        return super().get_queryset().order_by("pk")

    def get_serializer_class(self) -> type[BaseSerializer[User]]:
        if self.action == "create":
            return RegistrationSerializer
        return UserSerializer

    def get_throttles(self) -> list[Any]:
        if self.action == "create":
            self.throttle_scope = "register"
            return [ScopedThrottle()]
        return super().get_throttles()

    @action(detail=False, permission_classes=[permissions.IsAuthenticated])
    def me(self, request: Request) -> Response:
        instance = self.get_queryset().get(pk=request.user.pk or 0)
        return Response(self.get_serializer(instance).data)
