"""Routes of the campaign API (/api/campaign/)."""

from rest_framework.routers import SimpleRouter

from fenlei.campaign.api import views, views_demo

app_name = "campaign-api"

router = SimpleRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("units", views.UnitViewSet, basename="unit")
router.register("items", views.ItemViewSet, basename="item")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("demo-sites", views_demo.DemoSiteViewSet, basename="demo-site")
router.register("snapshots", views.SnapshotViewSet, basename="snapshot")

urlpatterns = router.urls
