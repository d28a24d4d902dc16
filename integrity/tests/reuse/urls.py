from __future__ import annotations

from rest_framework.routers import SimpleRouter
from shop.views import ItemViewSet

router = SimpleRouter()
router.register("items", ItemViewSet)
urlpatterns = router.urls
