"""The knowledge contest in the API."""

urlpatterns: list = []
