"""The kitchen-waste pages: the restaurants and their pick-ups, the manifests (联单) with the chain
restaurant → haulier (vehicle) → plant, their receipt and cancellation, a trip's manifests received
together. Every read goes through the scoping function; every write through `kitchen`'s services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.collection import kitchen
from fenlei.collection.choices import AlarmKind, ManifestState
from fenlei.collection.filtersets_kitchen import KitchenFilterSet, ManifestFilterSet
from fenlei.collection.forms_kitchen import CancelForm, ReceiveForm, TripReceiveForm
from fenlei.collection.models import Manifest, Trip
from fenlei.core import audit
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user
from fenlei.core.views import ScopedDetailView, ScopedListView, ServiceFormView
from fenlei.units.models import RestaurantRecord

NAV = "collection"


def _crumbs(*extra) -> list[dict]:
    from django.urls import reverse

    return [{"label": _("Kitchen waste"), "url": reverse("collection:kitchen")}, *extra]


class KitchenView(ScopedListView):
    """Restaurants in the user's scope with their contracted haulier, last pick-up, pick-ups and kg
    over the period, manifests issued and received, and open flags."""

    model = RestaurantRecord
    filterset_class = KitchenFilterSet
    template_name = "collection/kitchen/index.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_anywhere(request.user, Action.VIEW, RestaurantRecord):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return RestaurantRecord.objects.filter(closed_on__isnull=True).select_related(
            "site", "area__parent", "hauler"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        start, end = self.filterset.period
        # The totals link to the manifests they count: by street, contracted haulier and period. A
        # search or a state has no counterpart there, so with one of them the totals are not links.
        get = self.request.GET
        narrowing = {"street": get.get("street"), "contract_hauler": get.get("hauler")}
        linkable = not (get.get("q") or get.get("state"))
        ctx.update(
            nav_active=NAV,
            breadcrumbs=_crumbs(),
            start=start,
            end=end,
            gap_days=settings.FENLEI_KITCHEN_GAP_DAYS,
            manifest_query=urlencode(
                {
                    **{k: v for k, v in narrowing.items() if v},
                    "since": start.isoformat(),
                    "until": end.isoformat(),
                }
            )
            if linkable
            else "",
            flag_kinds=[
                (AlarmKind.KITCHEN_GAP, _("Flags: no pick-up")),
                (AlarmKind.NO_CONTRACT, _("Flags: no contract")),
            ],
            rows=kitchen.restaurant_rows(user, list(ctx["object_list"]), start, end),
            totals=kitchen.summary(user, self.object_list, start, end),
            can_add=False,
            can_import=False,
            can_export=False,
        )
        return ctx


class ManifestListView(ScopedListView):
    model = Manifest
    filterset_class = ManifestFilterSet
    template_name = "collection/kitchen/manifest_list.html"

    def get_base_queryset(self):
        return Manifest.objects.select_related("site", "hauler", "vehicle", "plant")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            nav_active=NAV,
            breadcrumbs=_crumbs({"label": _("Transfer manifests")}),
            rows=[(m, kitchen.difference(m)) for m in ctx["object_list"]],
            tolerance=kitchen.tolerance_pct(),
            can_add=False,
            can_import=False,
            can_export=False,
        )
        return ctx


class ManifestDetailView(ScopedDetailView):
    """One manifest: the chain restaurant → haulier (vehicle) → plant, the pick-up record and its trip,
    the receipt and its difference, the receive and cancel forms, the history."""

    model = Manifest
    template_name = "collection/kitchen/manifest_detail.html"

    def get_base_queryset(self):
        return Manifest.objects.select_related(
            "site__community__parent", "hauler", "vehicle", "plant", "record"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m, user = self.object, self.request.user
        issued = m.state == ManifestState.ISSUED
        record = m.record
        trip = None
        if record is not None and record.trip_id:
            trip = (
                for_user(user, Action.VIEW, Trip.objects.select_related("plant"))
                .filter(pk=record.trip_id)
                .first()
            )
        contract = (
            for_user(
                user, Action.VIEW, RestaurantRecord.objects.filter(site_id=m.site_id, closed_on__isnull=True)
            )
            .select_related("hauler")
            .first()
        )
        ctx.update(
            nav_active=NAV,
            breadcrumbs=_crumbs(
                {"label": _("Transfer manifests"), "url": _url("collection:manifest-list")},
                {"label": m.number},
            ),
            difference=kitchen.difference(m),
            tolerance=kitchen.tolerance_pct(),
            record=record,
            trip=trip,
            trip_receivable=trip is not None and issued and not kitchen.trip_receivable(trip),
            contract=contract,
            cancel_reason=kitchen.cancel_reason(m),
            can_receive=issued and ctx["can_change"],
            can_cancel=issued and can(user, Action.CLOSE, m),
            history=list(audit.history(m)[:20]),
        )
        if ctx["can_receive"]:
            ctx["receive_form"] = ReceiveForm(user=user, manifest=m)
        if ctx["can_cancel"]:
            ctx["cancel_form"] = CancelForm()
        return ctx


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


class ManifestReceiveView(ServiceFormView):
    """The plant's receipt of one manifest (needs the change action on it)."""

    action = Action.CHANGE
    model = Manifest

    def setup_object(self):
        self.obj = self.get_object()
        self.title = _("Receive manifest {number} at the plant").format(number=self.obj.number)

    def get_form(self, data=None, files=None):
        return ReceiveForm(data=data, user=self.request.user, manifest=self.obj)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx.update(
            intro=_("Picked up at {restaurant} on {day}: {kg} kg.").format(
                restaurant=self.obj.site, day=self.obj.day.isoformat(), kg=self.obj.weight_kg
            ),
            submit_label=_("Receive"),
            cancel_url=self.obj.get_absolute_url(),
            nav_active=NAV,
        )
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        manifest = kitchen.manifest_receive(
            manifest=self.obj,
            by=self.request.user,
            received_kg=data["received_kg"],
            at=data.get("received_at"),
            plant=data.get("plant"),
            note=data.get("note", ""),
        )
        diff = kitchen.difference(manifest)
        text = _("Manifest {number} received: {kg} kg ({diff:+} kg).").format(
            number=manifest.number, kg=manifest.received_kg, diff=diff.kg
        )
        if diff.over:
            messages.warning(
                self.request,
                text
                + " "
                + _("The difference is over the tolerance of {pct} %.").format(pct=kitchen.tolerance_pct()),
            )
        else:
            messages.success(self.request, text)
        return manifest


