from django.urls import path

from fenlei.facilities.views_capacity import CapacityExportView, CapacityView

app_name = "capacity"

urlpatterns = [
    path("", CapacityView.as_view(), name="index"),
    path("export/", CapacityExportView.as_view(), name="export"),
]
