"""The inspector's pages (to be built): pick a target, fill the checklist on a phone, the inspection's page."""

from django.http import Http404
from django.views import View


class InspectionDetailView(View):
    def get(self, request, pk):
        raise Http404
