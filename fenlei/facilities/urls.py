from django.urls import path

from fenlei.facilities.views import (
    CONTAINERS,
    DROPOFF,
    INTERMEDIATE,
    PURCHASES,
    STATIONS,
    TERMINALS,
    VEHICLES,
    IndexView,
)

app_name = "facilities"

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    *DROPOFF.urls(),
    *CONTAINERS.urls(),
    *STATIONS.urls(),
    *INTERMEDIATE.urls(),
    *VEHICLES.urls(),
    *TERMINALS.urls(),
    *PURCHASES.urls(),
]
