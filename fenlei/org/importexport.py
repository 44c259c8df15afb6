"""The sites ledger in Excel: template, import (create or update by 街道 + 社区 + 名称), export."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.importexport import (
    CellError,
    Column,
    ImportContext,
    Ledger,
    parse_decimal,
    parse_int,
    parse_text,
)
from fenlei.core.roles import Action
from fenlei.core.scoping import can, for_user, placeable_areas
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.models import Area, Authority, Site, SiteKind


def _text(max_length):
    return lambda v, ctx: parse_text(v, max_length=max_length)


def _kind(value, ctx: ImportContext):
    kinds = ctx.cache["kinds"]
    kind = kinds.get(parse_text(value))
    if kind is None:
        raise CellError(_("Unknown kind; use one of: {kinds}.").format(kinds="、".join(sorted(kinds))))
    return kind


def _authority(value, ctx: ImportContext):
    if value is None:
        return None
    authority = ctx.cache["authorities"].get(parse_text(value))
    if authority is None:
        raise CellError(_("No industry authority of this name that you may use."))
    return authority


class SiteLedger(Ledger):
    model = Site
    name = "sites"
    sheet_title = "场所"
    name_column = "name"
    columns = [
        Column(
            "street",
            "街道",
            lambda v, ctx: parse_text(v),
            lambda s: s.community.parent.name,
            required=True,
            help=gettext_lazy("The street (or town) the community belongs to."),
            width=14,
        ),
        Column(
            "community",
            "社区",
            lambda v, ctx: parse_text(v),
            lambda s: s.community.name,
            required=True,
            help=gettext_lazy("The community or village, within your scope."),
            width=14,
        ),
        Column("name", "名称", _text(100), lambda s: s.name, required=True, width=22),
        Column(
            "kind",
            "类型",
            _kind,
            lambda s: s.kind.name,
            required=True,
            help=gettext_lazy("One of the site kinds, e.g. 物业小区, 开放小区, 写字楼, 学校."),
            width=12,
        ),
        Column("code", "编码", _text(32), lambda s: s.code, width=12),
        Column("address", "地址", _text(200), lambda s: s.address, width=30),
        Column("households", "户数", lambda v, ctx: parse_int(v, units=("户",)) or 0, lambda s: s.households),
        Column("population", "人口", lambda v, ctx: parse_int(v, units=("人",)) or 0, lambda s: s.population),
        Column("responsible_person", "负责人", _text(50), lambda s: s.responsible_person),
        Column("responsible_phone", "负责人电话", _text(20), lambda s: s.responsible_phone, width=16),
        Column("property_company", "物业公司", _text(100), lambda s: s.property_company, width=20),
        Column(
            "authority",
            "行业主管部门",
            _authority,
            lambda s: s.authority.name if s.authority_id else "",
            help=gettext_lazy("Required for public institutions."),
            width=16,
        ),
        Column(
            "latitude", "纬度", lambda v, ctx: parse_decimal(v, minimum=-90, maximum=90), lambda s: s.latitude
        ),
        Column(
            "longitude",
            "经度",
            lambda v, ctx: parse_decimal(v, minimum=-180, maximum=180),
            lambda s: s.longitude,
        ),
    ]

    def export_queryset(self, queryset):
        return queryset.select_related("community__parent", "kind", "authority").order_by(
            "area_path", "name", "pk"
        )

    def prepare(self, ctx: ImportContext) -> None:
        community_kinds = [k for k, v in KIND_LEVEL.items() if v == AreaLevel.COMMUNITY]
        visible = for_user(
            ctx.user, Action.VIEW, Area.objects.filter(kind__in=community_kinds)
        ).select_related("parent")
        placeable = set(placeable_areas(ctx.user, Action.ADD, Site, visible).values_list("pk", flat=True))
        ctx.cache["communities"] = {(c.parent.name, c.name): c for c in visible}
        ctx.cache["placeable"] = placeable
        ctx.cache["kinds"] = {k.name: k for k in SiteKind.objects.filter(active=True)}
        ctx.cache["authorities"] = {
            a.name: a
            for a in for_user(ctx.user, Action.VIEW, Authority.objects.filter(closed_on__isnull=True))
        }
        ctx.cache["existing"] = {
            (s.community_id, s.name): s
            for s in for_user(
                ctx.user,
                Action.VIEW,
                Site.objects.filter(community__in=list(ctx.cache["communities"].values())),
            )
        }

    def lookup(self, values: dict, ctx: ImportContext):
        community = ctx.cache["communities"].get((values["street"], values["community"]))
        if community is None:
            raise CellError(
                _("No community “{community}” in street “{street}” within your scope.").format(
                    community=values["community"], street=values["street"]
                ),
                column="community",
            )
        values["community"] = community
        return ctx.cache["existing"].get((community.pk, values["name"]))

    def natural_key(self, values: dict):
        community = values.get("community")
        return (getattr(community, "pk", community), values.get("name"))

    def build(self, instance, values: dict, ctx: ImportContext):
        for key, value in values.items():
            if key != "street":
                setattr(instance, key, value)
        return instance

    def may_change(self, instance, ctx: ImportContext) -> bool:
        return can(ctx.user, Action.CHANGE, instance)

    def _check(self, plan, number, existing, values, raw, ctx):
        if existing is None and values["community"].pk not in ctx.cache["placeable"]:
            from fenlei.core.importexport import RowError

            plan.errors.append(
                RowError(
                    number, "社区", raw.get("community") or "", _("You may not add sites in this community.")
                )
            )
            return
        super()._check(plan, number, existing, values, raw, ctx)


LEDGERS = {"sites": SiteLedger}


# --- ledgers placed in the structure -------------------------------------------------------------


def _optional_text(max_length):
    return lambda v, ctx: parse_text(v, max_length=max_length) if v is not None else ""


def _key_part(value):
    """A value of a row's key as the database lists it (a related record by its primary key)."""
    return value.pk if isinstance(value, Model) else value


