"""URL map: one include per app, the API under /api/, the schema and its docs page."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("fenlei.core.urls")),
    path("org/", include("fenlei.org.urls")),
    path("accounts/", include("fenlei.accounts.urls")),
    path("taxonomy/", include("fenlei.taxonomy.urls")),
    path("facilities/capacity/", include("fenlei.facilities.capacity_urls")),
    path("facilities/", include("fenlei.facilities.urls")),
    path("people/", include("fenlei.people.urls")),
    path("publicity/", include("fenlei.publicity.urls")),
    path("units/", include("fenlei.units.urls")),
    path("collection/", include("fenlei.collection.urls")),
    path("inspections/", include("fenlei.inspections.urls")),
    path("campaign/", include("fenlei.campaign.urls")),
    path("which-bin/", include("fenlei.public.urls")),
    path("dictionary/", include("fenlei.public.urls_dictionary")),
    path("guide-cards/", include("fenlei.public.urls_cards")),
    path("quiz/", include("fenlei.public.urls_quiz")),
    path("report/", include("fenlei.public.urls_reports")),
    path("residents/", include("fenlei.public.urls_office")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]

handler403 = "fenlei.core.views.forbidden"
handler404 = "fenlei.core.views.not_found"

# Nothing under MEDIA_ROOT is served from a public URL, not even with DEBUG: ledger files are read
# through views that check the user's scope on the row they belong to (fenlei.core.views_attachments).
