"""Facilities: drop-off points and the containers at them (more facility ledgers follow)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.facilities.choices import DropOffKind, FacilityStatus
from fenlei.org.models import phone_validator
from fenlei.org.placed import PlacedModel


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

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:dropoff-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.name:
            self.name = self.name.strip()
            if (
                self.area_id
                and DropOffPoint.objects.filter(area_id=self.area_id, name=self.name)
                .exclude(pk=self.pk)
                .exists()
            ):
                raise ValidationError(
                    {"name": _("A drop-off point named “{name}” already exists here.").format(name=self.name)}
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
