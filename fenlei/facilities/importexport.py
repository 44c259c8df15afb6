"""Facilities in Excel: the same columns as the lists, Chinese headers."""

import decimal
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.importexport import (
    CellError,
    Column,
    ImportContext,
    Ledger,
    RowError,
    export_choice,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from fenlei.core.roles import Action
from fenlei.core.scoping import can, for_user, placeable_areas
from fenlei.facilities.choices import (
    DropOffKind,
    FacilityStatus,
    IntermediateKind,
    PurchaseItem,
    PurchaseStatus,
    TerminalKind,
)
from fenlei.facilities.models import (
    CollectionStation,
    Container,
    DropOffPoint,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
    normalise_plate,
)
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.importexport import PLACEMENT_COLUMNS, PlacedLedger, street_name
from fenlei.org.models import Area, Hauler, Site
from fenlei.taxonomy.models import Category


def _text(n):
    return lambda v, ctx: parse_text(v, max_length=n) if v is not None else ""


FACILITY_TAIL = [
    Column(
        "status",
        "状态",
        parse_choice(FacilityStatus),
        export_choice(FacilityStatus, "status"),
        required=True,
        help=gettext_lazy("规划、在建、在用 or 停用."),
    ),
    Column("address", "地址", _text(200), lambda o: o.address, width=26),
    Column(
        "latitude", "纬度", lambda v, ctx: parse_decimal(v, minimum=-90, maximum=90), lambda o: o.latitude
    ),
    Column(
        "longitude", "经度", lambda v, ctx: parse_decimal(v, minimum=-180, maximum=180), lambda o: o.longitude
    ),
    Column("in_use_since", "启用日期", lambda v, ctx: parse_date(v), lambda o: o.in_use_since, width=12),
]


class DropOffPointLedger(PlacedLedger):
    model = DropOffPoint
    name = "dropoff"
    sheet_title = "投放点"
    name_column = "name"
    columns = [
        *PLACEMENT_COLUMNS,
        Column("name", "名称", _text(100), lambda o: o.name, required=True, width=20),
        Column(
            "kind",
            "类型",
            parse_choice(DropOffKind),
            export_choice(DropOffKind, "kind"),
            required=True,
            help=gettext_lazy("定时定点投放点、误时投放点 or 智能投放点."),
        ),
        Column("opening_hours", "开放时间", _text(100), lambda o: o.opening_hours, width=22),
        Column(
            "households_served",
            "服务户数",
            lambda v, ctx: parse_int(v, units=("户",)) or 0,
            lambda o: o.households_served,
        ),
        Column("supervisor", "督导员", _text(50), lambda o: o.supervisor),
        Column("supervisor_phone", "督导员电话", _text(20), lambda o: o.supervisor_phone, width=16),
        *FACILITY_TAIL,
    ]


def _category(value, ctx: ImportContext):
    from fenlei.taxonomy.naming import label

    categories = ctx.cache.setdefault("categories", {})
    if not categories:
        for c in Category.objects.filter(kind="major"):
            categories[c.name] = c
            categories[label(c)] = c
    found = categories.get(parse_text(value))
    if found is None:
        raise CellError(
            _("Unknown category; use one of: {names}.").format(names="、".join(sorted(categories)))
        )
    return found


def _point(value, ctx: ImportContext):
    return parse_text(value) if value is not None else ""


class ContainerLedger(PlacedLedger):
    model = Container
    name = "container"
    sheet_title = "收集容器"
    key_fields = ("site", "category", "volume_l")
    columns = [
        *PLACEMENT_COLUMNS,
        Column("point", "投放点", _point, lambda o: o.point.name if o.point_id else "", width=18),
        Column("category", "类别", _category, lambda o: _category_label(o), required=True),
        Column(
            "volume_l",
            "容量（升）",
            lambda v, ctx: parse_int(v, minimum=10, units=("L", "升")),
            lambda o: o.volume_l,
            required=True,
        ),
        Column(
            "count",
            "数量",
            lambda v, ctx: parse_int(v, minimum=1, units=("个", "只")),
            lambda o: o.count,
            required=True,
        ),
        *[c for c in FACILITY_TAIL if c.key in ("status", "in_use_since")],
    ]

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).select_related("category", "point")

    def lookup(self, values, ctx):
        existing = super().lookup(values, ctx)
        name = values.get("point")
        values["point"] = None
        if name:
            point = DropOffPoint.objects.filter(area=values["area"], name=name).first()
            if point is None:
                raise CellError(
                    _("No drop-off point “{name}” in “{area}”.").format(name=name, area=values["area"]),
                    column="point",
                )
            values["point"] = point
        return existing


