"""The collection pages; each part of the app keeps its routes in its own module."""

from django.urls import include, path

app_name = "collection"

urlpatterns = [
    path("", include("fenlei.collection.urls_measures")),
    path("", include("fenlei.collection.urls_records")),
    path("", include("fenlei.collection.urls_kitchen")),
    path("", include("fenlei.collection.urls_excel")),
]
