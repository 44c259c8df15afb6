from django.urls import path

from fenlei.people import views
from fenlei.people.faces import REGISTRY

app_name = "people"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    *[pattern for faces in REGISTRY.values() for pattern in faces.urls()],
]
