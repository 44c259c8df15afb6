from fenlei.facilities.views import CONTAINERS, DROPOFF

app_name = "facilities"

urlpatterns = [*DROPOFF.urls(), *CONTAINERS.urls()]
