"""The pages of alarms: mixed-collection alarms (家里几类、出门一类) and data-quality findings, each
with its evidence, routed to the street responsible and listed for the office; acknowledging,
resolving, dismissing and reopening go through `alarms.set_state`."""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from fenlei.collection import alarms
from fenlei.collection.choices import MIXING_KINDS, AlarmKind, AlarmState
from fenlei.collection.filtersets import AlarmFilterSet
from fenlei.collection.forms import AlarmStateForm
from fenlei.collection.models import Alarm
from fenlei.collection.streams import stream_label
from fenlei.collection.views_records import NAV, FilteredListMixin
from fenlei.core import audit
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere
from fenlei.core.views import ScopedDetailView, ScopedMixin, attach_errors


class AlarmListView(FilteredListMixin, View):
    model = Alarm
    filterset_class = AlarmFilterSet
    template_name = "collection/alarms/list.html"

    def get_base_queryset(self):
        return Alarm.objects.select_related("area__parent", "site", "hauler", "vehicle")

    def more_context(self, rows) -> dict:
        for a in rows:
            a.shown_summary = shown_summary(a)
        return {"title": _("Alarms"), "mixing_kinds": MIXING_KINDS, "can_add": False}


# --- evidence, readably ---------------------------------------------------------------------------

#: Labels of the evidence keys the detectors write; other keys are shown by their own name.
EVIDENCE_LABELS = {
    "vehicle_stream": gettext_lazy("The vehicle collects"),
    "recorded_stream": gettext_lazy("Recorded as"),
    "streams": gettext_lazy("Streams carried"),
    "stream": gettext_lazy("Stream"),
    "records": pgettext_lazy("collection records", "Records"),
    "record_ids": pgettext_lazy("collection records", "Records"),
    "record_days": gettext_lazy("Days with records"),
    "days": gettext_lazy("Days"),
    "last_pickup": gettext_lazy("Last pick-up"),
    "last_pickup_day": gettext_lazy("Last pick-up"),
    "days_since": gettext_lazy("Days since"),
    "hauler": gettext_lazy("Hauler"),
    "contract_hauler": gettext_lazy("Contracted hauler"),
    "contract_start": gettext_lazy("Contract from"),
    "contract_end": gettext_lazy("Contract until"),
    "poor": gettext_lazy("“Poor” grades"),
    "graded": gettext_lazy("Graded records"),
    "threshold": gettext_lazy("Threshold"),
    "window_days": gettext_lazy("Window (days)"),
    "value": gettext_lazy("Value"),
    "minimum": gettext_lazy("Minimum"),
    "maximum": gettext_lazy("Maximum"),
    "share": gettext_lazy("Share"),
    "wet_kg": gettext_lazy("Wet (kg)"),
    "dry_kg": gettext_lazy("Dry (kg)"),
    "before": gettext_lazy("Before"),
    "after": gettext_lazy("After"),
    "median": gettext_lazy("Median"),
    "score": gettext_lazy("Score"),
    "period": gettext_lazy("Period"),
}
_STREAM_KEYS = frozenset({"vehicle_stream", "recorded_stream", "stream"})
_RECORD_KEYS = frozenset({"records", "record_ids", "record", "record_id"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _label(key: str) -> str:
    return str(EVIDENCE_LABELS.get(key, key.replace("_", " ")))


def _scalar(key: str, value):
    if key in _STREAM_KEYS and isinstance(value, str):
        return stream_label(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _DAY.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if value is None or value == "":
        return "—"
    return value


def show_value(key: str, value):
    """One evidence value as HTML: streams by their local names, records as links, lists and tables
    of figures as lists and tables."""
    if key in _RECORD_KEYS:
        ids = value if isinstance(value, list) else [value]
        return format_html_join(
            ", ",
            '<a href="{}">#{}</a>',
            ((reverse("collection:record-detail", args=[i]), i) for i in ids if isinstance(i, int)),
        )
    if key == "streams" and isinstance(value, list):
        return " + ".join(stream_label(str(s)) for s in value)
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for v in value for k in v))
            head = format_html_join("", "<th>{}</th>", ((_label(c),) for c in columns))
            body = format_html_join(
                "",
                "<tr>{}</tr>",
                (
                    (
                        format_html_join(
                            "",
                            '<td data-label="{}">{}</td>',
                            ((_label(c), show_value(c, v.get(c))) for c in columns),
                        ),
                    )
                    for v in value
                ),
            )
            return format_html(
                '<div class="table-wrap"><table class="table responsive evidence-table">'
                "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
                head,
                body,
            )
        return format_html_join(", ", "{}", ((_scalar(key, v),) for v in value))
    if isinstance(value, dict):
        return format_html(
            '<dl class="facts inner">{}</dl>',
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((_label(k), show_value(k, v)) for k, v in value.items())
            ),
        )
    return format_html("{}", _scalar(key, value))


