"""Guide cards (指引卡): one per site, or a community's in one PDF."""

app_name = "cards"
urlpatterns: list = []
