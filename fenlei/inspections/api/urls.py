"""Routes of the inspections API (/api/inspections/)."""

from rest_framework.routers import SimpleRouter

from fenlei.inspections.api import views

app_name = "inspections-api"

router = SimpleRouter()
router.register("checklists", views.ChecklistViewSet, basename="checklist")
router.register("targets", views.TargetViewSet, basename="target")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("orders", views.OrderViewSet, basename="order")
router.register("plan", views.PlanViewSet, basename="plan")

urlpatterns = router.urls
