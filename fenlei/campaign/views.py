"""The campaign page, a unit's checklist, items and evidence (being built)."""

from django.http import HttpResponse
from django.views import View


class IndexView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class CampaignView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class UnitView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class ItemView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class ItemEditView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class EvidenceSubmitView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class EvidenceDecideView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)
