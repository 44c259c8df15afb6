"""The forms of an order's steps: each turns a POST into the keyword arguments of
`services.transition` (the rules themselves are the service's)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.inspections import services
from fenlei.inspections.choices import Responsible, Step
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.models import Area, Authority, Hauler

#: How many photos one answer may carry from the page (the slot itself holds more over time).
MAX_PHOTOS = 6


class StepForm(forms.Form):
    """A step with an optional note."""

    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, order=None, user=None, **kwargs):
        self.order, self.user = order, user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data.get("note", "")}


class ReasonForm(StepForm):
    """Return: the reason is required (the service says so too)."""

    note = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why: the reason is kept with the order.")},
    )


def parse_taken_at(value: str):
    """A capture time as the page sends it (ISO 8601, with or without its offset), aware; None if bad."""
    try:
        moment = parse_datetime((value or "").strip())
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_coordinate(value: str, limit: float):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return False
    return number if -limit <= number <= limit else False


class AnswerForm(StepForm):
    """Answer: photos after the rectification, each with the time (and place) the page took it.

    The page sends `photo_<i>` with `taken_at_<i>`, `latitude_<i>`, `longitude_<i>` (see answer.js);
    a photo without a time reaches the service without one and is refused there.
    """

    def clean(self):
        cleaned = super().clean()
        photos, problems = [], []
        for i in range(MAX_PHOTOS):
            upload = self.files.get(f"photo_{i}") if self.files else None
            if upload is None:
                continue
            raw_time = self.data.get(f"taken_at_{i}", "")
            taken_at = parse_taken_at(raw_time) if raw_time else None
            if raw_time and taken_at is None:
                problems.append(
                    _("Photo {n}: “{value}” is not a time it was taken.").format(n=i + 1, value=raw_time)
                )
            lat = parse_coordinate(self.data.get(f"latitude_{i}", ""), 90)
            lng = parse_coordinate(self.data.get(f"longitude_{i}", ""), 180)
            if lat is False or lng is False:
                problems.append(
                    _("Photo {n}: the position is not a valid latitude and longitude.").format(n=i + 1)
                )
            photos.append(
                services.PhotoIn(
                    file=upload,
                    taken_at=taken_at,
                    latitude=None if lat is False else lat,
                    longitude=None if lng is False else lng,
                )
            )
        if problems:
            raise forms.ValidationError(problems)
        self.photos = photos
        return cleaned

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "photos": self.photos}


class RerouteForm(StepForm):
    """Re-route: to another unit (a community or street of this place, a hauler, the authority)."""

    responsible = forms.ChoiceField(label=_("Addressed to"), choices=Responsible.choices)
    area = forms.ModelChoiceField(
        label=_("Community or street"), queryset=Area.objects.none(), required=False
    )
    hauler = forms.ModelChoiceField(label=_("Hauler"), queryset=Hauler.objects.none(), required=False)
    authority = forms.ModelChoiceField(
        label=_("Industry authority"), queryset=Authority.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why: the reason is kept with the order.")},
    )
    field_order = ["responsible", "area", "hauler", "authority", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order, user = self.order, self.user
        levels = [k for k, v in KIND_LEVEL.items() if v in (AreaLevel.STREET, AreaLevel.COMMUNITY)]
        if order is not None:
            # the community and street of this place: the order's area and the areas above it
            parts = [p for p in order.area_path.split(".") if p]
            paths = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
            self.fields["area"].queryset = Area.objects.filter(path__in=paths, kind__in=levels).order_by(
                "path"
            )
        if user is not None:
            self.fields["hauler"].queryset = for_user(user, Action.VIEW, Hauler).order_by("name")
            self.fields["authority"].queryset = for_user(user, Action.VIEW, Authority).order_by("name")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "responsible": data["responsible"],
            "responsible_area": data.get("area"),
            "hauler_id": data["hauler"].pk if data.get("hauler") else None,
            "authority_id": data["authority"].pk if data.get("authority") else None,
        }


FORMS: dict[str, type[StepForm]] = {
    Step.START: StepForm,
    Step.ANSWER: AnswerForm,
    Step.VERIFY: StepForm,
    Step.RETURN: ReasonForm,
    Step.REROUTE: RerouteForm,
}


def step_form(step: str, *, order, user, data=None, files=None) -> StepForm:
    cls = FORMS.get(step, StepForm)
    return cls(data=data, files=files, order=order, user=user, auto_id=f"id_{step}_%s")