def _category_label(obj):
    from django.utils import translation

    from fenlei.taxonomy.naming import label

    with translation.override("zh-hans"):
        return label(obj.category)


# --- shared cells --------------------------------------------------------------------------------

_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(\S{0,6})$")


def _amount(units: tuple[str, ...], places: int = 2):
    """A decimal number, optionally followed by one of `units` ("8吨", "120 t/d"); nothing else."""

    def parse(value, ctx):
        if value is None:
            return None
        if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
            return parse_decimal(value, minimum=0, places=places)
        m = _AMOUNT.match(str(value).replace(",", "").strip())
        if not m or (m.group(2) and m.group(2).lower() not in {u.lower() for u in units}):
            raise CellError(_("Not a number."))
        return parse_decimal(m.group(1), minimum=0, places=places)

    return parse


_TONNES_PER_DAY = _amount(("吨/日", "吨/天", "吨", "t/d", "t"))


def _yes_no(attr):
    return lambda o: "是" if getattr(o, attr) else "否"


def _bool(value, ctx):
    return parse_bool(value)


# --- collection stations ---------------------------------------------------------------------------


class CollectionStationLedger(PlacedLedger):
    model = CollectionStation
    name = "station"
    sheet_title = "垃圾房收集站"
    name_column = "name"
    columns = [
        *PLACEMENT_COLUMNS,
        Column("name", "名称", _text(100), lambda o: o.name, required=True, width=20),
        Column(
            "floor_area_m2",
            "面积（平方米）",
            _amount(("平方米", "平米", "m2", "m²", "㎡")),
            lambda o: o.floor_area_m2,
        ),
        Column("has_water", "上下水", _bool, _yes_no("has_water"), help=gettext_lazy("是 or 否.")),
        Column("has_light", "照明", _bool, _yes_no("has_light"), help=gettext_lazy("是 or 否.")),
        Column("has_washing", "冲洗设施", _bool, _yes_no("has_washing"), help=gettext_lazy("是 or 否.")),
        Column("opening_hours", "开放时间", _text(100), lambda o: o.opening_hours, width=22),
        *FACILITY_TAIL,
    ]


# --- transfer and collection facilities -----------------------------------------------------------


class IntermediateFacilityLedger(PlacedLedger):
    model = IntermediateFacility
    name = "intermediate"
    sheet_title = "中转收集设施"
    name_column = "name"
    columns = [
        *PLACEMENT_COLUMNS,
        Column("name", "名称", _text(100), lambda o: o.name, required=True, width=20),
        Column(
            "kind",
            "类型",
            parse_choice(IntermediateKind),
            export_choice(IntermediateKind, "kind"),
            required=True,
            help=gettext_lazy(
                "分拣中心、易腐垃圾中转点、装修/大件垃圾暂存点、可回收物回收点 or 有害垃圾收集点."
            ),
            width=20,
        ),
        Column(
            "daily_capacity_t", "日处理能力（吨）", _TONNES_PER_DAY, lambda o: o.daily_capacity_t, width=16
        ),
        Column("operator", "运营单位", _text(100), lambda o: o.operator, width=20),
        *FACILITY_TAIL,
    ]


# --- ledgers placed at the district, a street or a community ---------------------------------------


def _district_of(area):
    while area is not None and area.level > AreaLevel.DISTRICT:
        area = area.parent
    return area


def _optional(n):
    return lambda v, ctx: parse_text(v, max_length=n) if v is not None else ""


