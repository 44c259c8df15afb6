"""The collection pages' forms: manual entry, correction, voiding, follow-up, unloading, devices,
alarm states.

A record's form only shapes the input into the row every entry face shares (`validation.FIELDS`);
what makes a record valid is decided once, by `validation.Checker` inside `services.ingest` and
`services.correct`, whose messages are put back on the fields here (`attach_row_errors`).
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fenlei.collection import streams
from fenlei.collection.alarms import TRANSITIONS
from fenlei.collection.choices import AlarmState, Grade
from fenlei.collection.models import Device, Record
from fenlei.collection.validation import Checker, RowError
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, placeable_areas, subtree_q
from fenlei.facilities.models import IntermediateFacility, TerminalFacility, Vehicle
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.models import Area, Hauler, Site

#: How many sources the entry form's select offers before it asks for a few letters of a name.
SOURCE_LIMIT = 300
#: How many matches a search of the sources returns.
SEARCH_LIMIT = 50

_POINT_KINDS = [k for k, v in KIND_LEVEL.items() if v in (AreaLevel.STREET, AreaLevel.COMMUNITY)]
_SOURCE = re.compile(r"^(site|area):(\d{1,12})$")
_LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


# --- where a user may enter -----------------------------------------------------------------------


def in_paths(field: str, paths: list[str] | None) -> Q:
    """Rows whose `field` lies under one of `paths` (None: everywhere; []: nowhere)."""
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(field, path)
    return q


def source_value(record_or_site=None, *, site=None, area=None) -> str:
    """The value of a source option: `site:<id>` or `area:<id>`."""
    if record_or_site is not None:
        if isinstance(record_or_site, Site):
            return f"site:{record_or_site.pk}"
        site, area = record_or_site.site_id, record_or_site.area_id
        return f"site:{site}" if site else f"area:{area}"
    return f"site:{site}" if site else f"area:{area}"


def _area_label(area) -> str:
    return _("{area} (the whole {level}, an area-level point)").format(
        area=area.name,
        level=_("street") if KIND_LEVEL[area.kind] == AreaLevel.STREET else _("community"),
    )


def source_choices(paths: list[str] | None, *, q: str = "", selected: str = "", limit: int | None = None):
    """The sources a record may name, grouped by community: (choices, complete).

    `complete` is False when there were more than `limit` and none are offered but the selected
    one (the page then asks for a few letters of a name, `q`, and offers the matches).
    """
    limit = SOURCE_LIMIT if limit is None else limit
    sites = Site.objects.filter(closed_on__isnull=True).filter(in_paths("area_path", paths))
    areas = Area.objects.filter(closed_on__isnull=True, kind__in=_POINT_KINDS).filter(in_paths("path", paths))
    if q:
        sites = sites.filter(Q(name__icontains=q) | Q(code__iexact=q))
        areas = areas.filter(Q(name__icontains=q) | Q(code__iexact=q))
        limit = SEARCH_LIMIT
    site_rows = list(
        sites.order_by("area_path", "name").values_list("pk", "name", "community_id")[: limit + 1]
    )
    complete = len(site_rows) <= limit
    if not complete and not q:
        site_rows = []
    site_rows = site_rows[:limit]
    area_rows = list(areas.select_related("parent").order_by("path")[: limit + 1])
    if q:  # a site's community heads its group even when only the site matched the words
        wanted = {c for _pk, _n, c in site_rows} - {a.pk for a in area_rows}
        area_rows += list(Area.objects.filter(pk__in=wanted).select_related("parent"))
        area_rows.sort(key=lambda a: a.path)
    by_community: dict[int, list] = {}
    for pk, name, community_id in site_rows:
        by_community.setdefault(community_id, []).append((f"site:{pk}", name))
    groups = []
    for area in area_rows:
        options = (
            [(f"area:{area.pk}", _area_label(area))] if (not q or q.lower() in area.name.lower()) else []
        )
        options += by_community.pop(area.pk, [])
        if options:
            label = (
                f"{area.parent.name} · {area.name}"
                if KIND_LEVEL[area.kind] == AreaLevel.COMMUNITY
                else area.name
            )
            groups.append((label, options))
    offered = {value for _label, options in groups for value, _l in options}
    if selected and selected not in offered:
        extra = _selected_choice(selected, paths)
        if extra:
            groups.insert(0, ("", [extra]))
    return groups, complete


def _selected_choice(value: str, paths: list[str] | None):
    """The chosen source as a choice, if it lies where the user may enter (a posted number elsewhere
    must not echo the name of a place the user cannot see)."""
    m = _SOURCE.match(value or "")
    if not m:
        return None
    kind, pk = m.group(1), int(m.group(2))
    if kind == "site":
        site = Site.objects.filter(in_paths("area_path", paths), pk=pk).first()
        return (value, site.name) if site else None
    area = Area.objects.filter(in_paths("path", paths), pk=pk).first()
    return (value, _area_label(area)) if area else None


# --- widgets --------------------------------------------------------------------------------------


class LocalMinuteInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=_LOCAL_MINUTE)


_DATETIME_FORMATS = [_LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class BigChoices(forms.RadioSelect):
    """Radio buttons drawn as large buttons a thumb can hit (the phone entry form)."""

    template_name = "collection/records/widgets/big_choices.html"
    option_template_name = "django/forms/widgets/radio_option.html"


# --- records --------------------------------------------------------------------------------------

#: Where the checker's messages go on the form: a source is one field here (site or area).
_ERROR_FIELD = {"site": "source", "area": "source", "site_code": "source", "area_code": "source"}


def attach_row_errors(form, errors: dict) -> None:
    """Put the checker's (or a service's) messages on the form's fields; the rest above the form."""
    for key, message in errors.items():
        target = _ERROR_FIELD.get(key, key)
        messages = message if isinstance(message, list) else [message]
        for m in messages:
            form.add_error(target if target in form.fields else None, m)


