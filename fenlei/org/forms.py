"""Forms of the structure. Validation lives in the models' clean() and the services; forms only
collect fields and limit choices to what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, placeable_areas
from fenlei.org import selectors
from fenlei.org.choices import KIND_LEVEL, AreaKind, AreaLevel
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind


def _levels(level: int) -> list[str]:
    return [k for k, v in KIND_LEVEL.items() if v == level]


def _limit_to_editable(form, user) -> None:
    """Disable the fields the user may not change (see selectors.editable_fields); a disabled field
    keeps the record's value."""
    if not form.instance.pk:
        return
    allowed = selectors.editable_fields(user, form.instance)
    if allowed is None:
        return
    for name, field in form.fields.items():
        if name not in allowed:
            field.disabled = True


def _with_current(queryset, instance, field: str):
    """`queryset` plus the record's current value of `field`, so that editing never rejects it."""
    current = getattr(instance, f"{field}_id", None) if instance.pk else None
    if current is None:
        return queryset
    return queryset.model._default_manager.filter(pk__in=queryset.values("pk")) | (
        queryset.model._default_manager.filter(pk=current)
    )


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "kind", "code", "households", "population", "rural", "latitude", "longitude"]

    def __init__(self, *args, parent: Area | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parent = parent or self.instance.parent if self.instance.pk else parent
        if parent is not None:
            self.instance.parent = parent
            allowed = parent.child_kinds()
            self.fields["kind"].choices = [(k, AreaKind(k).label) for k in allowed]
            if len(allowed) and not self.instance.pk:
                self.fields["kind"].initial = allowed[0]
        if self.instance.pk:
            self.fields["kind"].choices = [(k, AreaKind(k).label) for k in _levels(self.instance.level)]


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "community",
            "code",
            "address",
            "households",
            "population",
            "responsible_person",
            "responsible_phone",
            "property_company",
            "authority",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Area.objects.filter(kind__in=_levels(AreaLevel.COMMUNITY), closed_on__isnull=True)
        if self.instance.pk and not placeable_areas(user, Action.ADD, Site, communities).exists():
            # A role held over the site itself (a site manager) edits it where it is.
            self.fields["community"].disabled = True
            communities = communities.filter(pk=self.instance.community_id)
        else:
            communities = placeable_areas(user, Action.ADD, Site, communities)
        self.fields["community"].queryset = communities.select_related("parent").order_by("path")
        self.fields["community"].label_from_instance = lambda area: f"{area.parent.name} · {area.name}"
        self.fields["kind"].queryset = SiteKind.objects.filter(active=True) | (
            SiteKind.objects.filter(pk=self.instance.kind_id) if self.instance.pk else SiteKind.objects.none()
        )
        self.fields["authority"].queryset = _with_current(
            for_user(user, Action.VIEW, Authority.objects.filter(closed_on__isnull=True)),
            self.instance,
            "authority",
        )
        self.fields["authority"].help_text = _("Required for public institutions.")
        _limit_to_editable(self, user)


class AuthorityForm(forms.ModelForm):
    class Meta:
        model = Authority
        fields = ["name", "sector", "code", "district", "contact_person", "phone"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _with_current(
            for_user(
                user,
                Action.VIEW,
                Area.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.CITY], closed_on__isnull=True),
            ),
            self.instance,
            "district",
        )
        if self.instance.pk:
            self.fields["district"].disabled = True  # a registration does not move between districts
        _limit_to_editable(self, user)


class HaulerForm(forms.ModelForm):
    class Meta:
        model = Hauler
        fields = ["name", "code", "licence_no", "district", "contact_person", "phone", "address"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _with_current(
            for_user(
                user,
                Action.VIEW,
                Area.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.CITY], closed_on__isnull=True),
            ),
            self.instance,
            "district",
        )
        if self.instance.pk:
            self.fields["district"].disabled = True  # a registration does not move between districts
        _limit_to_editable(self, user)


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent area"), queryset=Area.objects.none())
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, area: Area, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Area.objects.filter(kind__in=_levels(area.level - 1), closed_on__isnull=True).exclude(
            pk=area.parent_id
        )
        self.fields["new_parent"].queryset = for_user(user, Action.ADD, parents).order_by("path")
