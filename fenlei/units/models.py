"""The ledgers of public institutions (公共机构) and restaurants (餐饮单位).

A site of a public-institution kind (机关, 学校, 医院 …) or of a restaurant kind keeps one open record
of its ledger fields: an institution its sorting status and the person responsible for sorting; a
restaurant its size, its kitchen-waste haulier and contract, and its harmless-treatment commitment
(无害化处理承诺书: signed or not, when, until when; the scan is an attachment).

The record lives where its site lives (the site's community) and is reached, besides the areas above
it and the site's manager, by the site's industry authority (institutions) or by the haulier named
on it (restaurants).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fenlei.core.attachments import PHOTOS, document_slot
from fenlei.core.scoping import Scope
from fenlei.org.models import phone_validator
from fenlei.org.placed import PlacedModel
from fenlei.units.choices import CommitmentState, ContractState, RestaurantSize, SortingStatus


def warn_days() -> int:
    return settings.FENLEI_EXPIRY_WARN_DAYS


class UnitRecord(PlacedModel):
    """A site's one open record in a unit ledger; the site's kind must carry `kind_flag`."""

    #: The SiteKind flag a site needs to have a record in this ledger.
    kind_flag: str = ""

    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta(PlacedModel.Meta):
        abstract = True

    @property
    def name(self) -> str:
        return self.site.name if self.site_id else ""

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.site_id:
            raise ValidationError({"site": _("Choose the site.")})
        super().clean()
        site = self.site
        if not getattr(site.kind, self.kind_flag):
            raise ValidationError(
                {
                    "site": _("“{site}” is a {kind}, not a site this ledger keeps.").format(
                        site=site, kind=site.kind
                    )
                }
            )
        if self.closed_on is None:
            self.refuse_duplicate(
                {"site": _("“{site}” already has an open record in this ledger.").format(site=site)},
                site_id=self.site_id,
                closed_on=None,
            )


class InstitutionRecord(UnitRecord):
    """A public institution's sorting ledger (公共机构台账)."""

    sorting_status = models.CharField(
        _("sorting status"), max_length=20, choices=SortingStatus.choices, default=SortingStatus.STARTED
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    staff = models.PositiveIntegerField(
        _("staff"), null=True, blank=True, validators=[MaxValueValidator(200_000)]
    )
    sorting_lead = models.CharField(_("person responsible for sorting"), max_length=50)
    sorting_lead_post = models.CharField(_("post"), max_length=50, blank=True)
    sorting_lead_phone = models.CharField(
        _("phone of the person responsible"), max_length=20, blank=True, validators=[phone_validator]
    )

    kind_flag = "public_institution"
    scope = Scope(area="area_path", site="site_id", authority="site__authority_id")

    class Meta(UnitRecord.Meta):
        verbose_name = _("public institution")
        verbose_name_plural = _("public institutions")
        ordering = ["area_path", "site_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(closed_on__isnull=True),
                name="units_institution_one_open_per_site",
            ),
            models.CheckConstraint(condition=Q(site__isnull=False), name="units_institution_has_site"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("units:institution-detail", args=[self.pk])

    @property
    def authority(self):
        return self.site.authority if self.site_id else None

    def clean(self) -> None:
        super().clean()
        if self.status_since and self.status_since > timezone.localdate():
            raise ValidationError({"status_since": _("The date is in the future.")})


class RestaurantRecord(UnitRecord):
    """A restaurant's or canteen's ledger (餐饮单位台账): size, kitchen-waste haulier and contract,
    harmless-treatment commitment."""

    seats = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    size = models.CharField(_("size"), max_length=20, choices=RestaurantSize.choices, blank=True)
    hauler = models.ForeignKey(
        "org.Hauler",
        verbose_name=_("kitchen-waste haulier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restaurants",
    )
    contract_number = models.CharField(_("contract number"), max_length=50, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    commitment_signed = models.BooleanField(_("commitment signed"), default=False)
    commitment_signed_on = models.DateField(_("commitment signed on"), null=True, blank=True)
    commitment_expires = models.DateField(_("commitment expires"), null=True, blank=True)

    kind_flag = "restaurant"
    scope = Scope(area="area_path", site="site_id", hauler="hauler_id")
    #: The scan of the signed commitment (a PDF or a photo of the paper); photos of the premises.
    attachment_slots = (document_slot("commitment", _("commitment scan")), PHOTOS)

    class Meta(UnitRecord.Meta):
        verbose_name = pgettext_lazy("ledger", "restaurant")
        verbose_name_plural = _("restaurants")
        ordering = ["area_path", "site_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(closed_on__isnull=True),
                name="units_restaurant_one_open_per_site",
            ),
            models.CheckConstraint(condition=Q(site__isnull=False), name="units_restaurant_has_site"),
        ]
        indexes = [
            *UnitRecord.Meta.indexes,
            models.Index(fields=["hauler", "area_path"], name="units_restaurant_hauler"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("units:restaurant-detail", args=[self.pk])

    @staticmethod
    def size_for_seats(seats: int | None) -> str:
        """The size class a number of seats makes (catering food-safety classes: ≤75 small,
        76–250 medium, 251–1,000 large, more extra large)."""
        if seats is None:
            return ""
        if seats > 1000:
            return RestaurantSize.EXTRA_LARGE
        if seats > 250:
            return RestaurantSize.LARGE
        if seats > 75:
            return RestaurantSize.MEDIUM
        return RestaurantSize.SMALL

    def commitment_state(self, on: datetime.date | None = None) -> str:
        on = on or timezone.localdate()
        if not self.commitment_signed:
            return CommitmentState.MISSING
        return _expiry_state(self.commitment_expires, on, CommitmentState)

    def get_commitment_state_display(self) -> str:
        return CommitmentState(self.commitment_state()).label

    def contract_state(self, on: datetime.date | None = None) -> str:
        on = on or timezone.localdate()
        if not self.hauler_id and not self.contract_number:
            return ContractState.MISSING
        return _expiry_state(self.contract_end, on, ContractState)

    def get_contract_state_display(self) -> str:
        return ContractState(self.contract_state()).label

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not self.size and self.seats is not None:
            self.size = self.size_for_seats(self.seats)
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            errors.setdefault("contract_end", []).append(_("The contract ends before it starts."))
        if (self.contract_number or self.contract_start or self.contract_end) and not self.hauler_id:
            errors.setdefault("hauler", []).append(_("Name the haulier the contract is with."))
        if self.hauler_id and self.hauler.closed_on is not None and self.closed_on is None:
            errors.setdefault("hauler", []).append(_("“{hauler}” is closed.").format(hauler=self.hauler))
        if self.commitment_signed:
            if not self.commitment_signed_on:
                errors.setdefault("commitment_signed_on", []).append(
                    _("Give the date the commitment was signed.")
                )
            elif self.commitment_signed_on > timezone.localdate():
                errors.setdefault("commitment_signed_on", []).append(_("The date is in the future."))
            if (
                self.commitment_signed_on
                and self.commitment_expires
                and self.commitment_expires <= self.commitment_signed_on
            ):
                errors.setdefault("commitment_expires", []).append(
                    _("The commitment expires before it was signed.")
                )
        elif self.commitment_signed_on or self.commitment_expires:
            errors.setdefault("commitment_signed", []).append(
                _("A commitment with a date is a signed one: tick “commitment signed” or clear the dates.")
            )
        if errors:
            raise ValidationError(errors)


def _expiry_state(ends: datetime.date | None, on: datetime.date, states):
    if ends is None:
        return states.VALID
    if ends < on:
        return states.EXPIRED
    if ends <= on + datetime.timedelta(days=warn_days()):
        return states.EXPIRING
    return states.VALID


def expiry_q(field: str, state: str, on: datetime.date | None = None, *, present: Q) -> Q:
    """Rows whose `field` date puts them in `state` on `on` (`present`: the rows that have the thing
    at all; rows without it are "missing")."""
    on = on or timezone.localdate()
    soon = on + datetime.timedelta(days=warn_days())
    if state == "missing":
        return ~present
    if state == "expired":
        return present & Q(**{f"{field}__lt": on})
    if state == "expiring":
        return present & Q(**{f"{field}__gte": on, f"{field}__lte": soon})
    if state == "valid":
        return present & (Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": soon}))
    raise ValueError(state)
