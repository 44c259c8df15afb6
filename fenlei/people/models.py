"""People ledgers: leading groups and their members, volunteers and their service, supervisors at
drop-off points, party members linked to households, the streets' kitchen-waste collection groups,
each site's four-party linkage and its participating households.

Every row is a `PlacedModel` (an area, perhaps a site; closed, never deleted). Two ledgers hang off
another one — a group's members, a volunteer's service records: their rows take their area and
site from the row they belong to (`ChildRow`), so they are scoped exactly like it.

Phone and ID numbers are personal data: each model lists them in `personal_fields`, and every face
shows them through `fenlei.people.masking`.
"""

from __future__ import annotations

import decimal
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenlei.org.models import phone_validator
from fenlei.org.placed import PlacedModel, list_index
from fenlei.people.choices import GroupPost, VolunteerKind
from fenlei.people.masking import ID, PHONE

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def validate_id_number(value: str) -> None:
    """A resident ID number (GB 11643): 17 digits and a check character that matches them."""
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("An ID number has 18 characters: 17 digits, then a digit or X."))
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise ValidationError(_("This ID number's check character is wrong: please check the number."))


def _phone(verbose_name):
    return models.CharField(verbose_name, max_length=20, blank=True, validators=[phone_validator])


class PeopleRow(PlacedModel):
    """What every people ledger adds to a placed row: its personal fields and whether it has a site."""

    #: {field name: PHONE or ID}: shown masked to those who do not keep the ledger.
    personal_fields: dict[str, str] = {}
    #: Whether rows of this ledger may name a site (a group or a street's team does not).
    uses_site: bool = True
    #: Whether a site is required.
    site_required: bool = False

    class Meta(PlacedModel.Meta):
        abstract = True

    def clean(self) -> None:
        if not self.uses_site:
            self.site = None
        elif self.site_required and not self.site_id:
            raise ValidationError({"site": _("Choose the site.")})
        super().clean()


class ChildRow(PeopleRow):
    """A row that belongs to a row of another ledger (`parent_field`) and takes its place from it."""

    parent_field: str = ""
    #: Whether a closed parent still takes new rows (a service record of the past may be entered
    #: after the volunteer has left; a closed group takes no new members).
    closed_parent_takes_rows: bool = False

    class Meta(PeopleRow.Meta):
        abstract = True

    @property
    def parent(self):
        return getattr(self, self.parent_field) if getattr(self, f"{self.parent_field}_id") else None

    def take_place(self) -> None:
        """Copy the parent's area and site (and path): this row lives where its parent lives."""
        parent = self.parent
        if parent is not None:
            self.area = parent.area
            self.site = parent.site if parent.site_id else None
            self.area_path = parent.area_path

    def clean_fields(self, exclude=None) -> None:
        self.take_place()  # before the fields are checked: the area is required
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        parent = self.parent
        if parent is None:  # reported by the field's own validation
            return
        if (
            parent.closed_on is not None
            and self.closed_on is None
            and not self.closed_parent_takes_rows
            and self._parent_is_new()
        ):
            raise ValidationError({self.parent_field: _("“{name}” is closed.").format(name=parent)})
        self.take_place()
        try:
            super().clean()
        except ValidationError as exc:  # the place is the parent's: its problems are the parent's
            errors = exc.message_dict
            moved = [m for key in ("area", "site") for m in errors.pop(key, [])]
            if moved:
                errors.setdefault(self.parent_field, []).extend(moved)
            raise ValidationError(errors) from None

    def _parent_is_new(self) -> bool:
        """Whether the row is new or has just been given another parent."""
        if self.pk is None:
            return True
        before = (
            type(self)._default_manager.filter(pk=self.pk).values_list(f"{self.parent_field}_id", flat=True)
        )
        return before.first() != getattr(self, f"{self.parent_field}_id")


# --- leading groups -----------------------------------------------------------------------------


