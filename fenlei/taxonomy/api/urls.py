from rest_framework.routers import DefaultRouter

from fenlei.taxonomy.api import views

router = DefaultRouter()
router.register("categories", views.CategoryViewSet, basename="taxonomy-category")
router.register("streams", views.StreamViewSet, basename="taxonomy-stream")
urlpatterns = router.urls
