"""The records' Excel pages: the template, the import (checked, then confirmed, as every ledger's) and
the export of the records list as filtered. The work is the core's import machinery and the ledger
(`fenlei.collection.importexport`); these views only name them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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
    """The records of the list, with the list's filters (its query string); voided records only when
    the filter asks for them."""

    @property
    def filterset_class(self):
        try:
            from fenlei.collection.filtersets import RecordFilterSet
        except ImportError:  # built without the records pages: the export takes no filters
            return None
        return RecordFilterSet

    def unfiltered(self, queryset):
        return queryset.filter(voided_at__isnull=True)
