"""The unit ledgers in Excel: export → import changes nothing; a sheet adds and updates records by
site; a bad row writes nothing and is named."""

import datetime
import io
import os

import openpyxl
from django.urls import reverse
from django.utils import translation

from fenlei.core.models import AuditEntry, Face
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.core.testing.excel import sheet
from fenlei.units.importexport import InstitutionLedger, RestaurantLedger
from fenlei.units.models import InstitutionRecord, RestaurantRecord


def exported(ledger, user, model):
    path = ledger.export(ledger.export_queryset(for_user(user, Action.EXPORT, model)))
    try:
        with open(path, "rb") as fh:
            data = io.BytesIO(fh.read())
    finally:
        os.unlink(path)
    return data


def test_round_trips_change_nothing(world, school, restaurant):
    alice = world.users["alice"]
    for ledger, model in ((InstitutionLedger(), InstitutionRecord), (RestaurantLedger(), RestaurantRecord)):
        data = exported(ledger, alice, model)
        rows = list(openpyxl.load_workbook(data).worksheets[0].values)
        assert rows[0] == tuple(ledger.headers())
        assert len(rows) == 2
        data.seek(0)
        plan = ledger.plan(data, alice)
        assert plan.errors == []
        assert plan.summary() == {"rows": 1, "create": 0, "update": 0, "unchanged": 1, "errors": 0}


def test_the_export_shows_the_sites_own_facts(world, school):
    data = exported(InstitutionLedger(), world.users["alice"], InstitutionRecord)
    header, row = list(openpyxl.load_workbook(data).worksheets[0].values)
    facts = dict(zip(header, row, strict=True))
    assert (facts["单位名称"], facts["单位类型"], facts["行业主管部门"]) == ("甲一小学", "学校", "区教育局")
    assert (facts["分类工作状态"], facts["职工人数"]) == ("已达标", 86)


def test_a_sheet_adds_and_updates_by_site(world, restaurant):
    ledger = RestaurantLedger()
    data = sheet(
        ledger,
        [
            {  # 甲一食堂 exists: its seats change
                "街道": "甲街道",
                "社区": "甲一社区",
                "单位名称": "甲一食堂",
                "座位数": "２００座",
                "餐厨垃圾收运单位": "绿洁环卫",
                "收运合同编号": "HT-2026-001",
                "合同起始日期": "2026/1/1",
                "合同到期日期": "2026年12月31日",
                "已签承诺书": "是",
                "承诺书签订日期": datetime.date(2026, 1, 5),
                "承诺书有效期至": "2027-01-04",
            },
            {
                "街道": "甲街道",
                "社区": "甲二社区",
                "单位名称": "甲二饭店",
                "规模": "小型",
                "已签承诺书": "否",
            },
        ],
    )
    plan = ledger.plan(data, world.users["sam"])
    assert plan.errors == []
    assert plan.summary()["create"] == 1 and plan.summary()["update"] == 1
    ledger.commit(plan, world.users["sam"])
    restaurant.refresh_from_db()
    assert restaurant.seats == 200
    new = RestaurantRecord.objects.get(site=world.sites["a2_restaurant"])
    assert (new.size, new.commitment_signed) == ("small", False)
    assert AuditEntry.objects.filter(face=Face.IMPORT, object_id=new.pk).exists()


def test_one_bad_row_writes_nothing_and_is_named(world):
    ledger = RestaurantLedger()
    data = sheet(
        ledger,
        [
            {"街道": "甲街道", "社区": "甲二社区", "单位名称": "甲二饭店", "座位数": 40},
            {"街道": "甲街道", "社区": "甲一社区", "单位名称": "甲一花园", "座位数": 10},  # an estate
            {"街道": "甲街道", "社区": "甲二社区", "单位名称": "甲二饭店", "座位数": 40},  # again
            {"街道": "甲街道", "社区": "甲二社区", "单位名称": "甲二饭店x", "餐厨垃圾收运单位": "无名公司"},
            {"街道": "甲街道", "社区": "甲二社区", "单位名称": "甲二饭店", "座位数": "大约100"},
        ],
    )
    with translation.override("en"):
        plan = ledger.plan(data, world.users["sam"])
    problems = [(e.row, e.column, e.reason) for e in plan.errors]
    assert any(
        (row, col) == (3, "单位名称")
        and why.startswith("“甲一花园” is a")
        and "not a site this ledger" in why
        for row, col, why in problems
    )
    assert (4, "单位名称", "Duplicate of row 2.") in problems
    assert any(row == 5 and col == "餐厨垃圾收运单位" and "无名公司" in why for row, col, why in problems)
    assert any(row == 6 and col == "座位数" for row, col, _why in problems)
    assert not RestaurantRecord.objects.exists()


def test_an_institution_sheet_needs_the_person_responsible(world):
    ledger = InstitutionLedger()
    data = sheet(
        ledger, [{"街道": "甲街道", "社区": "甲一社区", "单位名称": "甲一小学", "分类工作状态": "已开展"}]
    )
    with translation.override("en"):
        plan = ledger.plan(data, world.users["alice"])
    assert [(e.row, e.column, e.reason) for e in plan.errors] == [
        (2, "分类工作负责人", "This cell is required.")
    ]


def test_the_import_page_checks_then_writes_on_confirmation(world, client_for):
    ledger = InstitutionLedger()
    row = {"街道": "甲街道", "社区": "甲一社区", "单位名称": "甲一小学", "分类工作状态": "示范单位"}
    c = client_for("sam")
    upload = sheet(ledger, [row])
    upload.name = "公共机构.xlsx"
    r = c.post(reverse("units:institution-import"), {"file": upload}, follow=True)
    assert r.context["job"].error_count == 1 and not InstitutionRecord.objects.exists()
    upload = sheet(ledger, [{**row, "分类工作负责人": "周校长"}])
    upload.name = "公共机构.xlsx"
    r = c.post(reverse("units:institution-import"), {"file": upload}, follow=True)
    assert r.context["job"].ready
    r = c.post(reverse("core:import-job-confirm", args=[r.context["job"].pk]))
    assert r.status_code == 302 and r.url == reverse("units:institution-list")
    assert InstitutionRecord.objects.get(site=world.sites["a1_school"]).sorting_status == "model"
