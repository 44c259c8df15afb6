"""The kitchen-waste pages (餐厨): restaurants, transfer manifests, receipt at the plant."""

from django.urls import path

from fenlei.collection import views_kitchen as views

urlpatterns = [
    path("kitchen/", views.KitchenView.as_view(), name="kitchen"),
    path("kitchen/manifests/", views.ManifestListView.as_view(), name="manifest-list"),
    path("kitchen/manifests/<int:pk>/", views.ManifestDetailView.as_view(), name="manifest-detail"),
    path("kitchen/manifests/<int:pk>/receive/", views.ManifestReceiveView.as_view(), name="manifest-receive"),
    path("kitchen/manifests/<int:pk>/cancel/", views.ManifestCancelView.as_view(), name="manifest-cancel"),
    path("kitchen/trips/<int:pk>/receive/", views.TripReceiveView.as_view(), name="kitchen-trip-receive"),
]
