"""The records in Excel: template, import (a checked job, then confirmed), export of the filtered list."""

from django.urls import path

from fenlei.collection import views_excel

urlpatterns = [
    path("records/import/", views_excel.RecordImportView.as_view(), name="record-import"),
    path("records/import/template/", views_excel.RecordTemplateView.as_view(), name="record-template"),
    path("records/export/", views_excel.RecordExportView.as_view(), name="record-export"),
]
