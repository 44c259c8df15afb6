"""Publicity activities (宣传活动): what a district, street or community did to explain waste sorting,
and how many it reached. The counts add up to the figures the periodic reports quote
("开展宣传活动X场次、发放宣传材料X份、发送宣传信息X条").
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.core.attachments import PHOTOS
from fenlei.org.choices import AreaLevel
from fenlei.org.placed import PlacedModel
from fenlei.publicity.choices import ActivityKind, Target

#: The fields that tell one activity record from another in the same place (and the Excel key).
ACTIVITY_KEY = ("date", "kind", "target", "organiser")
TWIN = _(
    "This place already has an activity of this kind and target by this organising unit on this date: "
    "add the counts to it instead."
)


class Activity(PlacedModel):
    """One publicity activity (or a batch of like events on one day) held by a district, a street or
    a community, perhaps at one site."""

    date = models.DateField(_("date"))
    organiser = models.CharField(
        _("organising unit"), max_length=100, help_text=_("Who held it, e.g. 甲一社区居委会.")
    )
    kind = models.CharField(_("form of activity"), max_length=16, choices=ActivityKind.choices)
    target = models.CharField(
        _("target group"),
        max_length=16,
        choices=Target.choices,
        help_text=_("Where the activity went (the “six intos”)."),
    )
    events = models.PositiveIntegerField(
        _("events"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many sessions were held (at least one)."),
    )
    materials = models.PositiveIntegerField(
        _("materials handed out"), default=0, help_text=_("Leaflets, guide cards, letters … (copies).")
    )
    messages = models.PositiveIntegerField(
        _("messages sent"), default=0, help_text=_("WeChat posts, text messages … (messages).")
    )
    participants = models.PositiveIntegerField(
        _("participants"), default=0, help_text=_("People reached (person-times).")
    )
    reached_units = models.CharField(
        _("reached units"), max_length=200, blank=True, help_text=_("For example: 3 schools, 12 shops.")
    )
    description = models.TextField(_("activity content"), max_length=2000, blank=True)

    placement_levels = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)
    attachment_slots = (PHOTOS,)

    class Meta(PlacedModel.Meta):
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")
        ordering = ["-date", "area_path", "pk"]
        indexes = [
            *PlacedModel.Meta.indexes,
            models.Index(fields=["date"], name="publicity_activity_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(events__gte=1), name="publicity_activity_events_min"),
            # One record per place, date, kind, target and organiser (with or without a site).
            models.UniqueConstraint(
                fields=["area", *ACTIVITY_KEY],
                condition=Q(site__isnull=True),
                name="publicity_activity_unique_in_area",
                violation_error_message=TWIN,
            ),
            models.UniqueConstraint(
                fields=["site", *ACTIVITY_KEY],
                condition=Q(site__isnull=False),
                name="publicity_activity_unique_at_site",
                violation_error_message=TWIN,
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display() if self.kind else ""
        return " · ".join(str(p) for p in (self.date, kind, self.organiser) if p)

    def get_absolute_url(self) -> str:
        return reverse("publicity:activity-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.organiser:
            self.organiser = self.organiser.strip()
