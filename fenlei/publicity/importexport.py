"""The publicity ledger in Excel: Chinese headers, kinds and targets by their Chinese names.

A row is found again by its place (街道 + 社区 + 场所) and its date, kind, target and organising unit.
An activity may be placed at a community, a street or the district: the 街道 column then holds the
street's name, or the district's own name for a district-level activity (with 社区 and 场所 empty).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.importexport import (
    CellError,
    Column,
    ImportContext,
    export_choice,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
)
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.importexport import PLACEMENT_COLUMNS, PlacedLedger
from fenlei.org.models import Area
from fenlei.publicity.choices import ActivityKind, Target
from fenlei.publicity.models import Activity


def _text(n):
    return lambda v, ctx: parse_text(v, max_length=n) if v is not None else ""


def _count(*units, minimum=0):
    return lambda v, ctx: parse_int(v, minimum=minimum, units=units) or 0


def _street_of(obj) -> str:
    """The 街道 cell: the street a row lies in, or the district's name for a district-level row."""
    area = obj.area
    if area.level == AreaLevel.COMMUNITY:
        return area.parent.name
    return area.name


_PLACE = {c.key: c for c in PLACEMENT_COLUMNS}

#: 街道 / 社区 / 场所, as in every placed ledger, with 街道 also naming the district.
ACTIVITY_PLACEMENT = [
    Column(
        "street",
        "街道",
        lambda v, ctx: parse_text(v),
        _street_of,
        required=True,
        help=gettext_lazy("The street (or town); the district's name for a district-level activity."),
        width=14,
    ),
    _PLACE["community"],
    _PLACE["site"],
]


class ActivityLedger(PlacedLedger):
    model = Activity
    name = "publicity-activities"
    sheet_title = "宣传活动"
    name_column = "date"
    # `site_id` rather than `site`: reading the site of every existing row would cost a query each.
    key_fields = ("site_id", "date", "kind", "target", "organiser")
    columns = [
        *ACTIVITY_PLACEMENT,
        Column(
            "date",
            "日期",
            lambda v, ctx: parse_date(v),
            lambda o: o.date,
            required=True,
            help=gettext_lazy("2025-06-30, 2025/6/30, 2025年6月30日 or an Excel date."),
            width=12,
        ),
        Column("organiser", "组织单位", _text(100), lambda o: o.organiser, required=True, width=20),
        Column(
            "kind",
            "活动形式",
            parse_choice(ActivityKind),
            export_choice(ActivityKind, "kind"),
            required=True,
            help=gettext_lazy(
                "资料发放、标语张贴、座谈、上门宣讲、微信推送、倡议书、指引卡、宣教片、义工队、知识竞赛、主题活动 or 其他."
            ),
        ),
        Column(
            "target",
            "六进对象",
            parse_choice(Target),
            export_choice(Target, "target"),
            required=True,
            help=gettext_lazy("进社区、进学校、进机关、进企业、进家庭、进公共场所、进农村 or 其他."),
        ),
        Column(
            "events",
            "场次",
            lambda v, ctx: 1 if v is None else parse_int(v, minimum=1, units=("场", "次", "场次")),
            lambda o: o.events,
            help=gettext_lazy("At least 1; empty means 1."),
            width=8,
        ),
        Column("materials", "发放材料（份）", _count("份", "张", "册"), lambda o: o.materials),
        Column("messages", "发送信息（条）", _count("条"), lambda o: o.messages),
        Column("participants", "参与人次", _count("人次", "人"), lambda o: o.participants),
        Column("reached_units", "覆盖单位", _text(200), lambda o: o.reached_units, width=18),
        Column("description", "活动内容", _text(2000), lambda o: o.description, width=30),
    ]

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).order_by("area_path", "date", "pk")

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        district_kinds = [k for k, v in KIND_LEVEL.items() if v == AreaLevel.DISTRICT]
        ctx.cache["districts"] = {
            a.name: a for a in for_user(ctx.user, Action.VIEW, Area.objects.filter(kind__in=district_kinds))
        }

    def lookup(self, values: dict, ctx: ImportContext):
        street, community = values.get("street"), values.get("community")
        district = ctx.cache["districts"].get(street)
        if district is not None and not community and street not in ctx.cache["streets"]:
            if values.get("site"):
                raise CellError(_("A district-level activity has no site."), column="site")
            values["area"], values["site"] = district, None
        else:
            super().lookup(values, ctx)  # finds the area and the site (or says why not)
        site = values["site"]
        values["site_id"] = site.pk if site is not None else None
        return ctx.cache["existing"].get(self.natural_key(values))


LEDGERS = {"publicity-activities": ActivityLedger}
