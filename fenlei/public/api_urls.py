"""The residents' services in the API (namespace public-api): each part keeps its own routes."""

from fenlei.public import api, api_dictionary, api_quiz, api_reports

app_name = "public-api"
urlpatterns = [*api.urlpatterns, *api_dictionary.urlpatterns, *api_quiz.urlpatterns, *api_reports.urlpatterns]
