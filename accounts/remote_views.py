from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.encryption import TokenKeyMissing
from accounts.models import RemoteAPIAccount
from accounts.serializers import RemoteAPIAccountSerializer
from conditional.views import ConditionalMixin, PreconditionFailed
from idempotency.views import IdempotentPostMixin
from integrity.rest_framework import error_body_schema
from web.locations import created_headers
from web.schema import ErrorCode503Enum


class RefreshFailed(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = _("The remote API did not issue a token. The stored token is unchanged.")
    default_code = "remote_api_failed"


class RefreshNotConfigured(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The remote API is not configured.")
    default_code = "remote_api_not_configured"


class ErrorCode502Enum(models.TextChoices):
    REMOTE_API_FAILED = RefreshFailed.default_code


class ErrorCode503AccountEnum(models.TextChoices):
    DATABASE_UNAVAILABLE = ErrorCode503Enum.DATABASE_UNAVAILABLE.value
    REMOTE_API_TOKEN_KEY_MISSING = TokenKeyMissing.default_code


class ErrorCode503RefreshEnum(models.TextChoices):
    DATABASE_UNAVAILABLE = ErrorCode503Enum.DATABASE_UNAVAILABLE.value
    REMOTE_API_NOT_CONFIGURED = RefreshNotConfigured.default_code
    REMOTE_API_TOKEN_KEY_MISSING = TokenKeyMissing.default_code


class RemoteAPIAccountView(
    IdempotentPostMixin, ConditionalMixin, generics.GenericAPIView[RemoteAPIAccount]
):
    """The remote API's token: one row, staff only. The token itself is never shown."""

    permission_classes = (permissions.IsAdminUser,)
    serializer_class = RemoteAPIAccountSerializer
    # Without its encryption key the token can be neither stored nor read.
    error_schemas = {"503": error_body_schema(503, ErrorCode503AccountEnum, "RemoteAPIAccount")}

    def get_object(self) -> RemoteAPIAccount:
        account = RemoteAPIAccount.objects.current()
        if account is None:
            raise NotFound(_("No remote API account is stored."))
        self.check_object_permissions(self.request, account)
        return account

    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={201: RemoteAPIAccountSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        headers = created_headers(request, "remote-api-account")
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(responses={200: RemoteAPIAccountSerializer, 201: RemoteAPIAccountSerializer})
    def put(self, request: Request) -> Response:
        account = RemoteAPIAccount.objects.current() if self.has_preconditions(request) else None
        if account is not None:
            # Replace the version the client named, or nothing (412, 428).
            self.check_object_permissions(request, account)
            serializer = self.get_serializer(account, data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)
        if "If-Match" in request.headers and request.headers["If-Match"].strip() != "*":
            raise PreconditionFailed()  # there is no version of it to match
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.upsert():
            headers = created_headers(request, "remote-api-account")
            return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)
        return Response(serializer.data)

    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)

    def delete(self, request: Request) -> Response:
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RemoteAPIRefreshView(IdempotentPostMixin, APIView):
    permission_classes = (permissions.IsAdminUser,)

    @extend_schema(
        request=None,
        responses={
            200: RemoteAPIAccountSerializer,
            502: error_body_schema(502, ErrorCode502Enum),
            503: error_body_schema(503, ErrorCode503RefreshEnum, "Refresh"),
        },
    )
    def post(self, request: Request, *args: Any) -> Response:
        """Fetch a new token from the remote API and store it."""
        try:
            account = services.valid_account(force=True)
        except services.RemoteAPINotConfigured:
            raise RefreshNotConfigured() from None
        except services.RemoteAPIError:
            raise RefreshFailed() from None
        return Response(RemoteAPIAccountSerializer(account).data)
