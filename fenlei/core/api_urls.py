from rest_framework.routers import DefaultRouter

from fenlei.core import api_views

router = DefaultRouter()
router.register("audit", api_views.AuditEntryViewSet, basename="core-audit")
urlpatterns = router.urls
