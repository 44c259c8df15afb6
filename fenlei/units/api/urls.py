from rest_framework.routers import DefaultRouter

from fenlei.units.api import views

app_name = "units-api"

router = DefaultRouter()
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("restaurants", views.RestaurantViewSet, basename="restaurant")
urlpatterns = router.urls
