from django.urls import path

from fenlei.taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category-edit"),
]
