"""Facilities: drop-off points and the containers at them, collection stations, intermediate and
terminal facilities, collection vehicles, and planned purchases."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.core.attachments import PHOTOS
from fenlei.core.scoping import Scope
from fenlei.facilities.choices import (
    PURCHASE_TRANSITIONS,
    DropOffKind,
    FacilityStatus,
    IntermediateKind,
    PurchaseItem,
    PurchaseStatus,
    TerminalKind,
)
from fenlei.org.choices import AreaLevel
from fenlei.org.models import phone_validator
from fenlei.org.placed import PlacedModel, list_index


class Facility(PlacedModel):
    """What every facility has: a status, where it is, when it came into use."""

    status = models.CharField(
        _("status"), max_length=12, choices=FacilityStatus.choices, default=FacilityStatus.IN_USE
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    in_use_since = models.DateField(_("in use since"), null=True, blank=True)

    attachment_slots = (PHOTOS,)

    class Meta(PlacedModel.Meta):
        abstract = True


class DropOffPoint(Facility):
    """A drop-off point (投放点): where residents put out sorted waste, at fixed times or any time."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DropOffKind.choices, default=DropOffKind.SCHEDULED
    )
    opening_hours = models.CharField(
        _("opening hours"), max_length=100, blank=True, help_text=_("For example 07:00-09:00, 18:00-20:00.")
    )
    households_served = models.PositiveIntegerField(_("households served"), default=0)
    supervisor = models.CharField(_("supervisor"), max_length=50, blank=True)
    supervisor_phone = models.CharField(
        _("supervisor's phone"), max_length=20, blank=True, validators=[phone_validator]
    )

    class Meta(Facility.Meta):
        verbose_name = _("drop-off point")
        verbose_name_plural = _("drop-off points")
        ordering = ["area_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="facilities_dropoff_unique_name"),
        ]
        indexes = [*Facility.Meta.indexes, list_index("facilities_dropoff_list", *ordering)]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:dropoff-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.name:
            self.name = self.name.strip()
            if self.area_id:
                self.refuse_duplicate(
                    {
                        "name": _("A drop-off point named “{name}” already exists here.").format(
                            name=self.name
                        )
                    },
                    area_id=self.area_id,
                    name=self.name,
                )


