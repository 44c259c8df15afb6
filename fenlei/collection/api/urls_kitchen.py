"""The kitchen-waste chain's API: transfer manifests and the summary per restaurant."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from fenlei.collection.api import kitchen

router = SimpleRouter()
router.register("manifests", kitchen.ManifestViewSet, basename="manifest")

urlpatterns = [
    path("kitchen/", kitchen.KitchenSummaryView.as_view(), name="kitchen-summary"),
    *router.urls,
]
