"""The campaign's pages: the office's campaign page, each unit's checklist, items and their evidence
(`views`); campaigns, their checklists, the Excel export and snapshots (`views_setup`); demonstration
sites (`views_demo`)."""

from django.urls import path

from fenlei.campaign import views as v
from fenlei.campaign import views_demo as d
from fenlei.campaign import views_files as f
from fenlei.campaign import views_setup as s

app_name = "campaign"

urlpatterns = [
    path("", v.IndexView.as_view(), name="index"),
    path("<int:pk>/", v.CampaignView.as_view(), name="detail"),
    path("<int:pk>/units/<int:area_id>/", v.UnitView.as_view(), name="unit"),
    path("items/<int:pk>/", v.ItemView.as_view(), name="item"),
    path("items/<int:pk>/edit/", v.ItemEditView.as_view(), name="item-edit"),
    path("items/<int:pk>/evidence/", v.EvidenceSubmitView.as_view(), name="evidence-submit"),
    path("evidence/<int:pk>/decide/", v.EvidenceDecideView.as_view(), name="evidence-decide"),
    path("evidence/<int:pk>/files/<int:file>/", f.EvidenceFileView.as_view(), name="evidence-file"),
    path(
        "evidence/<int:pk>/files/<int:file>/thumb/",
        f.EvidenceFileView.as_view(thumbnail=True),
        name="evidence-thumbnail",
    ),
    path("campaigns/", s.CampaignListView.as_view(), name="list"),
    path("campaigns/add/", s.CampaignAddView.as_view(), name="add"),
    path("<int:pk>/edit/", s.CampaignEditView.as_view(), name="edit"),
    path("<int:pk>/requirements/", s.RequirementListView.as_view(), name="requirements"),
    path("<int:pk>/requirements/add/", s.RequirementAddView.as_view(), name="requirement-add"),
    path("requirements/<int:pk>/edit/", s.RequirementEditView.as_view(), name="requirement-edit"),
    path("<int:pk>/export/", s.ExportView.as_view(), name="export"),
    path("<int:pk>/snapshots/", s.SnapshotListView.as_view(), name="snapshots"),
    path("snapshots/<int:pk>/", s.SnapshotView.as_view(), name="snapshot"),
    path("<int:pk>/demo/", d.DemoListView.as_view(), name="demo-list"),
    path("<int:pk>/demo/apply/", d.DemoApplyView.as_view(), name="demo-apply"),
    path("demo/<int:pk>/", d.DemoDetailView.as_view(), name="demo-detail"),
    path("demo/<int:pk>/files/<int:file>/", f.DemoFileView.as_view(), name="demo-file"),
    path(
        "demo/<int:pk>/files/<int:file>/thumb/", f.DemoFileView.as_view(thumbnail=True), name="demo-thumbnail"
    ),
    path("demo/<int:pk>/<str:step>/", d.DemoStepView.as_view(), name="demo-step"),
]
