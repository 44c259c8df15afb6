from django.urls import path

from fenlei.inspections import views_plan as v

urlpatterns = [
    path("plan/", v.PlanTodayView.as_view(), name="plan-today"),
    path("plan/make/", v.MakePlanView.as_view(), name="plan-make"),
    path("coverage/", v.CoverageView.as_view(), name="coverage"),
    path("measures/", v.MeasuresView.as_view(), name="measures"),
    path("targets/<str:target_type>/<int:target_id>/", v.TargetHistoryView.as_view(), name="target-history"),
]
