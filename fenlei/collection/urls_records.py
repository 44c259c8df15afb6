"""Routes of the records, trips, devices and alarms pages."""

from django.urls import path

from fenlei.collection import views_alarms, views_devices, views_records, views_trips

urlpatterns: list = [
    # records
    path("records/", views_records.RecordListView.as_view(), name="record-list"),
    path("records/add/", views_records.RecordAddView.as_view(), name="record-add"),
    path("records/sources/", views_records.RecordSourcesView.as_view(), name="record-sources"),
    path("records/<int:pk>/", views_records.RecordDetailView.as_view(), name="record-detail"),
    path("records/<int:pk>/correct/", views_records.RecordCorrectView.as_view(), name="record-correct"),
    path("records/<int:pk>/void/", views_records.RecordVoidView.as_view(), name="record-void"),
    path("records/<int:pk>/follow-up/", views_records.RecordFollowUpView.as_view(), name="record-follow-up"),
    path("records/<int:pk>/history/", views_records.RecordHistoryView.as_view(), name="record-history"),
    # trips
    path("trips/", views_trips.TripListView.as_view(), name="trip-list"),
    path("trips/<int:pk>/", views_trips.TripDetailView.as_view(), name="trip-detail"),
    path("trips/<int:pk>/unload/", views_trips.TripUnloadView.as_view(), name="trip-unload"),
    path("trips/<int:pk>/history/", views_trips.TripHistoryView.as_view(), name="trip-history"),
    # devices (the district office)
    path("devices/", views_devices.DeviceListView.as_view(), name="device-list"),
    path("devices/add/", views_devices.DeviceAddView.as_view(), name="device-add"),
    path("devices/<int:pk>/", views_devices.DeviceDetailView.as_view(), name="device-detail"),
    path("devices/<int:pk>/rotate/", views_devices.DeviceRotateView.as_view(), name="device-rotate"),
    path("devices/<int:pk>/close/", views_devices.DeviceCloseView.as_view(), name="device-close"),
    path("devices/<int:pk>/history/", views_devices.DeviceHistoryView.as_view(), name="device-history"),
    # alarms
    path("alarms/", views_alarms.AlarmListView.as_view(), name="alarm-list"),
    path("alarms/<int:pk>/", views_alarms.AlarmDetailView.as_view(), name="alarm-detail"),
    path("alarms/<int:pk>/state/", views_alarms.AlarmStateView.as_view(), name="alarm-state"),
]
