from __future__ import annotations

from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from web.exceptions import DatabaseUnavailable

_status = inline_serializer("HealthStatus", {"status": serializers.CharField()})


class LiveView(APIView):
    """The process answers; the database is not touched."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        summary="Check that the process answers", responses={200: _status}, tags=["health"]
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyView(APIView):
    """The process answers and the database answers a round trip."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        summary="Check that the database answers", responses={200: _status}, tags=["health"]
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            raise DatabaseUnavailable() from None
        return Response({"status": "ok"})
