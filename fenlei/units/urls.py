from django.urls import path

from fenlei.units.views import INSTITUTIONS, RESTAURANTS, IndexView

app_name = "units"

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    *INSTITUTIONS.urls(),
    *RESTAURANTS.urls(),
]
