"""Residents' reports: the public form and status page, and the queue of the office and streets."""

from django.urls import path

from fenlei.public import views_reports as views

app_name = "reports"
urlpatterns = [
    path("", views.ReportFormView.as_view(), name="new"),
    path("s/<str:token>/", views.StatusView.as_view(), name="status"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("queue/<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("queue/<int:pk>/order/", views.ReportOrderView.as_view(), name="order"),
    path("queue/<int:pk>/decline/", views.ReportDeclineView.as_view(), name="decline"),
    path("queue/<int:pk>/files/<int:file>/", views.ReportFileView.as_view(), name="file"),
    path(
        "queue/<int:pk>/files/<int:file>/thumb/",
        views.ReportFileView.as_view(thumbnail=True),
        name="thumbnail",
    ),
]
