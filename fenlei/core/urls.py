from django.urls import path

from fenlei.core import views, views_imports, views_inbox

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views_inbox.InboxView.as_view(), name="inbox"),
    path("inbox/read/", views_inbox.InboxReadView.as_view(), name="inbox-read"),
    path("inbox/<int:pk>/", views_inbox.InboxOpenView.as_view(), name="inbox-open"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit-detail"),
    path("imports/", views_imports.ImportJobListView.as_view(), name="import-jobs"),
    path("imports/<int:pk>/", views_imports.ImportJobView.as_view(), name="import-job"),
    path(
        "imports/<int:pk>/progress/",
        views_imports.ImportJobProgressView.as_view(),
        name="import-job-progress",
    ),
    path(
        "imports/<int:pk>/confirm/", views_imports.ImportJobConfirmView.as_view(), name="import-job-confirm"
    ),
    path("imports/<int:pk>/cancel/", views_imports.ImportJobCancelView.as_view(), name="import-job-cancel"),
    path("imports/<int:pk>/retry/", views_imports.ImportJobRetryView.as_view(), name="import-job-retry"),
]
