"""The collection overview, the data-quality page and the office's configuration of the measures."""

from django.urls import path

from fenlei.collection import views_measures as v

urlpatterns = [
    path("", v.IndexView.as_view(), name="index"),
    path("quality/", v.QualityView.as_view(), name="quality"),
    path("baselines/", v.BaselineListView.as_view(), name="baseline-list"),
    path("baselines/add/", v.BaselineFormView.as_view(), name="baseline-add"),
    path("baselines/<int:pk>/edit/", v.BaselineFormView.as_view(), name="baseline-edit"),
    path("expected-reports/", v.ExpectedReportListView.as_view(), name="expectedreport-list"),
    path("expected-reports/add/", v.ExpectedReportFormView.as_view(), name="expectedreport-add"),
    path("expected-reports/<int:pk>/edit/", v.ExpectedReportFormView.as_view(), name="expectedreport-edit"),
    path("rules/", v.ValidationRuleListView.as_view(), name="validationrule-list"),
    path("rules/add/", v.ValidationRuleFormView.as_view(), name="validationrule-add"),
    path("rules/<int:pk>/edit/", v.ValidationRuleFormView.as_view(), name="validationrule-edit"),
]
