from rest_framework.routers import DefaultRouter

from fenlei.publicity.api import views

app_name = "publicity-api"

router = DefaultRouter()
router.register("activities", views.ActivityViewSet, basename="activity")
urlpatterns = router.urls