class DistrictPlacedLedger(PlacedLedger):
    """A placed ledger whose rows may also stand at the district: the sheet names the district, and
    the street (and community) where the row is lower down."""

    def export_queryset(self, queryset):
        return queryset.select_related("area__parent__parent", "site").order_by("area_path", "pk")

    @classmethod
    def placement_columns(cls, levels) -> list[Column]:
        columns = [
            Column(
                "district",
                "区",
                _optional(100),
                lambda o: getattr(_district_of(o.area), "name", ""),
                help=gettext_lazy("The district. Leave the street empty for a district-level record."),
                width=12,
            ),
            Column(
                "street",
                "街道",
                _optional(100),
                lambda o: street_name(o.area),
                help=gettext_lazy("The street (or town); empty for a district-level record."),
                width=14,
            ),
        ]
        if AreaLevel.COMMUNITY in levels:
            columns += [c for c in PLACEMENT_COLUMNS if c.key in ("community", "site")]
        return columns

    def prepare(self, ctx: ImportContext) -> None:
        levels = self.model.placement_levels
        kinds = [k for k, v in KIND_LEVEL.items() if v in (*levels, AreaLevel.DISTRICT, AreaLevel.STREET)]
        visible = list(
            for_user(ctx.user, Action.VIEW, Area.objects.filter(kind__in=kinds)).select_related(
                "parent__parent"
            )
        )
        # Each area by the names a sheet gives it (district; street; street + community): a user sees
        # its own area without the ones above it, so a community is found by its street's name alone.
        ctx.cache["areas"] = {}
        for a in visible:
            if a.level == AreaLevel.DISTRICT:
                key = ("", a.name)
            elif a.level == AreaLevel.STREET:
                key = (a.name, "")
            elif a.level == AreaLevel.COMMUNITY:
                key = (a.parent.name, a.name)
            else:
                continue
            ctx.cache["areas"].setdefault(key, []).append(a)
        placeable_ids = [a.pk for a in visible if a.level in levels]
        ctx.cache["placeable"] = set(
            placeable_areas(
                ctx.user, Action.ADD, self.model, Area.objects.filter(pk__in=placeable_ids)
            ).values_list("pk", flat=True)
        )
        ctx.cache["sites"] = {}
        if AreaLevel.COMMUNITY in levels:
            community_ids = [a.pk for a in visible if a.level == AreaLevel.COMMUNITY]
            ctx.cache["sites"] = {
                (s.community_id, s.name): s
                for s in for_user(
                    ctx.user, Action.VIEW, Site.objects.filter(community_id__in=community_ids or [0])
                )
            }
        ctx.cache["area_ids"] = area_ids = [a.pk for a in visible]
        existing = for_user(ctx.user, Action.VIEW, self.existing_queryset().filter(area_id__in=area_ids))
        ctx.cache["existing"] = {(o.area_id, *(getattr(o, k) for k in self.key_fields)): o for o in existing}
        self.prepare_keys(ctx, area_ids)

    def existing_queryset(self):
        return self.model._default_manager.all()

    def lookup(self, values: dict, ctx: ImportContext):
        district, street = values.get("district") or "", values.get("street") or ""
        community = values.get("community") or ""
        if community and not street:
            raise CellError(_("Name the street of the community."), column="street")
        if not street and not district:
            raise CellError(
                _("Name the street, or the district for a district-level record."), column="street"
            )
        found = ctx.cache["areas"].get((street, community) if street else ("", district), [])
        if district and street:
            found = [a for a in found if getattr(_district_of(a), "name", None) == district]
        if len(found) != 1:
            if community:
                column, message = (
                    "community",
                    _("No community “{community}” in street “{street}” within your scope."),
                )
            elif street:
                column, message = "street", _("No street “{street}” within your scope.")
            else:
                column, message = "district", _("No district “{district}” within your scope.")
            if len(found) > 1:
                column, message = (
                    "district",
                    _("More than one “{name}” within your scope: name the district."),
                )
            raise CellError(
                message.format(
                    community=community, street=street, district=district, name=community or street
                ),
                column=column,
            )
        area = found[0]
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
        return ctx.cache["existing"].get(self.natural_key(values))

    def key_values(self, values: dict) -> tuple:
        """The values of `key_fields` in a row (what a missing column means, for a key)."""
        return tuple(values.get(k) for k in self.key_fields)

    def natural_key(self, values: dict):
        area = values.get("area")
        return (getattr(area, "pk", area), *self.key_values(values))

    def build(self, instance, values: dict, ctx: ImportContext):
        for key, value in values.items():
            if key not in ("district", "street", "community"):
                setattr(instance, key, value)
        return instance

    def _check(self, plan, number, existing, values, raw, ctx):
        if existing is None and values["area"].pk not in ctx.cache["placeable"]:
            column = next(
                (header for key, header in (("community", "社区"), ("street", "街道")) if raw.get(key)), "区"
            )
            plan.errors.append(
                RowError(
                    number,
                    column,
                    raw.get("community") or raw.get("street") or raw.get("district") or "",
                    _("You may not add records there."),
                )
            )
            return
        Ledger._check(self, plan, number, existing, values, raw, ctx)


