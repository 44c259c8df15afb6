"""The office's pages of the item dictionary and of the answers residents reported wrong."""

app_name = "dictionary"
urlpatterns: list = []
