from rest_framework.routers import DefaultRouter

from fenlei.facilities.api import views

app_name = "facilities-api"

router = DefaultRouter()
router.register("dropoff-points", views.DropOffPointViewSet, basename="dropoff")
router.register("containers", views.ContainerViewSet, basename="container")
urlpatterns = router.urls
