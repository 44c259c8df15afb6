"""The office's entry to the resident services."""

from django.urls import path

from fenlei.public import views_office

app_name = "residents"
urlpatterns = [path("", views_office.IndexView.as_view(), name="index")]
