"""Facilities in Excel: the same columns as the lists, Chinese headers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.importexport import (
    CellError,
    Column,
    ImportContext,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from fenlei.facilities.choices import DropOffKind, FacilityStatus
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.importexport import PLACEMENT_COLUMNS, PlacedLedger
from fenlei.taxonomy.models import Category


def _choice(choices):
    """A cell holding a choice's Chinese label (or its code)."""

    def parse(value, ctx):
        from django.utils import translation

        text = parse_text(value)
        with translation.override("zh-hans"):
            by_label = {str(label): code for code, label in choices.choices}
        if text in by_label:
            return by_label[text]
        if text in choices.values:
            return text
        raise CellError(_("Use one of: {values}.").format(values="、".join(by_label)))

    return parse


def _label(choices, attr):
    def export(obj):
        from django.utils import translation

        with translation.override("zh-hans"):
            return str(choices(getattr(obj, attr)).label)

    return export


def _text(n):
    return lambda v, ctx: parse_text(v, max_length=n) if v is not None else ""


FACILITY_TAIL = [
    Column(
        "status",
        "状态",
        _choice(FacilityStatus),
        _label(FacilityStatus, "status"),
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
            _choice(DropOffKind),
            _label(DropOffKind, "kind"),
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


LEDGERS = {"dropoff-points": DropOffPointLedger, "containers": ContainerLedger}
