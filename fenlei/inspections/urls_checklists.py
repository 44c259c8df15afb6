from django.urls import path

from fenlei.inspections import views_checklists as v

urlpatterns = [
    path("", v.TemplateListView.as_view(), name="template-list"),
    path("<int:pk>/", v.TemplateDetailView.as_view(), name="template-detail"),
    path("<int:pk>/versions/<int:number>/", v.VersionDetailView.as_view(), name="template-version"),
    path("<int:pk>/revise/", v.ReviseView.as_view(), name="template-revise"),
    path("quotas/", v.QuotaListView.as_view(), name="quota-list"),
    path("quotas/add/", v.QuotaFormView.as_view(), name="quota-add"),
    path("quotas/<int:pk>/edit/", v.QuotaFormView.as_view(), name="quota-edit"),
]
