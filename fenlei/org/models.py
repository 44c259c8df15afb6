"""The district's structure: areas (区/街道/社区), sites, industry authorities and hauliers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fenlei.core.models import Model, ScopedModel
from fenlei.core.scoping import Scope
from fenlei.org.choices import CHILD_KINDS, KIND_LEVEL, AreaKind, AreaLevel

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,20}$", _("Enter a phone number of digits, spaces, +, - and brackets (5–20 characters).")
)
code_validator = RegexValidator(
    r"^[0-9A-Za-z_\-]{1,32}$", _("Use letters, digits, - and _ only (at most 32).")
)


def _coordinates():
    lat = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lng = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    return lat, lng


class AreaQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def subtree(self, area: Area):
        from fenlei.core.scoping import subtree_q

        return self.filter(subtree_q("path", area.path))


class Area(Model):
    """A node of the administrative tree: city → district 区 → street 街道/镇/乡 → community 社区/村.

    `path` is the materialized path ("0001.0012.0140."): "this area and everything under it" is one
    indexed prefix filter. Areas are closed, never deleted; moving one is a service.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=32,
        blank=True,
        validators=[code_validator],
        help_text=_("Administrative division code, if any."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    rural = models.BooleanField(_("rural"), default=False)
    latitude, longitude = _coordinates()
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()
    scope = Scope(area="path")
    #: What a ledger's export never reads of the area a row is placed in (it names the area).
    related_export_defer = frozenset({"code", "households", "population", "rural", "latitude", "longitude"})

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_area_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="org_area_unique_root_name"
            ),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="org_area_unique_code"),
        ]
        indexes = [
            models.Index(fields=["path"], opclasses=["varchar_pattern_ops"], name="org_area_path_prefix"),
            models.Index(fields=["depth", "name"], name="org_area_depth_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:area-detail", args=[self.pk])

    @property
    def level(self) -> int:
        return KIND_LEVEL[self.kind]

    @property
    def is_community(self) -> bool:
        return self.level == AreaLevel.COMMUNITY

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def audit_area_path(self) -> str:
        return self.path

    def child_kinds(self) -> tuple[str, ...]:
        return CHILD_KINDS[self.level]

    def ancestor_paths(self) -> list[str]:
        parts = self.path.split(".")[:-1]
        return [".".join(parts[:i]) + "." for i in range(1, len(parts))]

    def ancestors(self) -> models.QuerySet:
        """The areas above this one, root first (one query)."""
        return Area.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    def clean(self) -> None:
        errors = {}
        if self.parent_id is None:
            if self.kind not in (AreaKind.CITY, AreaKind.DISTRICT):
                errors["parent"] = _("A street or community must belong to a parent area.")
        else:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("An area cannot be its own parent.")
            elif self.kind and self.kind not in parent.child_kinds():
                errors["kind"] = _("A {parent_kind} cannot hold a {kind}.").format(
                    parent_kind=parent.get_kind_display(), kind=AreaKind(self.kind).label
                )
            if parent.closed_on is not None and self.closed_on is None:
                errors["parent"] = _("“{parent}” is closed: nothing new can be placed in it.").format(
                    parent=parent
                )
        if self.name:
            self.name = self.name.strip()
            siblings = Area.objects.filter(parent_id=self.parent_id, name=self.name).exclude(pk=self.pk)
            if siblings.exists():
                errors["name"] = _("An area named “{name}” already exists here.").format(name=self.name)
        if self.code and Area.objects.filter(code=self.code).exclude(pk=self.pk).exists():
            errors["code"] = _("The code {code} is already used by another area.").format(code=self.code)
        if errors:
            raise ValidationError(errors)


class SiteKind(Model):
    """A kind of site (物业小区, 开放小区, 写字楼 …): a configurable list kept by the district office."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    residential = models.BooleanField(_("residential"), default=False)
    public_institution = models.BooleanField(
        _("public institution"),
        default=False,
        help_text=_("Sites of this kind answer to an industry authority."),
    )
    restaurant = models.BooleanField(_("restaurant"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("site kind")
        verbose_name_plural = _("site kinds")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("org:site-list") + f"?kind={self.pk}"

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Authority(ScopedModel):
    """An industry authority (行业主管部门): oversees the public institutions of its sector."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True, validators=[code_validator])
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    district = models.ForeignKey(
        Area, verbose_name=_("district"), on_delete=models.PROTECT, related_name="authorities"
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope = Scope(area="area_path", authority="pk", visible_from_below=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("industry authority")
        verbose_name_plural = _("industry authorities")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="org_authority_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:authority-detail", args=[self.pk])

    def clean(self) -> None:
        if self.district_id:
            if self.district.level not in (AreaLevel.DISTRICT, AreaLevel.CITY):
                raise ValidationError({"district": _("Choose a district (or the city).")})
            self.area_path = self.district.path
            if (
                Authority.objects.filter(district_id=self.district_id, name=self.name)
                .exclude(pk=self.pk)
                .exists()
            ):
                raise ValidationError(
                    {"name": _("An authority named “{name}” already exists.").format(name=self.name)}
                )


class Hauler(ScopedModel):
    """A collection and transport company (收运单位)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True, validators=[code_validator])
    licence_no = models.CharField(_("licence number"), max_length=50, blank=True)
    district = models.ForeignKey(
        Area, verbose_name=_("district"), on_delete=models.PROTECT, related_name="haulers"
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope = Scope(area="area_path", hauler="pk", visible_from_below=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("hauler")
        verbose_name_plural = _("hauliers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="org_hauler_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:hauler-detail", args=[self.pk])

    def clean(self) -> None:
        if self.district_id:
            if self.district.level not in (AreaLevel.DISTRICT, AreaLevel.CITY):
                raise ValidationError({"district": _("Choose a district (or the city).")})
            self.area_path = self.district.path
            if (
                Hauler.objects.filter(district_id=self.district_id, name=self.name)
                .exclude(pk=self.pk)
                .exists()
            ):
                raise ValidationError(
                    {"name": _("A hauler named “{name}” already exists.").format(name=self.name)}
                )


class Site(ScopedModel):
    """A place with its own sorting responsibility, inside one community (小区, 单位, 学校 …)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True, validators=[code_validator])
    kind = models.ForeignKey(SiteKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="sites")
    community = models.ForeignKey(
        Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="sites"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude, longitude = _coordinates()
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(
        _("responsible person's phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    property_company = models.CharField(_("property company"), max_length=100, blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("industry authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope = Scope(area="area_path", site="pk", authority="authority_id")
    #: What a ledger's export never reads of the site a row is at (it names the site).
    related_export_defer = frozenset(
        {
            "code",
            "address",
            "households",
            "population",
            "responsible_person",
            "responsible_phone",
            "property_company",
            "latitude",
            "longitude",
        }
    )

    class Meta(ScopedModel.Meta):
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["area_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="org_site_unique_name_in_community"),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="org_site_unique_code"),
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["authority", "name"], name="org_site_authority"),
            models.Index(fields=["kind", "area_path"], name="org_site_kind_path"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:site-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self) -> None:
        errors = {}
        community = self.community if self.community_id else None
        if community is not None:
            if not community.is_community:
                errors["community"] = _("A site must be placed in a community or village.")
            elif community.closed_on is not None and self.closed_on is None:
                errors["community"] = _("“{community}” is closed: no site can be placed in it.").format(
                    community=community
                )
            else:
                self.area_path = community.path
        if self.name:
            self.name = self.name.strip()
            if (
                community is not None
                and Site.objects.filter(community=community, name=self.name).exclude(pk=self.pk).exists()
            ):
                errors["name"] = _("A site named “{name}” already exists in this community.").format(
                    name=self.name
                )
        if self.code and Site.objects.filter(code=self.code).exclude(pk=self.pk).exists():
            errors["code"] = _("The code {code} is already used by another site.").format(code=self.code)
        kind = self.kind if self.kind_id else None
        if kind is not None:
            if kind.public_institution and self.authority_id is None:
                errors["authority"] = _("A {kind} must name its industry authority.").format(kind=kind.label)
            if not kind.active and self.pk is None:
                errors["kind"] = _("The kind “{kind}” is no longer in use.").format(kind=kind.label)
        if self.authority_id:
            if self.authority.closed_on is not None and self.closed_on is None:
                errors["authority"] = _("“{authority}” is closed.").format(authority=self.authority)
            elif community is not None and not community.path.startswith(self.authority.area_path):
                errors["authority"] = _("“{authority}” does not cover this community.").format(
                    authority=self.authority
                )
        if self.population and self.households and self.population < self.households:
            errors["population"] = _("The population cannot be smaller than the number of households.")
        if errors:
            raise ValidationError(errors)
