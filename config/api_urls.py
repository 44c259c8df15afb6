"""The REST API: a router per app, mounted under /api/."""

from django.urls import include, path

urlpatterns = [
    path("org/", include("fenlei.org.api.urls")),
    path("accounts/", include("fenlei.accounts.api.urls")),
    path("taxonomy/", include("fenlei.taxonomy.api.urls")),
    path("facilities/", include("fenlei.facilities.api.urls")),
    path("people/", include("fenlei.people.api.urls")),
    path("publicity/", include("fenlei.publicity.api.urls")),
    path("units/", include("fenlei.units.api.urls")),
    path("collection/", include("fenlei.collection.api.urls")),
    path("inspections/", include("fenlei.inspections.api.urls")),
    path("campaign/", include("fenlei.campaign.api.urls")),
    path("public/", include("fenlei.public.api_urls")),
    path("core/", include("fenlei.core.api_urls")),
    path("notifications/", include("fenlei.core.api_notifications")),
]
