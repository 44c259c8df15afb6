from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, placeable_areas
from fenlei.facilities.models import (
    CollectionStation,
    Container,
    DropOffPoint,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
)
from fenlei.org.ledger_faces import PlacedForm
from fenlei.org.models import Area, Hauler
from fenlei.taxonomy.models import Category


class DropOffPointForm(PlacedForm):
    class Meta:
        model = DropOffPoint
        fields = [
            "name",
            "area",
            "site",
            "kind",
            "status",
            "opening_hours",
            "households_served",
            "supervisor",
            "supervisor_phone",
            "address",
            "latitude",
            "longitude",
            "in_use_since",
        ]


class ContainerForm(PlacedForm):
    class Meta:
        model = Container
        fields = ["area", "site", "point", "category", "volume_l", "count", "status", "in_use_since"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from fenlei.taxonomy.naming import label

        self.fields["category"].queryset = Category.objects.filter(kind="major")
        self.fields["category"].label_from_instance = label
        area_id = self.data.get("area") or self.initial.get("area") or self.instance.area_id
        points = DropOffPoint.objects.filter(closed_on__isnull=True)
        self.fields["point"].queryset = (
            points.filter(area_id=area_id) if str(area_id or "").isdigit() else points.none()
        )


_FACILITY_TAIL = ["status", "address", "latitude", "longitude", "in_use_since"]


class CollectionStationForm(PlacedForm):
    class Meta:
        model = CollectionStation
        fields = [
            "name",
            "area",
            "site",
            "status",
            "floor_area_m2",
            "has_water",
            "has_light",
            "has_washing",
            "opening_hours",
            *_FACILITY_TAIL[1:],
        ]


class IntermediateFacilityForm(PlacedForm):
    class Meta:
        model = IntermediateFacility
        fields = ["name", "kind", "area", "site", "daily_capacity_t", "operator", *_FACILITY_TAIL]


class TerminalFacilityForm(PlacedForm):
    class Meta:
        model = TerminalFacility
        fields = ["name", "kind", "area", "daily_capacity_t", "operator", *_FACILITY_TAIL]


class VehicleForm(forms.ModelForm):
    """A vehicle's form: its place follows the hauler, chosen among the hauliers of the districts where
    the user may add vehicles (and the vehicle's own hauler when editing)."""

    stream = forms.ChoiceField(choices=())  # the district's streams, filled in per form

    class Meta:
        model = Vehicle
        fields = ["plate", "hauler", "stream", "capacity_t", "status", "in_use_since"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from fenlei.taxonomy.naming import streams

        self.fields["stream"].choices = [("", "---------")] + [(s.code, s.label) for s in streams()]
        model_field = Vehicle._meta.get_field("stream")
        self.fields["stream"].label = capfirst(model_field.verbose_name)
        self.fields["stream"].help_text = model_field.help_text
        districts = placeable_areas(user, Action.ADD, Vehicle, Area.objects.all())
        haulers = for_user(user, Action.VIEW, Hauler.objects.filter(closed_on__isnull=True)).filter(
            district__in=districts
        )
        if self.instance.pk:
            haulers = Hauler.objects.filter(pk__in=haulers.values("pk")) | Hauler.objects.filter(
                pk=self.instance.hauler_id
            )
        self.fields["hauler"].queryset = haulers.order_by("name")
        if not self.instance.pk and not haulers.exists():
            self.fields["hauler"].help_text = _(
                "Vehicles are registered by the district office: there is no hauler you may add vehicles for."
            )


class PurchasePlanForm(PlacedForm):
    class Meta:
        model = PurchasePlan
        fields = [
            "area",
            "site",
            "item",
            "category",
            "volume_l",
            "description",
            "quantity",
            "planned_on",
            "status",
        ]
        widgets = {"planned_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from fenlei.taxonomy.naming import label

        self.fields["category"].queryset = Category.objects.filter(kind="major")
        self.fields["category"].label_from_instance = label
