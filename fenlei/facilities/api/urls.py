from rest_framework.routers import DefaultRouter

from fenlei.facilities.api import views

app_name = "facilities-api"

router = DefaultRouter()
router.register("dropoff-points", views.DropOffPointViewSet, basename="dropoff")
router.register("containers", views.ContainerViewSet, basename="container")
router.register("stations", views.CollectionStationViewSet, basename="station")
router.register("intermediate-facilities", views.IntermediateFacilityViewSet, basename="intermediate")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("terminal-facilities", views.TerminalFacilityViewSet, basename="terminal")
router.register("purchases", views.PurchasePlanViewSet, basename="purchase")
urlpatterns = router.urls
