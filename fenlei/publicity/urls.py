from fenlei.publicity.views import ACTIVITIES

app_name = "publicity"

urlpatterns = [*ACTIVITIES.urls()]
