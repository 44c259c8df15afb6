"""The collection API: records and trips, the bulk endpoint for devices, measures, alarms."""

from django.urls import include, path

app_name = "collection-api"

urlpatterns = [
    path("", include("fenlei.collection.api.urls_ingest")),
    path("", include("fenlei.collection.api.urls_measures")),
    path("", include("fenlei.collection.api.urls_kitchen")),
]