# --- terminal facilities ---------------------------------------------------------------------------


class TerminalFacilityLedger(DistrictPlacedLedger):
    model = TerminalFacility
    name = "terminal"
    sheet_title = "末端处置设施"
    name_column = "name"
    columns = [
        *DistrictPlacedLedger.placement_columns(TerminalFacility.placement_levels),
        Column("name", "名称", _text(100), lambda o: o.name, required=True, width=22),
        Column(
            "kind",
            "类型",
            parse_choice(TerminalKind),
            export_choice(TerminalKind, "kind"),
            required=True,
            help=gettext_lazy(
                "焚烧、生化处理/堆肥、资源化利用、有害垃圾处置、园林绿化垃圾处理、农贸市场垃圾处理 or 填埋."
            ),
            width=18,
        ),
        Column(
            "daily_capacity_t",
            "日处理能力（吨）",
            _TONNES_PER_DAY,
            lambda o: o.daily_capacity_t,
            required=True,
            width=16,
        ),
        Column("operator", "运营单位", _text(100), lambda o: o.operator, width=20),
        *FACILITY_TAIL,
    ]


# --- planned purchases -----------------------------------------------------------------------------


def _optional_category(value, ctx):
    return _category(value, ctx) if value is not None else None


def _purchase_category_label(obj):
    return _category_label(obj) if obj.category_id else ""


class PurchasePlanLedger(DistrictPlacedLedger):
    model = PurchasePlan
    name = "purchase"
    sheet_title = "采购计划"
    name_column = "item"
    #: A line is found again by where it is for, what it buys and when.
    key_fields = ("item", "category", "volume_l", "description", "planned_on")
    columns = [
        *DistrictPlacedLedger.placement_columns(PurchasePlan.placement_levels),
        Column(
            "item",
            "采购内容",
            parse_choice(PurchaseItem),
            export_choice(PurchaseItem, "item"),
            required=True,
            help=gettext_lazy("收集容器、车辆 or 其他."),
        ),
        Column(
            "category",
            "类别",
            _optional_category,
            _purchase_category_label,
            help=gettext_lazy("For containers: the category."),
        ),
        Column(
            "volume_l",
            "容量（升）",
            lambda v, ctx: parse_int(v, minimum=10, units=("L", "升")),
            lambda o: o.volume_l,
            help=gettext_lazy("For containers: the volume in litres."),
        ),
        Column("description", "说明", _text(200), lambda o: o.description, width=26),
        Column(
            "quantity",
            "数量",
            lambda v, ctx: parse_int(v, minimum=1, units=("个", "只", "辆", "台", "套", "件")),
            lambda o: o.quantity,
            required=True,
        ),
        Column("planned_on", "计划日期", lambda v, ctx: parse_date(v), lambda o: o.planned_on, required=True),
        Column(
            "status",
            "状态",
            parse_choice(PurchaseStatus),
            export_choice(PurchaseStatus, "status"),
            required=True,
            help=gettext_lazy("计划、已下单、已到货 or 已投放."),
        ),
    ]

    def existing_queryset(self):
        return super().existing_queryset().select_related("category")

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).select_related("category")

    def key_values(self, values: dict) -> tuple:
        return (
            values.get("item"),
            values.get("category"),
            values.get("volume_l"),
            values.get("description") or "",
            values.get("planned_on"),
        )


# --- vehicles --------------------------------------------------------------------------------------


def _plate(value, ctx):
    return normalise_plate(parse_text(value, max_length=20))


