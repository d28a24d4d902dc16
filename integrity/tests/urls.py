"""The test models' viewsets, for integrity's tests run on their own."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from integrity.tests.constraint_models import views

router = SimpleRouter()
router.register("parents", views.ParentViewSet)
router.register("children", views.ChildViewSet)
router.register("singletons", views.SingletonViewSet)
router.register("windows", views.WindowViewSet)

urlpatterns = router.urls
