from __future__ import annotations

from rest_framework.routers import SimpleRouter

from scoring.views import DurationScoreViewSet, EventViewSet, PointsScoreViewSet, ScoreViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("scores", ScoreViewSet, basename="score")
router.register("point-scores", PointsScoreViewSet, basename="points-score")
router.register("duration-scores", DurationScoreViewSet, basename="duration-score")

urlpatterns = router.urls
