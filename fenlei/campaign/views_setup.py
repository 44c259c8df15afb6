"""Campaigns, their checklists, the Excel export and snapshots (being built)."""

from django.http import HttpResponse
from django.views import View


class CampaignListView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class CampaignAddView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class CampaignEditView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class RequirementListView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class RequirementAddView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class RequirementEditView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class ExportView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class SnapshotListView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class SnapshotView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)
