from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from accounts.serializers import RegistrationSerializer, TokenRequestSerializer, UserSerializer
from conditional.views import RepresentationTagMixin
from idempotency.views import IdempotentPostMixin
from web.locations import CreatedLocationMixin
from web.parsers import JSONParser
from web.throttling import ScopedThrottle

# The codes of Django's password validators (AUTH_PASSWORD_VALIDATORS).
PASSWORD_CODES = [
    "password_entirely_numeric",
    "password_too_common",
    "password_too_short",
    "password_too_similar",
]


@extend_schema_view(post=extend_schema(summary="Obtain the API token for a username and password"))
@extend_validation_errors(["authorization"], field_name="non_field_errors", methods=["post"])
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token; revoke it."""

    parser_classes = (JSONParser,)
    serializer_class = TokenRequestSerializer
    throttle_classes = (ScopedThrottle,)
    throttle_scope = "auth"
    # No IdempotentPostMixin: its answer is the API token, which must not be
    # kept in a second table, nor a revoked token come back from a replay.

    def revoking(self) -> bool:
        # Signing in reads no credentials but the body's (a stale token header
        # must not refuse it); revoking is done by the token's own user. DRF
        # asks for the authenticators before it wraps the request: self.request
        # is Django's then, DRF's later; both have the method (the schema
        # generator may have none yet).
        request = getattr(self, "request", None)
        return request is not None and request.method == "DELETE"

    def get_authenticators(self) -> list[BaseAuthentication]:
        return super().get_authenticators() if self.revoking() else []

    def get_permissions(self) -> Sequence[Any]:
        if self.revoking():
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the caller's token: it authenticates no further request."""
        Token.objects.filter(user_id=request.user.pk or 0).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(PASSWORD_CODES, field_name="password", actions=["create"])
class UserViewSet(
    IdempotentPostMixin,
    RepresentationTagMixin,
    CreatedLocationMixin,
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
        """Retrieve the signed-in user."""
        instance = self.get_queryset().get(pk=request.user.pk or 0)
        return Response(self.get_serializer(instance).data)
