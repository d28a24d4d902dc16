"""The follow routes as a stock ModelViewSet, and a health view: the baseline's floor."""

from __future__ import annotations

from django.urls import include, path
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from social.models import Follow


class FollowSerializer(serializers.ModelSerializer[Follow]):
    from_user = serializers.HiddenField(default=serializers.CurrentUserDefault())

    class Meta:
        model = Follow
        fields = ["id", "from_user", "to_user", "created_at"]


class FollowViewSet(viewsets.ModelViewSet[Follow]):
    queryset = Follow.objects.order_by("-id")
    serializer_class = FollowSerializer


class Live(APIView):
    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


router = SimpleRouter()
router.register("follows", FollowViewSet)
urlpatterns = [
    path("api/", include(router.urls)),
    path("api/health/live/", Live.as_view()),
    path("api/health/ready/", Live.as_view()),
]
