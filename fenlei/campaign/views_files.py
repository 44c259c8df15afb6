"""The files of the campaign's rows: evidence of an item and a demonstration site's application
materials, each read through the scoping function on the row it belongs to."""

from __future__ import annotations

from fenlei.campaign.models import DemoSite, Evidence
from fenlei.core.views_attachments import FileView


class EvidenceFileView(FileView):
    def get_base_queryset(self):
        return Evidence.objects.all()


class DemoFileView(FileView):
    def get_base_queryset(self):
        return DemoSite.objects.all()
