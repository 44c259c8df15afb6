from django.urls import path

from fenlei.org import views
from fenlei.org.ledger_faces import SiteOptionsView

app_name = "org"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("freshness/", views.FreshnessView.as_view(), name="freshness"),
    path("site-options/", SiteOptionsView.as_view(), name="site-options"),
    path("areas/", views.AreaListView.as_view(), name="area-list"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("areas/<int:pk>/add/", views.AreaAddView.as_view(), name="area-add"),
    path("areas/<int:pk>/edit/", views.AreaEditView.as_view(), name="area-edit"),
    path("areas/<int:pk>/close/", views.AreaCloseView.as_view(), name="area-close"),
    path("areas/<int:pk>/reopen/", views.AreaReopenView.as_view(), name="area-reopen"),
    path("areas/<int:pk>/move/", views.AreaMoveView.as_view(), name="area-move"),
    path("areas/<int:pk>/history/", views.AreaHistoryView.as_view(), name="area-history"),
    path("sites/", views.SiteListView.as_view(), name="site-list"),
    path("sites/add/", views.SiteAddView.as_view(), name="site-add"),
    path("sites/import/", views.SiteImportView.as_view(), name="site-import"),
    path("sites/import/template/", views.SiteTemplateView.as_view(), name="site-import-template"),
    path("sites/export/", views.SiteExportView.as_view(), name="site-export"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site-detail"),
    path("sites/<int:pk>/edit/", views.SiteEditView.as_view(), name="site-edit"),
    path("sites/<int:pk>/close/", views.SiteCloseView.as_view(), name="site-close"),
    path("sites/<int:pk>/reopen/", views.SiteReopenView.as_view(), name="site-reopen"),
    path("sites/<int:pk>/history/", views.SiteHistoryView.as_view(), name="site-history"),
    path("authorities/", views.AuthorityListView.as_view(), name="authority-list"),
    path("authorities/add/", views.AuthorityFormView.as_view(), name="authority-add"),
    path("authorities/<int:pk>/", views.AuthorityDetailView.as_view(), name="authority-detail"),
    path("authorities/<int:pk>/edit/", views.AuthorityFormView.as_view(), name="authority-edit"),
    path("authorities/<int:pk>/close/", views.AuthorityCloseView.as_view(), name="authority-close"),
    path("authorities/<int:pk>/reopen/", views.AuthorityReopenView.as_view(), name="authority-reopen"),
    path("authorities/<int:pk>/history/", views.AuthorityHistoryView.as_view(), name="authority-history"),
    path("hauliers/", views.HaulerListView.as_view(), name="hauler-list"),
    path("hauliers/add/", views.HaulerFormView.as_view(), name="hauler-add"),
    path("hauliers/<int:pk>/", views.HaulerDetailView.as_view(), name="hauler-detail"),
    path("hauliers/<int:pk>/edit/", views.HaulerFormView.as_view(), name="hauler-edit"),
    path("hauliers/<int:pk>/close/", views.HaulerCloseView.as_view(), name="hauler-close"),
    path("hauliers/<int:pk>/reopen/", views.HaulerReopenView.as_view(), name="hauler-reopen"),
    path("hauliers/<int:pk>/history/", views.HaulerHistoryView.as_view(), name="hauler-history"),
]
