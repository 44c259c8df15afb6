from django.urls import path
from rest_framework.routers import DefaultRouter

from fenlei.accounts.api import views

router = DefaultRouter()
router.register("users", views.UserViewSet, basename="accounts-user")
router.register("assignments", views.RoleAssignmentViewSet, basename="accounts-assignment")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="accounts-me"),
    *router.urls,
]
