"""The unit ledgers in Excel: a row per site (街道 + 社区 + 单位名称), Chinese headers.

A row is found again by its site: importing a sheet updates each site's open record or adds one.
The kind and the industry authority are the site's own facts: the export shows them, the import
ignores them (they are kept on the site).
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.importexport import (
    CellError,
    Column,
    ImportContext,
    export_choice,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
)
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.org.importexport import PLACEMENT_COLUMNS, PlacedLedger
from fenlei.org.models import Hauler
from fenlei.units.choices import RestaurantSize, SortingStatus
from fenlei.units.models import InstitutionRecord, RestaurantRecord


def _text(n):
    return lambda v, ctx: parse_text(v, max_length=n) if v is not None else ""


def _date(v, ctx):
    return parse_date(v)


def _ignored(v, ctx):
    return None


def _site_column():
    site = next(c for c in PLACEMENT_COLUMNS if c.key == "site")
    return dataclasses.replace(
        site,
        header="单位名称",
        parse=lambda v, ctx: parse_text(v, max_length=100),
        required=True,
        help=gettext_lazy("The unit, as registered among the community's sites."),
        width=22,
    )


AT_SITE = [*(c for c in PLACEMENT_COLUMNS if c.key != "site"), _site_column()]


class UnitLedger(PlacedLedger):
    """One open record per site: rows are matched by their site."""

    name_column = "site"
    key_fields = ("site",)
    #: Columns the export fills and the import ignores (the site's own facts).
    export_only: frozenset[str] = frozenset()

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).select_related("site__kind")

    def existing_queryset(self):
        return (
            super().existing_queryset().filter(closed_on__isnull=True)
        )  # a row never updates a closed record

    def build(self, instance, values: dict, ctx: ImportContext):
        values = {k: v for k, v in values.items() if k not in self.export_only}
        return super().build(instance, values, ctx)


class InstitutionLedger(UnitLedger):
    model = InstitutionRecord
    name = "institution"
    sheet_title = "公共机构"
    export_only = frozenset({"kind", "authority"})
    columns = [
        *AT_SITE,
        Column("kind", "单位类型", _ignored, lambda o: o.site.kind.name, help=gettext_lazy("Read only.")),
        Column(
            "authority",
            "行业主管部门",
            _ignored,
            lambda o: o.site.authority.name if o.site.authority_id else "",
            help=gettext_lazy("Read only: kept on the site."),
            width=16,
        ),
        Column(
            "sorting_status",
            "分类工作状态",
            parse_choice(SortingStatus),
            export_choice(SortingStatus, "sorting_status"),
            required=True,
            help=gettext_lazy("未开展、已开展、已达标 or 示范单位."),
            width=14,
        ),
        Column("status_since", "状态起始日期", _date, lambda o: o.status_since, width=14),
        Column("staff", "职工人数", lambda v, ctx: parse_int(v, units=("人",)), lambda o: o.staff),
        Column(
            "sorting_lead",
            "分类工作负责人",
            lambda v, ctx: parse_text(v, max_length=50),
            lambda o: o.sorting_lead,
            required=True,
            width=14,
        ),
        Column("sorting_lead_post", "负责人职务", _text(50), lambda o: o.sorting_lead_post),
        Column("sorting_lead_phone", "负责人电话", _text(20), lambda o: o.sorting_lead_phone, width=16),
        Column("notes", "备注", _text(200), lambda o: o.notes, width=24),
    ]

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).select_related("site__authority")


def _hauler(value, ctx: ImportContext):
    if value is None:
        return None
    name = parse_text(value, max_length=100)
    haulers = ctx.cache.get("haulers")
    if haulers is None:
        haulers = ctx.cache["haulers"] = {
            h.name: h for h in for_user(ctx.user, Action.VIEW, Hauler.objects.filter(closed_on__isnull=True))
        }
    found = haulers.get(name)
    if found is None:
        raise CellError(_("No open haulier “{name}” within your scope.").format(name=name))
    return found


class RestaurantLedger(UnitLedger):
    model = RestaurantRecord
    name = "restaurant"
    sheet_title = "餐饮单位"
    columns = [
        *AT_SITE,
        Column("seats", "座位数", lambda v, ctx: parse_int(v, units=("座", "个", "位")), lambda o: o.seats),
        Column(
            "size",
            "规模",
            lambda v, ctx: parse_choice(RestaurantSize)(v, ctx) if v is not None else "",
            export_choice(RestaurantSize, "size"),
            help=gettext_lazy("微型、小型、中型、大型 or 特大型; empty: from the seats."),
        ),
        Column(
            "hauler",
            "餐厨垃圾收运单位",
            _hauler,
            lambda o: o.hauler.name if o.hauler_id else "",
            help=gettext_lazy("A haulier registered in the district."),
            width=20,
        ),
        Column("contract_number", "收运合同编号", _text(50), lambda o: o.contract_number, width=16),
        Column("contract_start", "合同起始日期", _date, lambda o: o.contract_start, width=14),
        Column("contract_end", "合同到期日期", _date, lambda o: o.contract_end, width=14),
        Column(
            "commitment_signed",
            "已签承诺书",
            lambda v, ctx: parse_bool(v) if v is not None else False,
            lambda o: "是" if o.commitment_signed else "否",
            help=gettext_lazy("是 or 否: the harmless-treatment commitment (无害化处理承诺书)."),
        ),
        Column("commitment_signed_on", "承诺书签订日期", _date, lambda o: o.commitment_signed_on, width=16),
        Column("commitment_expires", "承诺书有效期至", _date, lambda o: o.commitment_expires, width=16),
        Column("notes", "备注", _text(200), lambda o: o.notes, width=24),
    ]

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).select_related("hauler")


LEDGERS = {"institutions": InstitutionLedger, "restaurants": RestaurantLedger}
