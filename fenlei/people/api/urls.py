from rest_framework.routers import DefaultRouter

app_name = "people-api"

router = DefaultRouter()
urlpatterns = router.urls
