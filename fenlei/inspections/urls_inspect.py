from django.urls import path

from fenlei.inspections import views_inspect

urlpatterns = [
    path("<int:pk>/", views_inspect.InspectionDetailView.as_view(), name="inspection-detail"),
]
