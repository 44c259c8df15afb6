"""The inspection pages: the phone's inspection form, rectification orders, checklists, plans and
measures. Each part has its own URL module."""

from django.urls import include, path

app_name = "inspections"

urlpatterns = [
    path("", include("fenlei.inspections.urls_inspect")),
    path("orders/", include("fenlei.inspections.urls_orders")),
    path("checklists/", include("fenlei.inspections.urls_checklists")),
    path("", include("fenlei.inspections.urls_plan")),
]
