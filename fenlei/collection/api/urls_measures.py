"""The measures' API routes (`fenlei.collection.api.measures`)."""

from django.urls import path

from fenlei.collection.api import measures

urlpatterns = [
    path("measures/", measures.MeasuresView.as_view(), name="measures"),
    path("measures/children/", measures.ChildrenView.as_view(), name="measures-children"),
    path("measures/quality/", measures.QualityView.as_view(), name="measures-quality"),
]