def _district_name(area) -> str:
    """The name of the district `area` lies in (its parents loaded)."""
    while area is not None and area.level > AreaLevel.DISTRICT:
        area = area.parent
    return area.name if area is not None else ""


def street_name(area) -> str:
    """The 街道 cell of a row placed at `area`: the street it is (a street-level row) or lies in
    (a community-level row); empty above the streets."""
    if area.level == AreaLevel.STREET:
        return area.name
    if area.level == AreaLevel.COMMUNITY and area.parent_id:
        return area.parent.name
    return ""


#: The first columns of every placed ledger's sheet: where the row is.
PLACEMENT_COLUMNS = [
    Column(
        "street",
        "街道",
        lambda v, ctx: parse_text(v),
        lambda o: street_name(o.area),
        required=True,
        help=gettext_lazy("The street (or town)."),
        width=14,
    ),
    Column(
        "community",
        "社区",
        _optional_text(100),
        lambda o: o.area.name if o.area.parent_id and o.area.level == AreaLevel.COMMUNITY else "",
        help=gettext_lazy("The community or village; empty for a street-level record."),
        width=14,
    ),
    Column(
        "site",
        "场所",
        _optional_text(100),
        lambda o: o.site.name if o.site_id else "",
        help=gettext_lazy("Optional: the site within the community."),
        width=18,
    ),
]


