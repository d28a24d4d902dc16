from __future__ import annotations

from rest_framework.routers import SimpleRouter

from social.views import FollowViewSet, UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("follows", FollowViewSet, basename="follow")

urlpatterns = router.urls