class RecordFieldsForm(forms.Form):
    """What a person enters for one load; shaped into a row by `row()`."""

    occurred_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"), widget=LocalMinuteInput(), input_formats=_DATETIME_FORMATS
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        help_text=gettext_lazy("The site, or for an area-level point the community or street."),
        widget=forms.Select(attrs={"class": "source-select"}),
    )
    stream = forms.ChoiceField(label=gettext_lazy("Stream"), widget=BigChoices)
    weight_kg = forms.DecimalField(
        label=gettext_lazy("Weight (kg)"),
        required=False,
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    bins = forms.IntegerField(
        label=gettext_lazy("Bins"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
    )
    bin_volume_l = forms.IntegerField(
        label=gettext_lazy("Bin volume (L)"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "list": "bin-volumes"}),
    )
    vehicle = forms.CharField(
        label=gettext_lazy("Vehicle"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Plate number, e.g. 浙A12345. Leave empty if unknown."),
        widget=forms.TextInput(attrs={"list": "vehicle-plates", "autocapitalize": "characters"}),
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("Sorting grade"),
        required=False,
        help_text=gettext_lazy("How well the source sorted, as the collector saw it."),
        widget=BigChoices,
    )

    def __init__(self, *args, user=None, paths=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.paths = user, paths
        self.fields["stream"].choices = streams.choices()
        self.fields["grade"].choices = [("", pgettext_lazy("sorting grade", "not graded")), *Grade.choices]
        selected = self.data.get("source") if self.is_bound else self.initial.get("source", "")
        groups, complete = source_choices(paths, selected=selected or "")
        self.fields["source"].widget.choices = [("", _("— choose —")), *groups]
        self.sources_complete = complete
        self.plates = list(
            for_user(user, Action.VIEW, Vehicle.objects.filter(closed_on__isnull=True))
            .order_by("plate")
            .values_list("plate", flat=True)[:SOURCE_LIMIT]
        )

    def clean_source(self):
        value = self.cleaned_data["source"].strip()
        m = _SOURCE.match(value)
        if not m:
            raise forms.ValidationError(_("Choose the site (or the community or street)."))
        return m.group(1), int(m.group(2))

    def clean_vehicle(self):
        return self.cleaned_data["vehicle"].strip()

    def add_checker_errors(self) -> None:
        """On a form the fields refused, still run the one definition of a valid record
        (`validation.Checker`, nothing written) on what could be read, so that a person sees every
        problem at once rather than one round at a time. A field the form refused keeps its own
        message."""
        data = getattr(self, "cleaned_data", {})
        row = {}
        if data.get("source"):
            kind, pk = data["source"]
            row[kind] = pk
        for key in ("occurred_at", "stream", "weight_kg", "bins", "bin_volume_l", "vehicle", "grade"):
            if data.get(key) not in (None, ""):
                row[key] = data[key]
        checker = Checker(within=self.paths)
        checker.load([row])
        try:
            checker.check(0, row)
        except RowError as exc:
            errors = exc.errors
            if "stream" in self.errors and "weight_kg" not in row:
                errors.pop("weight_kg", None)  # bins are converted by stream: no weight to judge yet
            for key, message in errors.items():
                target = _ERROR_FIELD.get(key, key)
                if target in self.fields and target not in self.errors:
                    self.add_error(target, message)

    def row(self) -> dict:
        """The row of `validation.FIELDS` this form describes."""
        d = self.cleaned_data
        kind, pk = d["source"]
        row = {
            "occurred_at": d["occurred_at"],
            "site": pk if kind == "site" else None,
            "area": pk if kind == "area" else None,
            "stream": d["stream"],
            "weight_kg": d["weight_kg"],
            "bins": d["bins"],
            "bin_volume_l": d["bin_volume_l"],
            "vehicle": d["vehicle"] or None,
            "grade": d["grade"],
        }
        if d["vehicle"]:
            row["hauler"] = None  # the hauler is the vehicle's
        return row


class RecordEntryForm(RecordFieldsForm):
    """Manual entry. The hidden client id is new on every form shown: sending the same form twice
    (a double tap, a retry on a slow line) is recognised by `services.ingest` and kept once."""

    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_at", now_to_the_minute())
        kwargs["initial"].setdefault("client_id", new_client_id())
        super().__init__(*args, **kwargs)

    def row(self) -> dict:
        row = {k: v for k, v in super().row().items() if k != "hauler"}
        row["client_id"] = self.cleaned_data["client_id"] or new_client_id()
        return {k: v for k, v in row.items() if v not in (None, "")}


def new_client_id() -> str:
    return "form-" + uuid.uuid4().hex


class RecordCorrectForm(RecordFieldsForm):
    note = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the record's history."),
    )

    field_order = [
        "occurred_at",
        "source",
        "stream",
        "weight_kg",
        "bins",
        "bin_volume_l",
        "vehicle",
        "grade",
        "note",
    ]

    @staticmethod
    def initial_for(record: Record) -> dict:
        return {
            "occurred_at": timezone.localtime(record.occurred_at).replace(second=0, microsecond=0),
            "source": source_value(record),
            "stream": record.stream,
            "weight_kg": None if record.estimated else record.weight_kg,
            "bins": record.bins,
            "bin_volume_l": record.bin_volume_l,
            "vehicle": record.vehicle.plate if record.vehicle_id else "",
            "grade": record.grade,
        }

    def changes(self, record: Record) -> dict:
        """The row fields this form changes (every shown field; the checker sees the whole row)."""
        row = self.row()
        if row["occurred_at"] == timezone.localtime(record.occurred_at).replace(second=0, microsecond=0):
            row["occurred_at"] = record.occurred_at  # the minute shown: keep the seconds stored
        return row


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for voiding"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("A voided record leaves every total; it stays in the list of voided records."),
    )


class FollowUpForm(forms.Form):
    on = forms.TypedChoiceField(
        label=gettext_lazy("Follow-up"),
        choices=(
            ("1", gettext_lazy("Mark for follow-up")),
            ("0", gettext_lazy("Follow-up done: take the mark away")),
        ),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What to check, or what was found."),
    )


# --- trips ----------------------------------------------------------------------------------------


class UnloadForm(forms.Form):
    weighbridge_kg = forms.DecimalField(
        label=gettext_lazy("Weighbridge (kg)"),
        max_digits=10,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    unloaded_at = forms.DateTimeField(
        label=gettext_lazy("Unloaded at"), widget=LocalMinuteInput(), input_formats=_DATETIME_FORMATS
    )
    destination = forms.CharField(label=gettext_lazy("Destination"), required=False, widget=forms.Select)

    def __init__(self, *args, user=None, trip=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("unloaded_at", now_to_the_minute())
        if trip is not None:  # changing a figure starts from the one kept
            if trip.plant_id:
                kwargs["initial"].setdefault("destination", f"plant:{trip.plant_id}")
            elif trip.transfer_id:
                kwargs["initial"].setdefault("destination", f"transfer:{trip.transfer_id}")
            if trip.weighbridge_kg is not None:
                kwargs["initial"].setdefault("weighbridge_kg", trip.weighbridge_kg)
            if trip.unloaded_at is not None:
                kwargs["initial"]["unloaded_at"] = timezone.localtime(trip.unloaded_at).replace(
                    second=0, microsecond=0
                )
        super().__init__(*args, **kwargs)
        transfers = for_user(user, Action.VIEW, IntermediateFacility.objects.filter(closed_on__isnull=True))
        plants = for_user(user, Action.VIEW, TerminalFacility.objects.filter(closed_on__isnull=True))
        self.destinations = {
            **{f"transfer:{f.pk}": f for f in transfers.order_by("name")[:SOURCE_LIMIT]},
            **{f"plant:{f.pk}": f for f in plants.order_by("name")[:SOURCE_LIMIT]},
        }
        self.fields["destination"].widget.choices = [
            ("", _("(unchanged)")),
            (_("Transfer stations"), [(k, str(f)) for k, f in self.destinations.items() if k[0] == "t"]),
            (_("Treatment plants"), [(k, str(f)) for k, f in self.destinations.items() if k[0] == "p"]),
        ]

    def clean_destination(self):
        value = self.cleaned_data["destination"]
        if value and value not in self.destinations:
            raise forms.ValidationError(_("Choose a transfer station or a plant from the list."))
        return value

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        kwargs = {"weighbridge_kg": d["weighbridge_kg"], "at": d["unloaded_at"]}
        if d["destination"]:
            kind = "transfer" if d["destination"].startswith("transfer:") else "plant"
            kwargs[kind] = self.destinations[d["destination"]]
        return kwargs


# --- devices --------------------------------------------------------------------------------------


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["name", "kind", "area", "hauler", "vehicle"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET)
        areas = placeable_areas(
            user,
            Action.ADD,
            Device,
            Area.objects.filter(
                closed_on__isnull=True, kind__in=[k for k, v in KIND_LEVEL.items() if v in levels]
            ),
        )
        self.fields["area"].queryset = areas.order_by("path")
        self.fields["hauler"].queryset = for_user(
            user, Action.VIEW, Hauler.objects.filter(closed_on__isnull=True)
        ).order_by("name")
        self.fields["hauler"].help_text = _(
            "A hauler's device sends records with that hauler's vehicles only."
        )
        self.fields["vehicle"].queryset = for_user(
            user, Action.VIEW, Vehicle.objects.filter(closed_on__isnull=True)
        ).order_by("plate")


# --- alarms ---------------------------------------------------------------------------------------

#: What each target state is called as an action.
STATE_ACTIONS = {
    AlarmState.ACKNOWLEDGED: pgettext_lazy("alarm action", "Take it on"),
    AlarmState.RESOLVED: pgettext_lazy("alarm action", "Mark resolved"),
    AlarmState.DISMISSED: pgettext_lazy("alarm action", "Dismiss"),
    AlarmState.OPEN: pgettext_lazy("alarm action", "Reopen"),
}


class AlarmStateForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("New state"), choices=AlarmState.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What was done, or why the alarm is dismissed (needed for both)."),
    )

    def __init__(self, *args, alarm=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moves = [
            (s, STATE_ACTIONS[s]) for s in AlarmState.values if s in TRANSITIONS.get(alarm.state, ())
        ]