class PlacedLedger(Ledger):
    """The Excel face of a ledger of `PlacedModel` rows. A row is found again by its area and
    `key_fields` (e.g. the name of a drop-off point in its community)."""

    key_fields: tuple[str, ...] = ("name",)

    def export_queryset(self, queryset):
        return queryset.select_related("area__parent", "site").order_by("area_path", "pk")

    def prepare(self, ctx: ImportContext) -> None:
        levels = self.model.placement_levels
        kinds = [k for k, v in KIND_LEVEL.items() if v in (*levels, AreaLevel.STREET)]
        visible = list(
            for_user(ctx.user, Action.VIEW, Area.objects.filter(kind__in=kinds)).select_related(
                "parent__parent"
            )
        )
        # A city repeats street names (and so street + community names): each name maps to every
        # area that has it, and a row naming more than one must say which district it means.
        ctx.cache["streets"] = {}
        ctx.cache["communities"] = {}
        for a in visible:
            if a.level == AreaLevel.STREET:
                ctx.cache["streets"].setdefault(a.name, []).append(a)
            elif a.level == AreaLevel.COMMUNITY and a.parent_id:
                ctx.cache["communities"].setdefault((a.parent.name, a.name), []).append(a)
        ctx.cache["area_ids"] = area_ids = [a.pk for a in visible]
        placeable_ids = [a.pk for a in visible if a.level in levels]
        ctx.cache["placeable"] = set(
            placeable_areas(
                ctx.user, Action.ADD, self.model, Area.objects.filter(pk__in=placeable_ids)
            ).values_list("pk", flat=True)
        )
        ctx.cache["sites"] = {
            (s.community_id, s.name): s
            for s in for_user(
                ctx.user, Action.VIEW, Site.objects.filter(community_id__in=placeable_ids or [0])
            )
        }
        # The rows a sheet may update, by key → primary key only: the plan loads the records a
        # file does name, batch by batch (a city has 100,000s of rows; a file names a few).
        existing = for_user(ctx.user, Action.VIEW, self.existing_queryset().filter(area_id__in=area_ids))
        ctx.cache["existing"] = {
            tuple(key): pk
            for pk, *key in existing.order_by().values_list("pk", "area_id", *self.key_fields).iterator()
        }
        self.prepare_keys(ctx, area_ids)

    def existing_queryset(self):
        """The rows an imported row may stand for (and update)."""
        return self.model._default_manager.all()

    def load_existing(self, pks: list, ctx: ImportContext) -> dict:
        return self.existing_queryset().in_bulk(pks)

    def prepare_keys(self, ctx: ImportContext, area_ids: list[int]) -> None:
        """How many rows (in or out of the user's scope) each key of the areas has, when the key is
        the ledger's uniqueness (area + plain fields): the plan then answers the model's uniqueness
        check from it instead of a query per row."""
        fields = ["area_id"]
        for key in self.key_fields:
            try:
                field = self.model._meta.get_field(key)
            except FieldDoesNotExist:
                return
            if field.attname != key or not field.concrete:
                return  # a key holding an object (e.g. "site"): compared by the model's own check
            fields.append(key)
        ctx.cache["unique_fields"] = frozenset(fields)
        ctx.cache["keys"] = Counter(
            self.model._default_manager.filter(area_id__in=area_ids or [0]).values_list(*fields).iterator()
        )

    def mark_checked(self, instance, values: dict, ctx: ImportContext) -> None:
        fields = ctx.cache.get("unique_fields")
        if fields:
            count = ctx.cache["keys"].get(self.natural_key(values), 0)
            if count == (0 if instance._state.adding else 1):  # none, or only the row itself
                instance._unique_checked = fields

    def may_change(self, instance, ctx: ImportContext) -> bool:
        if "changeable" not in ctx.cache:  # one query for the whole file, on its first existing row
            ctx.cache["changeable"] = set(
                for_user(
                    ctx.user,
                    Action.CHANGE,
                    self.model._default_manager.filter(area_id__in=ctx.cache["area_ids"] or [0]),
                ).values_list("pk", flat=True)
            )
        return instance.pk in ctx.cache["changeable"]

    def find_area(self, values: dict, ctx: ImportContext):
        """The area a row names by its 街道 and 社区 (and 区, where the sheet has it and the names
        alone are not enough), or a CellError saying why none."""
        street, community = values.get("street"), values.get("community")
        if community:
            found = ctx.cache["communities"].get((street, community), [])
            if not found:
                raise CellError(
                    _("No community “{community}” in street “{street}” within your scope.").format(
                        community=community, street=street
                    ),
                    column="community",
                )
        else:
            found = ctx.cache["streets"].get(street, [])
            if not found:
                raise CellError(
                    _("No street “{street}” within your scope.").format(street=street), column="street"
                )
        if len(found) == 1:
            return found[0]
        district = values.get("district")
        if district:
            named = [a for a in found if _district_name(a) == district]
            if len(named) == 1:
                return named[0]
        districts = "、".join(sorted({_district_name(a) for a in found}))
        if any(c.key == "district" for c in self.columns):
            message = _(
                "There is a street “{street}” in more than one district within your scope ({districts}): "
                "name the district in the 区 column."
            )
            column = "district" if district else "street"
        else:
            message = _(
                "There is a street “{street}” in more than one district within your scope ({districts}): "
                "this sheet cannot tell them apart; import the rows of each district as one of its "
                "users."
            )
            column = "street"
        raise CellError(message.format(street=street, districts=districts), column=column)

    def lookup(self, values: dict, ctx: ImportContext):
        area = self.find_area(values, ctx)
        values["area"] = area
        site_name = values.get("site")
        values["site"] = None
        if site_name:
            site = ctx.cache["sites"].get((area.pk, site_name))
            if site is None:
                raise CellError(
                    _("No site “{site}” in “{area}” within your scope.").format(site=site_name, area=area),
                    column="site",
                )
            values["site"] = site
        return ctx.cache["existing"].get((area.pk, *(_key_part(values.get(k)) for k in self.key_fields)))

    def natural_key(self, values: dict):
        return (_key_part(values.get("area")), *(_key_part(values.get(k)) for k in self.key_fields))

    def build(self, instance, values: dict, ctx: ImportContext):
        for key, value in values.items():
            if key not in ("street", "community"):
                setattr(instance, key, value)
        return instance

    def _check(self, plan, number, existing, values, raw, ctx):
        if existing is None and values["area"].pk not in ctx.cache["placeable"]:
            from fenlei.core.importexport import RowError

            column = "社区" if raw.get("community") else "街道"
            plan.errors.append(
                RowError(
                    number,
                    column,
                    raw.get("community") or raw.get("street") or "",
                    _("You may not add records there."),
                )
            )
            return
        super()._check(plan, number, existing, values, raw, ctx)
