"""The district office's pages of devices: weighing devices and hauliers' systems, each sending
records with its own token. A token is shown once — in the answer to the request that issued it —
and never again: only its hash is kept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from fenlei.collection import services
from fenlei.collection.filtersets import DeviceFilterSet
from fenlei.collection.forms import DeviceForm
from fenlei.collection.models import Device, Submission
from fenlei.collection.views_records import NAV, FilteredListMixin
from fenlei.core import audit
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user
from fenlei.core.views import CloseView, HistoryView, ScopedDetailView, ScopedMixin, attach_errors


class DeviceListView(FilteredListMixin, View):
    model = Device
    filterset_class = DeviceFilterSet
    template_name = "collection/devices/list.html"

    def get_base_queryset(self):
        return Device.objects.select_related("area", "hauler", "vehicle")

    def more_context(self, rows) -> dict:
        return {"title": _("Devices")}


class DeviceDetailView(ScopedDetailView):
    model = Device
    template_name = "collection/devices/detail.html"
    extra_context = NAV

    def get_base_queryset(self):
        return Device.objects.select_related("area", "hauler", "vehicle", "account")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, device = self.request.user, self.object
        ctx.update(
            {
                "submissions": list(
                    for_user(user, Action.VIEW, Submission.objects.filter(device=device)).order_by(
                        "-created_at", "-pk"
                    )[:20]
                ),
                "can_rotate": device.closed_on is None and can(user, Action.CHANGE, device),
                "history": list(audit.history(device)[:20]),
                "can_audit": can_anywhere(user, Action.AUDIT, AuditEntry),
            }
        )
        return ctx


def _token_page(request, device, token, *, first: bool):
    response = render(
        request,
        "collection/devices/token.html",
        {
            **NAV,
            "device": device,
            "token": token,
            "first": first,
            "title": _("The token of {device}").format(device=device),
        },
    )
    response["Cache-Control"] = "no-store"  # the token is in no cache, and "back" does not show it again
    return response


class DeviceAddView(ScopedMixin, View):
    """Register a device; the answer shows its token once."""

    model = Device

    def check(self):
        if not can_anywhere(self.request.user, Action.ADD, Device):
            raise PermissionDenied

    def render_form(self, form, status=200):
        ctx = {
            **NAV,
            "form": form,
            "title": _("Add a device"),
            "intro": _(
                "The device gets a token to send its records with. The token is shown once, on the "
                "next page: copy it into the device's settings there."
            ),
            "submit_label": _("Add and show the token"),
            "cancel_url": _list_url(),
        }
        return render(self.request, "core/form.html", ctx, status=status)

    def get(self, request):
        self.check()
        return self.render_form(DeviceForm(user=request.user))

    def post(self, request):
        self.check()
        form = DeviceForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    device, token = services.device_create(device=form.instance, by=request.user)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return _token_page(request, device, token, first=True)
        return self.render_form(form, status=400)


def _list_url():
    from django.urls import reverse

    return reverse("collection:device-list")


class DeviceRotateView(ScopedMixin, View):
    """Issue a new token (the old one stops working at once): a confirmation, then the token once."""

    model = Device
    action = Action.CHANGE

    def get(self, request, pk):
        device = self.get_object()
        return render(
            request,
            "collection/devices/rotate.html",
            {**NAV, "device": device, "title": _("New token for {device}").format(device=device)},
        )

    def post(self, request, pk):
        device = self.get_object()
        token = services.device_rotate(device=device, by=request.user)
        return _token_page(request, device, token, first=False)


class DeviceCloseView(CloseView):
    model = Device
    service_kwarg = "device"
    close_service = staticmethod(services.device_close)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx.update(NAV)
        ctx["intro"] = _("A closed device's token stops working: its requests are refused. Its records stay.")
        return ctx


class DeviceHistoryView(HistoryView):
    model = Device
