"""The pages of trips: a vehicle's runs, one run's ordered pick-ups against the weighbridge figure at
its destination, and the unloading form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _
from django.views import View

from fenlei.collection import services
from fenlei.collection.filtersets import TripFilterSet
from fenlei.collection.forms import UnloadForm
from fenlei.collection.models import Record, Trip
from fenlei.collection.streams import stream_label
from fenlei.collection.views_records import NAV, FilteredListMixin
from fenlei.core import audit
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user
from fenlei.core.views import HistoryView, ScopedDetailView, ServiceFormView


class TripListView(FilteredListMixin, View):
    model = Trip
    filterset_class = TripFilterSet
    template_name = "collection/trips/list.html"

    def get_base_queryset(self):
        return Trip.objects.select_related("vehicle", "hauler", "transfer", "plant")

    def more_context(self, rows) -> dict:
        return {
            "title": _("Trips"),
            "rows": [(t, t.difference()) for t in rows],
            "can_add": False,  # trips come with their pick-ups, from devices and hauliers' systems
        }


class TripDetailView(ScopedDetailView):
    model = Trip
    template_name = "collection/trips/detail.html"
    extra_context = NAV

    def get_base_queryset(self):
        return Trip.objects.select_related("vehicle", "hauler", "transfer", "plant")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, trip = self.request.user, self.object
        all_pickups = Record.objects.filter(trip=trip)
        pickups = list(
            for_user(user, Action.VIEW, all_pickups.select_related("site", "area")).order_by(
                "seq", "occurred_at", "pk"
            )
        )
        ctx.update(
            {
                "pickups": pickups,
                "hidden_pickups": all_pickups.count() - len(pickups),
                "difference": trip.difference(),
                "tolerance": settings.FENLEI_WEIGHBRIDGE_TOLERANCE_PCT,
                "vehicle_link": trip.vehicle if can(user, Action.VIEW, trip.vehicle) else None,
                "stream_labels": [stream_label(s) for s in trip.streams.split(",") if s],
                "can_unload": can(user, Action.CHANGE, trip),
                "history": list(audit.history(trip)[:20]),
                "can_audit": can_anywhere(user, Action.AUDIT, AuditEntry),
            }
        )
        return ctx


class TripUnloadView(ServiceFormView):
    model = Trip
    action = Action.CHANGE
    form_class = UnloadForm
    template_name = "collection/trips/unload.html"

    def setup_object(self):
        self.trip = self.get_object()
        self.title = _("Unloading of trip {trip}").format(trip=self.trip)

    def get_form_kwargs(self):
        return {"user": self.request.user, "trip": self.trip}

    def get_context(self, form):
        return {
            **NAV,
            "form": form,
            "title": self.title,
            "trip": self.trip,
            "cancel_url": self.trip.get_absolute_url(),
            "submit_label": _("Save the weighbridge figure"),
        }

    def perform(self, form):
        trip = services.unload(self.trip, by=self.request.user, **form.service_kwargs())
        messages.success(self.request, _("The unloading is recorded."))
        return trip

    def success_url(self, result):
        return result.get_absolute_url()


class TripHistoryView(HistoryView):
    model = Trip
