from django.urls import path

from fenlei.inspections import views_inspect

urlpatterns = [
    path("", views_inspect.InspectionListView.as_view(), name="inspection-list"),
    path("inspect/", views_inspect.StartView.as_view(), name="inspect-start"),
    path("inspect/nearby/", views_inspect.NearbyView.as_view(), name="inspect-nearby"),
    path("inspect/submit/", views_inspect.SubmitView.as_view(), name="inspect-submit"),
    path(
        "inspect/<str:target_type>/<int:target_id>/",
        views_inspect.FormView.as_view(),
        name="inspect-form",
    ),
    path("<int:pk>/", views_inspect.InspectionDetailView.as_view(), name="inspection-detail"),
    path("<int:pk>/files/<int:file>/", views_inspect.InspectionFileView.as_view(), name="inspection-file"),
    path(
        "<int:pk>/files/<int:file>/thumb/",
        views_inspect.InspectionThumbView.as_view(),
        name="inspection-thumb",
    ),
]
