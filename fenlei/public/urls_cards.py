"""Guide cards (指引卡): one per site, or a community's (a street's) in one PDF."""

from django.urls import path

from fenlei.public import views_cards as views

app_name = "cards"
urlpatterns = [
    path("", views.CardIndexView.as_view(), name="index"),
    path("site/<int:pk>/", views.SiteCardView.as_view(), name="site"),
    path("site/<int:pk>/pdf/", views.SiteCardPdfView.as_view(), name="site-pdf"),
    path("community/<int:pk>/", views.CommunityCardsView.as_view(), name="community"),
    path("community/<int:pk>/pdf/", views.CommunityCardsPdfView.as_view(), name="community-pdf"),
    path("street/<int:pk>/pdf/", views.StreetCardsPdfView.as_view(), name="street-pdf"),
]