class Container(Facility):
    """Containers (bins) of one category and size at a place: how many there are."""

    category = models.ForeignKey(
        "taxonomy.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    volume_l = models.PositiveIntegerField(
        _("volume (L)"), validators=[MinValueValidator(10), MaxValueValidator(20000)]
    )
    count = models.PositiveIntegerField(_("count"), validators=[MinValueValidator(1)])
    point = models.ForeignKey(
        DropOffPoint,
        verbose_name=_("drop-off point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="containers",
    )

    class Meta(Facility.Meta):
        verbose_name = _("containers")
        verbose_name_plural = _("containers")
        ordering = ["area_path", "category__position", "volume_l", "pk"]
        # the category's position is in another table: the index gives the order by area, and each
        # area's few rows are sorted on their own
        indexes = [*Facility.Meta.indexes, list_index("facilities_container_list", "area_path")]

    def __str__(self) -> str:
        from fenlei.taxonomy.naming import label

        return _("{category} {volume} L × {count}").format(
            category=label(self.category) if self.category_id else "", volume=self.volume_l, count=self.count
        )

    def get_absolute_url(self) -> str:
        return reverse("facilities:container-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.category_id and self.category.kind != "major":
            raise ValidationError({"category": _("Choose one of the four categories.")})
        if self.point_id:
            if self.area_id and self.point.area_id != self.area_id:
                raise ValidationError({"point": _("The drop-off point lies in another area.")})
            if self.point.closed_on is not None and self.closed_on is None:
                raise ValidationError({"point": _("“{point}” is closed.").format(point=self.point)})


def _path_index(short: str) -> models.Index:
    """The area-path index, under a name short enough for every database (the default one is not)."""
    return models.Index(
        fields=["area_path"], opclasses=["varchar_pattern_ops"], name=f"facilities_{short}_path"
    )


def _check_unique_name(obj, message: str) -> None:
    """Trim the name and refuse a second row of the same name in the same area (the form's message)."""
    if obj.name:
        obj.name = obj.name.strip()
        if obj.area_id:
            obj.refuse_duplicate({"name": message.format(name=obj.name)}, area_id=obj.area_id, name=obj.name)


class CollectionStation(Facility):
    """A bin room or collection station (垃圾房/收集站): a building where a community's bins stand."""

    name = models.CharField(_("name"), max_length=100)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    has_water = models.BooleanField(_("running water"), default=False)
    has_light = models.BooleanField(_("lighting"), default=False)
    has_washing = models.BooleanField(_("washing facilities"), default=False)
    opening_hours = models.CharField(
        _("opening hours"), max_length=100, blank=True, help_text=_("For example 07:00-09:00, 18:00-20:00.")
    )

    class Meta(Facility.Meta):
        verbose_name = _("collection station")
        verbose_name_plural = _("collection stations")
        ordering = ["area_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="facilities_station_unique_name"),
        ]
        indexes = [_path_index("station")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:station-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        _check_unique_name(self, _("A collection station named “{name}” already exists here."))


class IntermediateFacility(Facility):
    """A facility between the drop-off points and the plants, kept by a street or a community:
    sorting centres, perishable-waste transfer points, renovation/bulky-waste storage points,
    recyclable and hazardous-waste collection points."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=IntermediateKind.choices)
    daily_capacity_t = models.DecimalField(
        _("daily capacity (t/day)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    operator = models.CharField(_("operator"), max_length=100, blank=True)

    placement_levels = (AreaLevel.STREET, AreaLevel.COMMUNITY)

    class Meta(Facility.Meta):
        verbose_name = _("transfer or collection facility")
        verbose_name_plural = _("transfer and collection facilities")
        ordering = ["area_path", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="facilities_intermediate_unique_name"),
        ]
        indexes = [_path_index("intermediate")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:intermediate-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        _check_unique_name(self, _("A facility named “{name}” already exists here."))


# --- vehicles ------------------------------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # plates use no I and no O
#: A mainland plate: province, issuing office's letter, then five characters (ordinary plates), four
#: and 挂 (trailers), or six for new-energy vehicles (small: D/F or A–K first; large: D/F last).
PLATE_RE = re.compile(
    rf"^[{_PROVINCES}][{_LETTER}]"
    rf"(?:[{_LETTER}0-9]{{5}}|[{_LETTER}0-9]{{4}}挂|[A-HJK][{_LETTER}0-9]\d{{4}}|\d{{5}}[DF])$"
)
_PLATE_SEPARATORS = re.compile(r"[\s·•・\-.]")


def normalise_plate(text: str) -> str:
    """A plate as it is stored: half-width, upper case, without spaces or separators (浙A·12345 → 浙A12345)."""
    return _PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()


class Vehicle(Facility):
    """A collection vehicle (收运车辆) of a hauler. It is placed in its hauler's district and seen by the
    district and by the hauler itself."""

    plate = models.CharField(
        _("plate number"), max_length=12, help_text=_("For example 浙A12345 or 浙AD12345.")
    )
    stream = models.CharField(_("stream"), max_length=20, help_text=_("The stream the vehicle collects."))
    capacity_t = models.DecimalField(
        _("capacity (t)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    hauler = models.ForeignKey(
        "org.Hauler", verbose_name=_("hauler"), on_delete=models.PROTECT, related_name="vehicles"
    )

    scope = Scope(area="area_path", hauler="hauler_id")
    placement_levels = (AreaLevel.CITY, AreaLevel.DISTRICT)

    class Meta(Facility.Meta):
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["area_path", "plate", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plate"], name="facilities_vehicle_unique_plate"),
        ]

    def __str__(self) -> str:
        return self.plate

    def get_absolute_url(self) -> str:
        return reverse("facilities:vehicle-detail", args=[self.pk])

    def get_stream_display(self) -> str:
        from fenlei.taxonomy.naming import streams

        return next((s.label for s in streams() if s.code == self.stream), self.stream)

    def follow_hauler(self) -> None:
        """Place the vehicle where its hauler is registered."""
        if self.hauler_id:
            self.area = self.hauler.district

    def clean_fields(self, exclude=None) -> None:
        self.follow_hauler()  # before the area is checked for a value
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        from fenlei.taxonomy.naming import streams

        errors: dict[str, list] = {}
        self.follow_hauler()
        try:
            super().clean()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                # the area follows the hauler: a problem with it is a problem with the hauler
                errors.setdefault("hauler" if key in ("area", "site") else key, []).extend(messages)
        if self.hauler_id and self.hauler.closed_on is not None and self.closed_on is None:
            errors.setdefault("hauler", []).append(_("“{hauler}” is closed.").format(hauler=self.hauler))
        if self.plate:
            self.plate = normalise_plate(self.plate)
            if not PLATE_RE.match(self.plate):
                errors.setdefault("plate", []).append(
                    _("“{plate}” is not a plate number (e.g. 浙A12345, 浙AD12345).").format(plate=self.plate)
                )
            elif Vehicle.objects.filter(plate=self.plate).exclude(pk=self.pk).exists():
                errors.setdefault("plate", []).append(
                    _("The vehicle {plate} is already registered.").format(plate=self.plate)
                )
        codes = [s.code for s in streams()]
        if self.stream and self.stream not in codes:
            errors.setdefault("stream", []).append(
                _("Use one of the district's streams: {codes}.").format(codes=", ".join(codes))
            )
        if errors:
            raise ValidationError(errors)


# --- terminal facilities -------------------------------------------------------------------------


class TerminalFacility(Facility):
    """A treatment or disposal plant (末端处置设施): incinerator, biochemical or composting plant,
    resource recovery, hazardous-waste disposal, garden- and market-waste plants, landfill."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=TerminalKind.choices)
    daily_capacity_t = models.DecimalField(
        _("daily capacity (t/day)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    operator = models.CharField(_("operator"), max_length=100, blank=True)

    placement_levels = (AreaLevel.DISTRICT, AreaLevel.STREET)

    class Meta(Facility.Meta):
        verbose_name = _("terminal facility")
        verbose_name_plural = _("terminal facilities")
        ordering = ["area_path", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="facilities_terminal_unique_name"),
        ]
        indexes = [_path_index("terminal")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:terminal-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        _check_unique_name(self, _("A facility named “{name}” already exists here."))


# --- planned purchases ---------------------------------------------------------------------------


class PurchasePlan(PlacedModel):
    """A planned purchase (采购计划): containers of a category and size, vehicles or anything else, how
    many, for which area or site, when; followed from plan to deployment."""

    item = models.CharField(_("item"), max_length=12, choices=PurchaseItem.choices)
    category = models.ForeignKey(
        "taxonomy.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For containers."),
    )
    volume_l = models.PositiveIntegerField(
        _("volume (L)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(20000)],
        help_text=_("For containers."),
    )
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("What is bought, when it is not a container (e.g. an 8 t compression truck)."),
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    planned_on = models.DateField(_("planned date"))
    status = models.CharField(
        _("status"), max_length=12, choices=PurchaseStatus.choices, default=PurchaseStatus.PLANNED
    )

    placement_levels = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)
    attachment_slots = (PHOTOS,)

    class Meta(PlacedModel.Meta):
        verbose_name = _("planned purchase")
        verbose_name_plural = _("planned purchases")
        ordering = ["area_path", "planned_on", "pk"]

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded_status = obj.__dict__.get("status")
        return obj

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._loaded_status = self.status  # the next change moves on from here

    def __str__(self) -> str:
        from fenlei.taxonomy.naming import label

        if self.item == PurchaseItem.CONTAINER and self.category_id:
            return _("{category} {volume} L × {quantity}").format(
                category=label(self.category), volume=self.volume_l or "?", quantity=self.quantity
            )
        what = self.description or self.get_item_display()
        return _("{what} × {quantity}").format(what=what, quantity=self.quantity)

    def get_absolute_url(self) -> str:
        return reverse("facilities:purchase-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.item == PurchaseItem.CONTAINER:
            if not self.category_id:
                errors["category"] = _("Containers need a category.")
            elif self.category.kind != "major":
                errors["category"] = _("Choose one of the four categories.")
            if not self.volume_l:
                errors["volume_l"] = _("Containers need a volume.")
        elif self.item:
            if self.category_id:
                errors["category"] = _("Only containers have a category.")
            if self.volume_l:
                errors["volume_l"] = _("Only containers have a volume.")
            if self.item == PurchaseItem.OTHER and not self.description:
                errors["description"] = _("Say what is bought.")
        before = getattr(self, "_loaded_status", None)
        if before and self.status != before and self.status not in PURCHASE_TRANSITIONS.get(before, ()):
            errors["status"] = _("A purchase cannot go from “{old}” to “{new}”.").format(
                old=PurchaseStatus(before).label, new=PurchaseStatus(self.status).label
            )
        if errors:
            raise ValidationError(errors)
