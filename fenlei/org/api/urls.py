"""The structure's API router, mounted at /api/org/ (URL names in the "org-api" namespace)."""

from rest_framework.routers import DefaultRouter

from fenlei.org.api import views

app_name = "org-api"

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("sites", views.SiteViewSet, basename="site")
router.register("site-kinds", views.SiteKindViewSet, basename="sitekind")
router.register("authorities", views.AuthorityViewSet, basename="authority")
router.register("hauliers", views.HaulerViewSet, basename="hauler")

urlpatterns = router.urls
