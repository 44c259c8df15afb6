from rest_framework.routers import DefaultRouter

app_name = "publicity-api"

router = DefaultRouter()
urlpatterns = router.urls
