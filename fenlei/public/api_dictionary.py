"""The dictionary and the answers residents reported wrong, in the API."""

urlpatterns: list = []
