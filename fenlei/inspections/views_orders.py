"""The rectification orders' pages (to be built)."""

from django.http import Http404
from django.views import View


class OrderDetailView(View):
    def get(self, request, pk):
        raise Http404
