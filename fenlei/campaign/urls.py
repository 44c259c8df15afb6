"""The campaign's pages: the office's campaign page, each unit's checklist, items and their evidence,
snapshots, and demonstration sites."""

from django.urls import path

from fenlei.campaign import views as v
from fenlei.campaign import views_demo as d

app_name = "campaign"

urlpatterns = [
    path("", v.IndexView.as_view(), name="index"),
    path("campaigns/", v.CampaignListView.as_view(), name="list"),
    path("<int:pk>/", v.CampaignView.as_view(), name="detail"),
    path("<int:pk>/export/", v.ExportView.as_view(), name="export"),
    path("<int:pk>/requirements/", v.RequirementListView.as_view(), name="requirements"),
    path("<int:pk>/units/<int:area_id>/", v.UnitView.as_view(), name="unit"),
    path("items/<int:pk>/", v.ItemView.as_view(), name="item"),
    path("items/<int:pk>/evidence/", v.EvidenceSubmitView.as_view(), name="evidence-submit"),
    path("evidence/<int:pk>/decide/", v.EvidenceDecideView.as_view(), name="evidence-decide"),
    path("<int:pk>/snapshots/", v.SnapshotListView.as_view(), name="snapshots"),
    path("snapshots/<int:pk>/", v.SnapshotView.as_view(), name="snapshot"),
    path("<int:pk>/demo/", d.DemoListView.as_view(), name="demo-list"),
    path("<int:pk>/demo/apply/", d.DemoApplyView.as_view(), name="demo-apply"),
    path("demo/<int:pk>/", d.DemoDetailView.as_view(), name="demo-detail"),
    path("demo/<int:pk>/<str:step>/", d.DemoStepView.as_view(), name="demo-step"),
]
