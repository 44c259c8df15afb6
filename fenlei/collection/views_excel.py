"""The records' Excel pages: the template, the import (checked, then confirmed, as every ledger's) and
the export of the records list as filtered. The work is the core's import machinery and the ledger
(`fenlei.collection.importexport`); these views only name them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fenlei.collection.filtersets import RecordFilterSet
from fenlei.collection.importexport import RecordLedger
from fenlei.core.views_importexport import ExportView, ImportView, TemplateDownloadView


class RecordExcelMixin:
    ledger_class = RecordLedger
    list_url_name = "collection:record-list"
    title = _("Import collection records from Excel")


class RecordImportView(RecordExcelMixin, ImportView):
    pass


class RecordTemplateView(RecordExcelMixin, TemplateDownloadView):
    pass


class RecordExportView(RecordExcelMixin, ExportView):
    """The records of the list, with the list's filters (its query string, the one FilterSet); voided
    records only when the filter asks for them."""

    filterset_class = RecordFilterSet

    def unfiltered(self, queryset):
        return queryset.filter(voided_at__isnull=True)
