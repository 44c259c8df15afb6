"""The demonstration sites' forms: the list's filters, the application, each step's form and the
scoring sheet. Each turns a request into the arguments of a service (`services.apply_demo`,
`services.demo_step`); the rules themselves are the services'."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenlei.campaign import services
from fenlei.campaign.choices import DEMO_REASON_REQUIRED, DemoKind, DemoState, DemoStep, demo_kind_of
from fenlei.campaign.models import DemoSite
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import Concern, Responsible, Result
from fenlei.inspections.forms_orders import parse_taken_at

#: How many photos one item of the scoring sheet may carry.
MAX_PHOTOS_PER_ITEM = 6
_YES = [("yes", _("yes"))]


# --- the list's filters --------------------------------------------------------------------------


class DemoFilterSet(django_filters.FilterSet):
    """The list's filters. The area (`?area=`) is the page's place, read by the view through the
    scoping function; it rides along here as a hidden field so that filtering keeps it."""

    area = django_filters.NumberFilter(method="keep", widget=forms.HiddenInput)
    state = django_filters.ChoiceFilter(choices=DemoState.choices, label=_("State"))
    kind = django_filters.ChoiceFilter(choices=DemoKind.choices, label=_("Kind"))
    due = django_filters.ChoiceFilter(choices=_YES, method="recheck_due", label=_("Re-check due"))
    q = django_filters.CharFilter(method="search", label=_("Site or plaque"))

    class Meta:
        model = DemoSite
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset

    def recheck_due(self, queryset, name, value):
        return queryset.filter(state=DemoState.NAMED, recheck_due__lte=timezone.localdate())

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(site__name__icontains=value) | Q(plaque__icontains=value))


# --- the application -----------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (the application's materials)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class SiteChoiceField(forms.ModelChoiceField):
    """A site, shown with its kind and the kind of demonstration site it would be."""

    def label_from_instance(self, site):
        kind = demo_kind_of(site.kind.code)
        label = DemoKind(kind).label if kind else "—"
        return _("{site} · {community} ({site_kind} → {demo_kind})").format(
            site=site.name, community=site.community.name, site_kind=site.kind.label, demo_kind=label
        )


class ApplyForm(forms.Form):
    site = SiteChoiceField(
        label=_("Site"),
        queryset=DemoSite.objects.none(),
        empty_label=_("Choose a site"),
        help_text=_(
            "A site of your community of a kind that can be a demonstration site; the kind of "
            "demonstration site follows from the site's kind."
        ),
        error_messages={
            "required": _("Choose the site that applies."),
            "invalid_choice": _("Choose one of the sites offered: the site is not one you may apply for."),
        },
    )
    note = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How the site sorts its waste: facilities, supervision, participation, results."),
    )
    files = MultipleFileField(
        label=_("Application materials"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_("Photos or scans (PDF, JPEG, PNG, WebP), at most 10 files."),
    )

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"].queryset = sites

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("note") or "").strip() and not cleaned.get("files"):
            self.add_error("note", _("Describe the site's sorting work or attach the application materials."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"site": data["site"], "note": data.get("note") or "", "files": data.get("files") or []}


# --- the steps ------------------------------------------------------------------------------------


class StepForm(forms.Form):
    """A step with an optional note (the street's review)."""

    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data.get("note") or ""}


class ReasonForm(StepForm):
    """A step that must say why (return, revoke)."""

    note = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason: it is kept with the site's record.")},
    )