def _stream(value, ctx):
    from fenlei.taxonomy.naming import streams

    text = parse_text(value)
    names = {}
    for s in streams():
        for name in (s.code, s.name, s.short, s.name_en):
            names[name.lower()] = s.code
    if text.lower() in names:
        return names[text.lower()]
    raise CellError(_("Use one of: {values}.").format(values="、".join(s.name for s in streams())))


def _stream_name(obj):
    from fenlei.taxonomy.naming import streams

    return next((s.name for s in streams() if s.code == obj.stream), obj.stream)


def _hauler(value, ctx):
    return parse_text(value, max_length=100)


class VehicleLedger(Ledger):
    """Vehicles in Excel: one row per plate; the hauler (by name) places the vehicle."""

    model = Vehicle
    name = "vehicle"
    sheet_title = "收运车辆"
    name_column = "plate"
    columns = [
        Column(
            "plate",
            "车牌号",
            _plate,
            lambda o: o.plate,
            required=True,
            help=gettext_lazy("For example 浙A12345; spaces and · are ignored."),
        ),
        Column(
            "hauler",
            "收运单位",
            _hauler,
            lambda o: o.hauler.name,
            required=True,
            help=gettext_lazy("The hauler's name, as registered."),
            width=20,
        ),
        Column(
            "stream",
            "收运类别",
            _stream,
            _stream_name,
            required=True,
            help=gettext_lazy("One of the district's streams, e.g. 湿垃圾, 干垃圾, 可回收物, 有害垃圾."),
        ),
        Column("capacity_t", "核定载重（吨）", _amount(("吨", "t")), lambda o: o.capacity_t, width=16),
        *[c for c in FACILITY_TAIL if c.key in ("status", "in_use_since")],
    ]

    def export_queryset(self, queryset):
        return queryset.select_related("hauler").order_by("area_path", "plate", "pk")

    def prepare(self, ctx: ImportContext) -> None:
        haulers = for_user(ctx.user, Action.VIEW, Hauler.objects.filter(closed_on__isnull=True))
        ctx.cache["haulers"] = {}
        for h in haulers.select_related("district"):
            ctx.cache["haulers"].setdefault(h.name, []).append(h)
        ctx.cache["placeable"] = set(
            placeable_areas(
                ctx.user, Action.ADD, Vehicle, Area.objects.filter(pk__in={h.district_id for h in haulers})
            ).values_list("pk", flat=True)
        )
        ctx.cache["existing"] = {
            v.plate: v for v in for_user(ctx.user, Action.VIEW, Vehicle.objects.select_related("hauler"))
        }
        ctx.cache["plates"] = set(Vehicle.objects.values_list("plate", flat=True))

    def lookup(self, values: dict, ctx: ImportContext):
        found = ctx.cache["haulers"].get(values["hauler"], [])
        if len(found) != 1:
            message = (
                _("No open hauler “{name}” within your scope.")
                if not found
                else _("More than one hauler “{name}” within your scope.")
            )
            raise CellError(message.format(name=values["hauler"]), column="hauler")
        values["hauler"] = found[0]
        plate = values["plate"]
        existing = ctx.cache["existing"].get(plate)
        if existing is None and plate in ctx.cache["plates"]:
            raise CellError(
                _("The vehicle {plate} is registered outside your scope.").format(plate=plate), column="plate"
            )
        return existing

    def natural_key(self, values: dict):
        return values.get("plate")

    def may_change(self, instance, ctx: ImportContext) -> bool:
        return can(ctx.user, Action.CHANGE, instance)

    def _check(self, plan, number, existing, values, raw, ctx):
        hauler = values["hauler"]
        moved = existing is None or existing.hauler_id != hauler.pk
        if moved and hauler.district_id not in ctx.cache["placeable"]:
            plan.errors.append(
                RowError(
                    number,
                    "收运单位",
                    raw.get("hauler") or "",
                    _("You may not add vehicles for this hauler."),
                )
            )
            return
        super()._check(plan, number, existing, values, raw, ctx)


LEDGERS = {
    "dropoff-points": DropOffPointLedger,
    "containers": ContainerLedger,
    "stations": CollectionStationLedger,
    "intermediate-facilities": IntermediateFacilityLedger,
    "vehicles": VehicleLedger,
    "terminal-facilities": TerminalFacilityLedger,
    "purchases": PurchasePlanLedger,
}