def shown_summary(alarm: Alarm) -> str:
    """The alarm's one line in the reader's language where it can be said again from the evidence;
    otherwise the line the detector wrote (which may say more than the kind's name)."""
    fresh = alarms.summary(alarm.kind, alarm.evidence if isinstance(alarm.evidence, dict) else {})
    return alarm.summary if fresh == str(AlarmKind(alarm.kind).label) else fresh


def evidence_rows(alarm: Alarm) -> list[tuple[str, str]]:
    evidence = alarm.evidence if isinstance(alarm.evidence, dict) else {"evidence": alarm.evidence}
    return [(_label(k), show_value(k, v)) for k, v in evidence.items()]


# --- one alarm ------------------------------------------------------------------------------------


def _with_links():
    return Alarm.objects.select_related("area__parent", "site", "hauler", "vehicle", "trip", "record")


class AlarmDetailView(ScopedDetailView):
    model = Alarm
    template_name = "collection/alarms/detail.html"
    extra_context = NAV

    def get_base_queryset(self):
        return _with_links()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(alarm_context(self.request.user, self.object, kwargs.get("form")))
        return ctx


def alarm_context(user, alarm: Alarm, form=None) -> dict:
    def visible(obj):
        return obj if obj is not None and can(user, Action.VIEW, obj) else None

    can_act = can(user, Action.CHANGE, alarm)
    return {
        "summary": shown_summary(alarm),
        "evidence": evidence_rows(alarm),
        "family": _("Mixed collection") if alarm.kind in MIXING_KINDS else _("Data quality"),
        "family_key": "mixing" if alarm.kind in MIXING_KINDS else "quality",
        "links": {
            "site": visible(alarm.site),
            "vehicle": visible(alarm.vehicle),
            "trip": visible(alarm.trip),
            "record": visible(alarm.record),
            "hauler": visible(alarm.hauler),
        },
        "can_act": can_act,
        "form": form or (AlarmStateForm(alarm=alarm) if can_act else None),
        "history": list(audit.history(alarm)[:20]),
        "can_audit": can_anywhere(user, Action.AUDIT, AuditEntry),
        "states": AlarmState,
    }


class AlarmStateView(ScopedMixin, View):
    """Move an alarm to another state (the buttons of its page); a refused move shows the page again
    with the reason (400)."""

    model = Alarm
    action = Action.CHANGE

    def get(self, request, pk):
        return redirect(self.get_object().get_absolute_url())

    def post(self, request, pk):
        alarm = self.get_object()
        form = AlarmStateForm(request.POST, alarm=alarm)
        if form.is_valid():
            try:
                with transaction.atomic():
                    alarm = alarms.set_state(
                        alarm,
                        state=form.cleaned_data["state"],
                        by=request.user,
                        note=form.cleaned_data["note"],
                    )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request, _("The alarm is now “{state}”.").format(state=alarm.get_state_display())
                )
                return redirect(alarm.get_absolute_url())
        alarm = _with_links().get(pk=alarm.pk)
        ctx = {**NAV, "object": alarm, "alarm": alarm, **alarm_context(request.user, alarm, form)}
        ctx["can_change"] = True
        return render(request, "collection/alarms/detail.html", ctx, status=400)