class LeadingGroup(PeopleRow):
    """A leading group for waste sorting (垃圾分类工作领导小组) of a district, street or community."""

    name = models.CharField(_("name"), max_length=100)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    plan_document = models.CharField(
        _("plan document"),
        max_length=200,
        blank=True,
        help_text=_("The document that set the group up or its work plan, e.g. its reference number."),
    )

    placement_levels = (1, 2, 3)
    uses_site = False

    class Meta(PeopleRow.Meta):
        verbose_name = _("leading group")
        verbose_name_plural = _("leading groups")
        ordering = ["area_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="people_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:group-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.name = (self.name or "").strip()
        if self.name and self.area_id:
            self.refuse_duplicate(
                {"name": _("A leading group named “{name}” already exists here.").format(name=self.name)},
                area_id=self.area_id,
                name=self.name,
            )


class LeadingGroupMember(ChildRow):
    """A member of a leading group: their post in the group and their own job."""

    group = models.ForeignKey(
        LeadingGroup, verbose_name=_("leading group"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("full name"), max_length=50)
    post = models.PositiveSmallIntegerField(
        _("post in the group"), choices=GroupPost.choices, default=GroupPost.MEMBER
    )
    job_title = models.CharField(
        _("job title"), max_length=100, blank=True, help_text=_("Their own post, e.g. 街道办事处主任.")
    )
    phone = _phone(_("phone"))

    parent_field = "group"
    placement_levels = (1, 2, 3)
    uses_site = False
    personal_fields = {"phone": PHONE}

    class Meta(ChildRow.Meta):
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        ordering = ["area_path", "group_id", "post", "name", "pk"]
        indexes = [
            *ChildRow.Meta.indexes,
            list_index("people_member_list", "area_path", "group", "post", "name", "pk"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="people_member_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:member-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.name = (self.name or "").strip()
        if self.name:
            self.refuse_duplicate(
                {"name": _("“{name}” is already a member of this group.").format(name=self.name)},
                group_id=self.group_id,
                name=self.name,
            )


# --- volunteers ---------------------------------------------------------------------------------


class Volunteer(PeopleRow):
    """A volunteer of a community (志愿者, 党员, 楼栋长, 党小组长 …), perhaps at one site."""

    name = models.CharField(_("full name"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=20, choices=VolunteerKind.choices, default=VolunteerKind.VOLUNTEER
    )
    phone = _phone(_("phone"))
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    building = models.CharField(
        _("building"), max_length=50, blank=True, help_text=_("The building they look after, e.g. 3幢.")
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    personal_fields = {"phone": PHONE, "id_number": ID}

    class Meta(PeopleRow.Meta):
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["area_path", "name", "pk"]
        indexes = [*PeopleRow.Meta.indexes, list_index("people_volunteer_list", *ordering)]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="people_volunteer_unique_name"),
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="people_volunteer_unique_id_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:volunteer-detail", args=[self.pk])

    def clean(self) -> None:
        self.id_number = (self.id_number or "").strip().upper()
        super().clean()
        self.name = (self.name or "").strip()
        if self.name and self.area_id:
            self.refuse_duplicate(
                {
                    "name": _(
                        "A volunteer named “{name}” is already registered here; add something to tell "
                        "them apart, e.g. 王芳（3幢）."
                    ).format(name=self.name)
                },
                area_id=self.area_id,
                name=self.name,
            )
        if self.id_number:
            self.refuse_duplicate(
                {"id_number": _("A volunteer with this ID number is already registered.")},
                id_number=self.id_number,
            )
        if self.joined_on and self.joined_on > timezone.localdate():
            raise ValidationError({"joined_on": _("This date lies in the future.")})


class ServiceRecord(ChildRow):
    """One spell of a volunteer's service: when, how long, what they did."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="service_records"
    )
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(decimal.Decimal("0.5")), MaxValueValidator(24)],
    )
    content = models.CharField(
        _("what they did"), max_length=200, help_text=_("E.g. 桶边督导, 入户宣传, 垃圾分拣.")
    )

    parent_field = "volunteer"
    closed_parent_takes_rows = True  # up to the day the volunteer left (see clean)

    class Meta(ChildRow.Meta):
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-pk"]
        indexes = [
            *ChildRow.Meta.indexes,
            models.Index(fields=["volunteer", "served_on"], name="people_service_volunteer_day"),
            list_index("people_service_list", *ordering),
        ]

    def __str__(self) -> str:
        volunteer = self.volunteer.name if self.volunteer_id else ""
        return _("{volunteer}, {date}: {hours} h").format(
            volunteer=volunteer, date=self.served_on, hours=self.hours
        )

    def get_absolute_url(self) -> str:
        return reverse("people:service-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        volunteer = self.parent
        if volunteer is not None and self.served_on:
            if self.served_on > timezone.localdate():
                raise ValidationError({"served_on": _("This date lies in the future.")})
            if volunteer.joined_on and self.served_on < volunteer.joined_on:
                raise ValidationError(
                    {
                        "served_on": _("{name} joined on {date}: the service cannot be earlier.").format(
                            name=volunteer, date=volunteer.joined_on
                        )
                    }
                )
            if volunteer.closed_on and self.served_on > volunteer.closed_on:
                raise ValidationError(
                    {
                        "served_on": _("{name} left on {date}: the service cannot be later.").format(
                            name=volunteer, date=volunteer.closed_on
                        )
                    }
                )
        self.content = (self.content or "").strip()


# --- supervisors --------------------------------------------------------------------------------


class Supervisor(PeopleRow):
    """A supervisor (督导员) on duty at a drop-off point: one row per person and point.

    Someone who supervises two points has two rows (the same name and phone); a row without a
    point is a supervisor who roves in the community.
    """

    name = models.CharField(_("full name"), max_length=50)
    phone = _phone(_("phone"))
    point = models.ForeignKey(
        "facilities.DropOffPoint",
        verbose_name=_("drop-off point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duty_hours = models.CharField(
        _("duty hours"), max_length=100, blank=True, help_text=_("For example 07:00-09:00, 18:00-20:00.")
    )

    personal_fields = {"phone": PHONE}

    class Meta(PeopleRow.Meta):
        verbose_name = _("supervisor")
        verbose_name_plural = _("supervisors")
        ordering = ["area_path", "name", "pk"]
        indexes = [*PeopleRow.Meta.indexes, list_index("people_supervisor_list", *ordering)]
        constraints = [
            models.UniqueConstraint(fields=["point", "name"], name="people_supervisor_unique_at_point"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:supervisor-detail", args=[self.pk])

    def clean(self) -> None:
        point = self.point if self.point_id else None
        if point is not None:
            if self.area_id and point.area_id != self.area_id:
                raise ValidationError({"point": _("The drop-off point lies in another area.")})
            if self.site_id is None and point.site_id:
                self.site = point.site
            elif point.site_id and point.site_id != self.site_id:
                raise ValidationError({"point": _("The drop-off point lies at another site.")})
        super().clean()
        if point is not None and point.closed_on is not None and self.closed_on is None:
            raise ValidationError({"point": _("“{point}” is closed.").format(point=point)})
        self.name = (self.name or "").strip()
        if self.name and self.area_id:
            self.refuse_duplicate(
                {"name": _("{name} is already on duty here.").format(name=self.name)},
                area_id=self.area_id,
                name=self.name,
                point_id=self.point_id,
            )


# --- party members linked to households ------------------------------------------------------------


class PartyMemberLink(PeopleRow):
    """A party member linked to households (党员联户): the building they look after and how many
    households they are linked to."""

    name = models.CharField(_("party member"), max_length=50)
    phone = _phone(_("phone"))
    party_branch = models.CharField(_("party branch"), max_length=100, blank=True)
    building = models.CharField(
        _("building"), max_length=50, blank=True, help_text=_("E.g. 3幢 or 3幢1单元.")
    )
    households_linked = models.PositiveIntegerField(_("households linked"), default=0)

    personal_fields = {"phone": PHONE}

    class Meta(PeopleRow.Meta):
        verbose_name = _("party member linked to households")
        verbose_name_plural = _("party members linked to households")
        ordering = ["area_path", "name", "building", "pk"]
        indexes = [*PeopleRow.Meta.indexes, list_index("people_partylink_list", *ordering)]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "name", "building"], name="people_partylink_unique_building"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.building}" if self.building else self.name

    def get_absolute_url(self) -> str:
        return reverse("people:partylink-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.name = (self.name or "").strip()
        self.building = (self.building or "").strip()
        site = self.site if self.site_id else None
        if site is not None and site.households and self.households_linked > site.households:
            raise ValidationError(
                {
                    "households_linked": _("{site} has only {n} households.").format(
                        site=site, n=site.households
                    )
                }
            )
        if self.name and self.area_id:
            self.refuse_duplicate(
                {"building": _("{name} is already linked to this building.").format(name=self.name)},
                area_id=self.area_id,
                name=self.name,
                building=self.building,
            )


# --- kitchen-waste collection groups ---------------------------------------------------------------


class KitchenWasteGroup(PeopleRow):
    """A street's kitchen-waste collection group (餐厨垃圾收运组): its leader and members."""

    name = models.CharField(_("name"), max_length=100)
    leader = models.CharField(_("leader"), max_length=50)
    phone = _phone(_("phone"))
    members = models.TextField(
        _("members"), blank=True, help_text=_("One name per line (or separated by 、 or commas).")
    )

    placement_levels = (2,)
    uses_site = False
    personal_fields = {"phone": PHONE}

    class Meta(PeopleRow.Meta):
        verbose_name = _("kitchen-waste collection group")
        verbose_name_plural = _("kitchen-waste collection groups")
        ordering = ["area_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="people_kitchengroup_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:kitchengroup-detail", args=[self.pk])

    @property
    def member_names(self) -> list[str]:
        return [n for n in (p.strip() for p in re.split(r"[\n\r,，、;；]+", self.members or "")) if n]

    def clean(self) -> None:
        super().clean()
        self.name = (self.name or "").strip()
        self.members = "\n".join(self.member_names)
        if self.name and self.area_id:
            self.refuse_duplicate(
                {"name": _("A group named “{name}” already exists in this street.").format(name=self.name)},
                area_id=self.area_id,
                name=self.name,
            )


# --- four-party linkage ------------------------------------------------------------------------


class FourPartyLinkage(PeopleRow):
    """A site's four-party linkage (四位一体): its party organisation, the community, the owners'
    committee and the property company, each with a contact. One open record per site."""

    party_org = models.CharField(_("party organisation"), max_length=100, blank=True)
    party_contact = models.CharField(_("party organisation contact"), max_length=50, blank=True)
    party_phone = _phone(_("party organisation phone"))
    community_contact = models.CharField(_("community contact"), max_length=50, blank=True)
    community_phone = _phone(_("community phone"))
    owners_contact = models.CharField(_("owners' committee contact"), max_length=50, blank=True)
    owners_phone = _phone(_("owners' committee phone"))
    property_company = models.CharField(_("property company"), max_length=100, blank=True)
    property_contact = models.CharField(_("property company contact"), max_length=50, blank=True)
    property_phone = _phone(_("property company phone"))

    site_required = True
    personal_fields = {
        "party_phone": PHONE,
        "community_phone": PHONE,
        "owners_phone": PHONE,
        "property_phone": PHONE,
    }

    class Meta(PeopleRow.Meta):
        verbose_name = _("four-party linkage")
        verbose_name_plural = _("four-party linkages")
        ordering = ["area_path", "site_id", "pk"]
        indexes = [*PeopleRow.Meta.indexes, list_index("people_fourparty_list", "area_path", "site", "pk")]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(closed_on__isnull=True),
                name="people_fourparty_one_open_per_site",
            ),
            models.CheckConstraint(condition=Q(site__isnull=False), name="people_fourparty_has_site"),
        ]

    def __str__(self) -> str:
        site = self.site.name if self.site_id else ""
        return _("Four-party linkage of {site}").format(site=site)

    def get_absolute_url(self) -> str:
        return reverse("people:fourparty-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if not (self.party_contact or self.community_contact or self.owners_contact or self.property_contact):
            raise ValidationError(_("Name at least one contact."))
        if self.closed_on is None:
            self.refuse_duplicate(
                {"site": _("{site} already has an open four-party linkage.").format(site=self.site)},
                site_id=self.site_id,
                closed_on=None,
            )


# --- participation -----------------------------------------------------------------------------


class Participation(PeopleRow):
    """How many households of a site take part in sorting, as recorded on a date."""

    recorded_on = models.DateField(_("date of record"))
    registered_households = models.PositiveIntegerField(_("registered households"))
    participating_households = models.PositiveIntegerField(_("participating households"))

    site_required = True

    class Meta(PeopleRow.Meta):
        verbose_name = _("participating households")
        verbose_name_plural = _("participating households")
        ordering = ["area_path", "site_id", "-recorded_on", "pk"]
        indexes = [
            *PeopleRow.Meta.indexes,
            list_index("people_participation_list", "area_path", "site", "-recorded_on", "pk"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["site", "recorded_on"], name="people_participation_unique_day"),
            models.CheckConstraint(condition=Q(site__isnull=False), name="people_participation_has_site"),
            models.CheckConstraint(
                condition=Q(participating_households__lte=models.F("registered_households")),
                name="people_participation_not_above_registered",
            ),
        ]

    def __str__(self) -> str:
        site = self.site.name if self.site_id else ""
        return _("{site}, {date}").format(site=site, date=self.recorded_on)

    def get_absolute_url(self) -> str:
        return reverse("people:participation-detail", args=[self.pk])

    @property
    def rate(self) -> decimal.Decimal | None:
        """Participating ÷ registered households, in per cent (one decimal)."""
        if not self.registered_households:
            return None
        share = decimal.Decimal(self.participating_households * 100) / self.registered_households
        return share.quantize(decimal.Decimal("0.1"))

    def clean(self) -> None:
        super().clean()
        errors = {}
        registered, participating = self.registered_households, self.participating_households
        if registered is not None and participating is not None and participating > registered:
            errors["participating_households"] = _("More than the registered households.")
        site = self.site
        if site.households:
            for field, value in (
                ("registered_households", registered),
                ("participating_households", participating),
            ):
                if value is not None and value > site.households and field not in errors:
                    errors[field] = _("{site} has only {n} households.").format(site=site, n=site.households)
        if self.recorded_on and self.recorded_on > timezone.localdate():
            errors["recorded_on"] = _("This date lies in the future.")
        if errors:
            raise ValidationError(errors)
        if self.recorded_on:
            self.refuse_duplicate(
                {"recorded_on": _("{site} already has a record of this date.").format(site=site)},
                site_id=self.site_id,
                recorded_on=self.recorded_on,
            )