class ResubmitForm(StepForm):
    note = forms.CharField(
        label=_("What was put right"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Replaces the application's description when given."),
    )


class NameForm(StepForm):
    plaque = forms.CharField(
        label=_("Plaque number"),
        max_length=40,
        error_messages={"required": _("Give the plaque number.")},
        help_text=_("The number on the plaque awarded, e.g. DH-2026-001."),  # 授牌
    )
    field_order = ["plaque", "note"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "plaque": self.cleaned_data["plaque"]}


def step_form(step: str, *, data=None) -> StepForm:
    if step == DemoStep.NAME:
        cls = NameForm
    elif step == DemoStep.RESUBMIT:
        cls = ResubmitForm
    elif step in DEMO_REASON_REQUIRED:
        cls = ReasonForm
    else:
        cls = StepForm
    return cls(data=data, auto_id=f"id_{step}_%s")


# --- the scoring sheet ------------------------------------------------------------------------------


class SheetForm(forms.Form):
    """The scoring sheet: the site's inspection checklist, answered item by item.

    Per item: `result_<code>` (pass / problem / not applicable), or for a purity item
    `purity_<code>` (the bins' purity, comma separated) and `na_<code>`; `note_<code>`;
    `photo_<code>` (files) with `taken_at_<code>` (the time the page saw them taken); for an item a
    hauler answers for, `hauler_<code>`. A photo whose time the page did not send is dated by its
    EXIF (through the attachments' checks) or, failing that, by the time it was uploaded.
    """

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("General note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, version, haulers=None, default_hauler=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.version = version
        self.items = list(version.items.all())
        for item in self.items:
            code = item.code
            if item.purity:
                self.fields[f"purity_{code}"] = forms.CharField(
                    label=_("Purity of each bin (%)"), max_length=400, required=False
                )
                self.fields[f"na_{code}"] = forms.BooleanField(label=Result.NA.label, required=False)
            else:
                self.fields[f"result_{code}"] = forms.ChoiceField(
                    label=item.label,
                    choices=Result.choices,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Item {code}: answer pass, problem or not applicable.").format(
                            code=code
                        )
                    },
                )
            self.fields[f"note_{code}"] = forms.CharField(label=_("Note"), max_length=500, required=False)
            if item.responsible == Responsible.HAULER and haulers is not None:
                self.fields[f"hauler_{code}"] = forms.ModelChoiceField(
                    label=_("Hauler answering for it"),
                    queryset=haulers,
                    required=False,
                    empty_label=_("The one that collects here"),
                    initial=default_hauler,
                )

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            code = item.code
            if (
                item.purity
                and not cleaned.get(f"na_{code}")
                and not (cleaned.get(f"purity_{code}") or "").strip()
            ):
                self.add_error(
                    f"purity_{code}",
                    _(
                        "Item {code}: give the purity (%) of at least one bin, or mark it not applicable."
                    ).format(code=code),
                )
            uploads_ = self.files.getlist(f"photo_{code}") if self.files else []
            if len(uploads_) > MAX_PHOTOS_PER_ITEM:
                self.add_error(
                    None,
                    _("Item {code}: at most {n} photos.").format(code=code, n=MAX_PHOTOS_PER_ITEM),
                )
            raw = (self.data.get(f"taken_at_{code}") or "").strip()
            if uploads_ and raw and parse_taken_at(raw) is None:
                self.add_error(
                    None,
                    _("Item {code}: “{value}” is not a time the photo was taken (ISO 8601).").format(
                        code=code, value=raw[:40]
                    ),
                )
        return cleaned

    def _photos(self) -> list:
        out = []
        for item in self.items:
            code = item.code
            uploaded = self.files.getlist(f"photo_{code}") if self.files else []
            sent = parse_taken_at(self.data.get(f"taken_at_{code}", ""))
            for upload in uploaded:
                # no time from the page: the core reads the camera's own (EXIF), or refuses the photo
                out.append(inspections.PhotoIn(file=upload, code=code, taken_at=sent))
        return out

    def sheet(self) -> services.Sheet:
        data = self.cleaned_data
        answers = []
        for item in self.items:
            code = item.code
            note = data.get(f"note_{code}") or ""
            hauler = data.get(f"hauler_{code}")
            hauler_id = hauler.pk if hauler is not None else None
            if item.purity:
                if data.get(f"na_{code}"):
                    answers.append(inspections.AnswerIn(code=code, result=Result.NA, note=note))
                else:
                    answers.append(
                        inspections.AnswerIn(
                            code=code, purity=data.get(f"purity_{code}") or "", note=note, hauler_id=hauler_id
                        )
                    )
            else:
                answers.append(
                    inspections.AnswerIn(
                        code=code, result=data[f"result_{code}"], note=note, hauler_id=hauler_id
                    )
                )
        return services.Sheet(
            answers=answers,
            photos=self._photos(),
            client_id=data["client_id"],
            note=data.get("note") or "",
            version_id=self.version.pk,
        )

    def groups(self) -> list[tuple[str, list[dict]]]:
        """The items grouped by concern, in the checklist's order, each with its bound fields."""
        labels = dict(Concern.choices)
        out: dict[str, list[dict]] = {}
        for item in self.items:
            code = item.code

            def field(name, code=code):
                key = f"{name}_{code}"
                return self[key] if key in self.fields else None

            row = {
                "item": item,
                "result": field("result"),
                "purity": field("purity"),
                "na": field("na"),
                "note": field("note"),
                "hauler": field("hauler"),
                "photo_name": f"photo_{code}",
                "taken_at_name": f"taken_at_{code}",
                "errors": [
                    e
                    for f in ("result", "purity", "na", "note", "hauler")
                    if field(f)
                    for e in field(f).errors
                ],
            }
            out.setdefault(item.concern, []).append(row)
        return [(labels.get(concern, concern), rows) for concern, rows in out.items()]
