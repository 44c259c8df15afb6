"""The campaign's API under /api/campaign/ (being built)."""

from rest_framework.routers import DefaultRouter

app_name = "campaign-api"

router = DefaultRouter()
urlpatterns = router.urls
