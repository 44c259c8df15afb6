from django.urls import path

from fenlei.public import views

app_name = "public"

urlpatterns = [path("", views.LookupView.as_view(), name="lookup")]
