"""Routes of the inspections API (/api/inspections/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from fenlei.inspections.api import measures, views

app_name = "inspections-api"

router = SimpleRouter()
router.register("checklists", views.ChecklistViewSet, basename="checklist")
router.register("targets", views.TargetViewSet, basename="target")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("orders", views.OrderViewSet, basename="order")
router.register("plan", views.PlanViewSet, basename="plan")

urlpatterns = [
    path("measures/", measures.MeasuresView.as_view(), name="measures"),
    path("coverage/", measures.CoverageView.as_view(), name="coverage"),
    path("history/<str:target_type>/<int:target_id>/", measures.HistoryView.as_view(), name="history"),
    *router.urls,
]
