"""The checklist in Excel under frozen time (2026-08-03): the file is written by the page, read back with
openpyxl, and its cells are checked against hand-worked values; the export is scoped like every read."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from fenlei.campaign import export, rules, services
from fenlei.campaign.choices import Level, Method
from fenlei.campaign.models import Item
from fenlei.campaign.services import RequirementSpec
from fenlei.campaign.tests.conftest import activity, group

D = datetime.date

pytestmark = pytest.mark.django_db

#: street, community, households, covered, met, total, overdue
UNIT_COLUMNS = 7


@pytest.fixture
def small(world, now):
    """Streets need a leading group; communities a leading group, a plan (evidence) and publicity in the
    last 30 days. 甲一社区 has a group and publicity (plan missing); 乙一社区 a group only."""
    reqs = (
        RequirementSpec(
            "street-group", "街道领导小组", Level.STREET, Method.RULE, "leading_group", (6, 30), "主任"
        ),
        RequirementSpec(
            "group", "社区领导小组", Level.COMMUNITY, Method.RULE, "leading_group", (6, 30), "书记"
        ),
        RequirementSpec(
            "plan", "实施方案", Level.COMMUNITY, Method.EVIDENCE, "", (6, 30), "书记", in_coverage=False
        ),
        RequirementSpec(
            "publicity",
            "近30天宣传",
            Level.COMMUNITY,
            Method.RULE,
            "publicity",
            (9, 30),
            "宣传委员",
            params={"days": 30},
        ),
    )
    c = services.create_campaign(area=world.district, year=2026, by=world.alice, requirements=reqs)
    group(world.community_a1, world.alice)
    group(world.community_b1, world.alice)
    activity(world.community_a1, world.alice, on=D(2026, 7, 20))
    return c


def download(client, campaign, tmp_path, **query) -> openpyxl.Workbook:
    response = client.get(reverse("campaign:export", args=[campaign.pk]), query)
    assert response.status_code == 200, response.status_code
    path = tmp_path / "checklist.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return openpyxl.load_workbook(path)


def rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_checklist_of_the_district(world, small, client_for, tmp_path):
    response = client_for("alice").get(reverse("campaign:export", args=[small.pk]))
    disposition = response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"  # a zip: an .xlsx
    assert quote("2026-覆盖清单-东湖区-20260803.xlsx") in disposition

    book = download(client_for("alice"), small, tmp_path)
    assert book.sheetnames == ["覆盖清单", "达标说明", "按街道覆盖", "说明"]
    units = rows(book["覆盖清单"])
    assert units[0] == [*export.UNIT_HEADER, "街道领导小组", "社区领导小组", "实施方案", "近30天宣传"]
    # judged before the file was written: the streets have no group; a1 meets its group and publicity,
    # its plan (not counting for coverage) is missing: covered; b1 lacks publicity; the group's 6-30 is past
    assert units[1:] == [
        ["甲街道", None, 2000, "否", 0, 1, 1, "✗", None, None, None],
        ["甲街道", "甲一社区", 1000, "是", 2, 3, 0, None, "✓", "✗", "✓"],
        ["甲街道", "甲二社区", 1000, "否", 0, 3, 1, None, "✗", "✗", "✗"],
        ["乙街道", None, 2000, "否", 0, 1, 1, "✗", None, None, None],
        ["乙街道", "乙一社区", 1000, "否", 1, 3, 0, None, "✓", "✗", "✗"],
        ["乙街道", "乙二村", 1000, "否", 0, 3, 1, None, "✗", "✗", "✗"],
    ]

    notes = rows(book["达标说明"])
    assert notes[0] == export.ITEM_HEADER
    assert len(notes) - 1 == Item.objects.filter(unit__campaign=small).count() == 2 * 1 + 4 * 3
    a1 = {r[3]: r for r in notes[1:] if r[1] == "甲一社区"}
    with translation.override("zh-hans"):
        group_reason = rules.explain(
            "group", Item.objects.get(unit__area=world.community_a1, requirement__code="group").reason_params
        )
        missing = rules.explain("missing", {})
    assert a1["group"][:6] == ["甲街道", "甲一社区", "社区领导小组", "group", "✓", a1["group"][5]]
    assert a1["group"][6] == group_reason and "垃圾分类工作领导小组" in group_reason
    assert a1["plan"][4] == "✗" and a1["plan"][6] == missing
    assert a1["plan"][7].date() == D(2026, 6, 30) and a1["plan"][8] == "书记"
    assert a1["publicity"][7].date() == D(2026, 9, 30)

    assert rows(book["按街道覆盖"]) == [
        export.STREET_HEADER,
        ["甲街道", 2, 1, 50.0, 2000, 1000, 50.0],
        ["乙街道", 2, 0, 0.0, 2000, 0, 0.0],
        ["合计（东湖区）", 4, 1, 25.0, 4000, 1000, 25.0],
    ]
    about = {r[0]: r[1] for r in rows(book["说明"])[1:]}
    assert about["攻坚活动"] == small.name and about["区域"] == "东湖区"
    assert about["覆盖截止日期"].date() == D(2026, 9, 30)


def test_a_street_exports_its_own_units_and_an_area_narrows_the_file(world, small, client_for, tmp_path):
    book = download(client_for("sam"), small, tmp_path)
    units = rows(book["覆盖清单"])[1:]
    assert [(r[0], r[1]) for r in units] == [("甲街道", None), ("甲街道", "甲一社区"), ("甲街道", "甲二社区")]
    assert rows(book["按街道覆盖"])[1:] == [
        ["甲街道", 2, 1, 50.0, 2000, 1000, 50.0],
        ["合计（甲街道）", 2, 1, 50.0, 2000, 1000, 50.0],
    ]
    assert {r[1] for r in rows(book["达标说明"])[1:]} == {None, "甲一社区", "甲二社区"}
    book = download(client_for("alice"), small, tmp_path, area=world.community_a1.pk)
    assert [(r[0], r[1]) for r in rows(book["覆盖清单"])[1:]] == [("甲街道", "甲一社区")]
    # a community exports its own
    book = download(client_for("cora"), small, tmp_path)
    assert [(r[0], r[1]) for r in rows(book["覆盖清单"])[1:]] == [("甲街道", "甲一社区")]


def test_the_export_is_scoped(world, small, client_for):
    url = reverse("campaign:export", args=[small.pk])
    assert client_for("ian").get(url).status_code == 403  # sees the campaign, exports nothing
    assert client_for("sam").get(url, {"area": world.street_b.pk}).status_code == 404
    assert client_for("cora").get(url, {"area": world.street_a.pk}).status_code == 404
    assert client_for("mia").get(url).status_code == 404
    assert client_for("alice").get(url, {"area": "x"}).status_code == 400
    response = client_for(None).get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_size(world, campaign, client_for, tmp_path):
    """The default checklist (every rule's reasons): adding communities adds rows, not queries."""
    from fenlei.org import services as org
    from fenlei.org.models import Area

    alice = client_for("alice")
    url = reverse("campaign:export", args=[campaign.pk])

    def count() -> int:
        services.refresh(campaign)
        with CaptureQueriesContext(connection) as queries:
            response = alice.get(url)
            b"".join(response.streaming_content)
        return len(queries)

    alice.get(reverse("campaign:list"))  # the session and the user's first queries
    before = count()
    for n in range(3):
        org.area_create(area=Area(name=f"甲{n + 5}社区", kind="community", parent=world.street_a), by=None)
    services.ensure_units(campaign)
    after = count()
    assert after == before, (before, after)
    book = download(alice, campaign, tmp_path)
    assert len(rows(book["覆盖清单"])) == 1 + 2 + 7
