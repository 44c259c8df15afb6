"""The demonstration sites' pages (being built)."""

from django.http import HttpResponse
from django.views import View


class DemoListView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class DemoApplyView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class DemoDetailView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)


class DemoStepView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(status=501)