class ManifestCancelView(ServiceFormView):
    """Cancel one manifest with a reason (needs the close action on it)."""

    action = Action.CLOSE
    model = Manifest

    def setup_object(self):
        self.obj = self.get_object()
        self.title = _("Cancel manifest {number}").format(number=self.obj.number)

    def get_form(self, data=None, files=None):
        return CancelForm(data=data)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx.update(
            intro=_("A cancelled manifest stays, marked cancelled, with the reason in its history."),
            submit_label=_("Cancel the manifest"),
            cancel_url=self.obj.get_absolute_url(),
            nav_active=NAV,
        )
        return ctx

    def perform(self, form):
        manifest = kitchen.manifest_cancel(
            manifest=self.obj, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, _("Manifest {number} cancelled.").format(number=manifest.number))
        return manifest


class TripReceiveView(ServiceFormView):
    """Receive every waiting manifest of a trip unloaded at a plant (needs the change action on the
    trip and on each of its manifests)."""

    action = Action.CHANGE
    model = Trip
    template_name = "collection/kitchen/receive_trip.html"
    title = gettext_lazy("Receive a trip's manifests")

    def setup_object(self):
        self.obj, self.waiting = kitchen.trip_for_receipt(self.request.user, self.kwargs["pk"])

    def get_form(self, data=None, files=None):
        return TripReceiveForm(data=data)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx.update(
            trip=self.obj,
            waiting=self.waiting,
            why_not=kitchen.trip_receivable(self.obj),
            waiting_kg=sum((m.weight_kg for m in self.waiting), 0),
            nav_active=NAV,
            breadcrumbs=_crumbs({"label": _("Transfer manifests"), "url": _url("collection:manifest-list")}),
        )
        return ctx

    def perform(self, form):
        received = kitchen.receive_trip(trip=self.obj, by=self.request.user, note=form.cleaned_data["note"])
        messages.success(
            self.request,
            _("{n} manifests received with trip {trip}.").format(n=len(received), trip=self.obj),
        )
        return received

    def success_url(self, result) -> str:
        return _url("collection:manifest-list") + f"?trip={self.obj.pk}"
