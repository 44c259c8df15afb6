"""The shared import of placed ledgers at city scale: repeated street names, uniqueness answered from
the import's own look-ups, existing rows loaded batch by batch."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fenlei.accounts import services as account_services
from fenlei.core import importexport
from fenlei.core.audit import using_face
from fenlei.core.models import AuditEntry, Face
from fenlei.core.roles import Role
from fenlei.core.testing.excel import exported, sheet
from fenlei.facilities.importexport import DropOffPointLedger
from fenlei.facilities.models import DropOffPoint
from fenlei.org import services as org
from fenlei.org.models import Area
from fenlei.people.importexport import LeadingGroupLedger
from fenlei.people.models import LeadingGroup


def point(name, area, **extra):
    p = DropOffPoint(name=name, area=area, **extra)
    p.full_clean()
    p.save()
    return p


@pytest.fixture
def west(world):
    """A second district whose street and community have the names of 东湖区's; alice runs both."""
    with using_face(Face.SYSTEM):
        district = org.area_create(area=Area(name="西湖区", kind="district"), by=None)
        street = org.area_create(area=Area(name="甲街道", kind="street", parent=district), by=None)
        community = org.area_create(area=Area(name="甲一社区", kind="community", parent=street), by=None)
        other = org.area_create(area=Area(name="西一社区", kind="community", parent=street), by=None)
    account_services.assign(user=world.alice, role=Role.DISTRICT_ADMIN, target=district, by=None)
    return {"district": district, "street": street, "community": community, "other": other}


def test_a_street_name_in_two_districts_is_refused_without_a_district_column(world, west):
    ledger = DropOffPointLedger()
    rows = [
        {"街道": "乙街道", "社区": "乙一社区", "名称": "乙一新点", "类型": "定时定点投放点", "状态": "在用"},
        {"街道": "甲街道", "社区": "甲一社区", "名称": "甲一新点", "类型": "定时定点投放点", "状态": "在用"},
        {"街道": "甲街道", "社区": "西一社区", "名称": "西一新点", "类型": "定时定点投放点", "状态": "在用"},
    ]
    with translation.override("en"):
        plan = ledger.plan(sheet(ledger, rows), world.alice)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(3, "街道", "甲街道")]
    assert "more than one district" in plan.errors[0].reason
    assert "东湖区" in plan.errors[0].reason and "西湖区" in plan.errors[0].reason
    # A community whose street + name is found once is placed (西一社区 is only in 西湖区's 甲街道).
    assert not DropOffPoint.objects.filter(name__endswith="新点").exists()
    one = ledger.plan(sheet(ledger, rows[2:]), world.alice)
    assert one.ok and one.creates[0].area == west["other"]
    # The district's own admin sees one 甲街道: no question for her.
    mine = ledger.plan(sheet(ledger, rows[1:2]), world.sam)
    assert mine.ok and mine.creates[0].area == world.community_a1


def test_the_district_column_tells_the_streets_apart(world, west):
    ledger = LeadingGroupLedger()
    base = {"街道": "甲街道", "社区": "甲一社区", "名称": "垃圾分类领导小组"}
    with translation.override("en"):
        plan = ledger.plan(sheet(ledger, [base]), world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "街道")]
    assert "name the district in the 区 column" in plan.errors[0].reason
    plan = ledger.plan(
        sheet(ledger, [{**base, "区": "西湖区"}, {**base, "区": "东湖区", "名称": "东湖小组"}]), world.alice
    )
    assert plan.ok, [e.as_dict() for e in plan.errors]
    assert [g.area for g in plan.creates] == [west["community"], world.community_a1]
    with translation.override("en"):
        plan = ledger.plan(sheet(ledger, [{**base, "区": "南湖区"}]), world.alice)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(2, "区", "南湖区")]
    ledger.commit(ledger.plan(sheet(ledger, [{**base, "区": "西湖区"}]), world.alice), world.alice)
    assert LeadingGroup.objects.get(name="垃圾分类领导小组").area == west["community"]


def test_new_names_are_checked_from_the_loaded_names(world):
    """The plan answers a new row's name uniqueness from the keys it loaded for the file (no query
    per row); a taken name in the file is the row it updates."""
    point("甲一1号点", world.community_a1)
    ledger = DropOffPointLedger()
    base = {"街道": "甲街道", "社区": "甲一社区", "类型": "定时定点投放点", "状态": "在用"}
    rows = [{**base, "名称": f"新点{i}"} for i in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        plan = ledger.plan(sheet(ledger, [*rows, {**base, "名称": "甲一1号点", "服务户数": 7}]), world.cora)
    assert plan.ok and len(plan.creates) == 3 and len(plan.updates) == 1
    assert not [q for q in ctx.captured_queries if "新点" in q["sql"]]
    # The model's own check still stands where no importer answered it.
    with translation.override("en"), pytest.raises(ValidationError, match="already exists here"):
        DropOffPoint(name="甲一1号点", area=world.community_a1).full_clean()


def test_existing_rows_are_loaded_in_batches_and_updated(world, monkeypatch):
    monkeypatch.setattr(importexport, "CHECK_BATCH", 2)
    points = [point(f"甲一{i}号点", world.community_a1, households_served=10 + i) for i in range(5)]
    ledger = DropOffPointLedger()
    book = exported(ledger, ledger.export_queryset(DropOffPoint.objects.all()))
    plan = ledger.plan(book, world.alice)
    assert plan.ok and plan.unchanged == 5
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    col = ledger.headers().index("服务户数") + 1
    ws.cell(row=3, column=col).value = 99
    ws.cell(row=6, column=col).value = "120户"
    ws.append(["甲街道", "甲一社区", None, "甲一5号点", "智能投放点", None, 5, None, None, "在用"])
    buf = io.BytesIO()
    wb.save(buf)
    plan = ledger.plan(buf, world.alice)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (1, 2, 3)
    ledger.commit(plan, world.alice)
    assert sorted(
        DropOffPoint.objects.filter(pk__in=[p.pk for p in points]).values_list("households_served", flat=True)
    ) == [
        10,
        12,
        13,
        99,
        120,
    ]
    assert AuditEntry.objects.filter(face=Face.IMPORT, action="update").count() == 2
    assert AuditEntry.objects.filter(face=Face.IMPORT, action="create").count() == 1


def test_errors_come_in_row_order_across_batches(world, monkeypatch):
    monkeypatch.setattr(importexport, "CHECK_BATCH", 2)
    ledger = DropOffPointLedger()
    ok = {"街道": "甲街道", "社区": "甲一社区", "类型": "定时定点投放点", "状态": "在用"}
    rows = [
        {**ok, "名称": "A", "督导员电话": "12"},  # fails in the check (a bad phone number)
        {**ok, "名称": "B"},
        {**ok, "名称": "C", "类型": "城堡"},  # fails when parsed
        {**ok, "名称": "D", "督导员电话": "34"},
    ]
    plan = ledger.plan(sheet(ledger, rows), world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "督导员电话"), (4, "类型"), (5, "督导员电话")]


def test_checking_a_file_costs_no_query_per_row(world):
    ledger = DropOffPointLedger()

    def queries(n):
        rows = [
            {
                "街道": "甲街道",
                "社区": "甲一社区",
                "场所": "甲一花园",
                "名称": f"点{i}",
                "类型": "智能投放点",
                "状态": "在用",
            }
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as ctx:
            plan = ledger.plan(sheet(ledger, rows), world.alice)
        assert plan.ok and len(plan.creates) == n
        return len(ctx.captured_queries)

    queries(1)  # caches filled once per process
    assert queries(2) == queries(12)
