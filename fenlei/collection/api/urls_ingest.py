"""Routes of the bulk endpoint and of the records, trips, devices and alarms APIs."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from fenlei.collection.api import views
from fenlei.collection.api.ingest import IngestView

router = SimpleRouter()
router.register("records", views.RecordViewSet, basename="record")
router.register("trips", views.TripViewSet, basename="trip")
router.register("devices", views.DeviceViewSet, basename="device")
router.register("alarms", views.AlarmViewSet, basename="alarm")

urlpatterns = [
    path("ingest/", IngestView.as_view(), name="ingest"),
    *router.urls,
]
