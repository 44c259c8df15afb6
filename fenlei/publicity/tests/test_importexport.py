"""The publicity ledger in Excel: round trip, Chinese cells, bad rows, placement at every level."""

import datetime
import io

import openpyxl
from django.urls import reverse
from django.utils import translation

from fenlei.core.models import AuditEntry, Face
from fenlei.core.testing.excel import exported
from fenlei.publicity.importexport import ActivityLedger
from fenlei.publicity.models import Activity


def _sheet(rows, headers=None):
    ledger = ActivityLedger()
    headers = headers or ledger.headers()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for values in rows:
        ws.append([values.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def _row(**cells):
    return {
        "街道": "甲街道",
        "社区": "甲一社区",
        "日期": "2025-06-30",
        "组织单位": "甲一社区居委会",
        "活动形式": "handout",
        "六进对象": "communities",
        **cells,
    }


def _read(book):
    ws = openpyxl.load_workbook(book).active
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_export_then_import_unchanged_changes_nothing(world, activities):
    ledger = ActivityLedger()
    book = exported(ledger, ledger.export_queryset(Activity.objects.all()))
    rows = {(r["街道"], r["社区"], r["场所"], r["组织单位"]) for r in _read(book)}
    assert rows == {
        ("甲街道", "甲一社区", "甲一花园", "甲一社区居委会"),
        ("甲街道", "甲一社区", None, "甲一社区居委会"),
        ("甲街道", None, None, "甲街道办事处"),  # a street-level row names its street
        ("乙街道", "乙一社区", None, "乙一社区居委会"),
        ("东湖区", None, None, "区分类办"),  # a district-level row names the district
    }
    plan = ledger.plan(book, world.alice)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    assert (plan.unchanged, len(plan.creates), len(plan.updates)) == (5, 0, 0)
    # The street's own admin: his three rows come back unchanged too.
    book = exported(
        ledger, ledger.export_queryset(Activity.objects.filter(area_path__startswith=world.street_a.path))
    )
    plan = ledger.plan(book, world.sam)
    assert plan.ok and plan.unchanged == 3


def test_import_creates_and_updates_with_chinese_cells(world, activities):
    sheet = _sheet(
        [
            # Counts with units and full-width digits; the date as offices write it.
            _row(
                日期="2025年6月30日",
                场次="２场",
                **{"发放材料（份）": "1,200份", "发送信息（条）": "0", "参与人次": "350人次"},
                覆盖单位="3 所学校",
            ),
            # The street's themed event of 2025-04-20 again, with more participants: an update.
            _row(
                社区=None,
                日期="2025/4/20",
                组织单位="甲街道办事处",
                活动形式="themed",
                六进对象="schools",
                场次=3,
                **{"发放材料（份）": 1200, "参与人次": 900},
                覆盖单位="3 所学校",
            ),
            # A district-level WeChat post, dated by an Excel serial (2025-06-30).
            _row(
                街道="东湖区",
                社区=None,
                日期=45838,
                组织单位="区分类办",
                活动形式="wechat",
                六进对象="households",
                **{"发送信息（条）": "２０，０００条"},
            ),
        ]
    )
    ledger = ActivityLedger()
    plan = ledger.plan(sheet, world.alice)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    assert (len(plan.creates), len(plan.updates)) == (2, 1)
    assert plan.updates[0][1] == {"participants": [800, 900]}
    ledger.commit(plan, world.alice)
    new = Activity.objects.get(date=datetime.date(2025, 6, 30), kind="handout")
    assert (new.area, new.site, new.events, new.materials, new.participants) == (
        world.community_a1,
        None,
        2,
        1200,
        350,
    )
    post = Activity.objects.get(date=datetime.date(2025, 6, 30), kind="wechat")
    assert (post.area, post.area_path, post.messages, post.events) == (
        world.district,
        world.district.path,
        20000,
        1,
    )
    activities["street"].refresh_from_db()
    assert activities["street"].participants == 900
    assert AuditEntry.objects.filter(face=Face.IMPORT, content_type__model="activity").count() == 3


def test_a_bad_row_writes_nothing_and_is_named(world, activities):
    before = Activity.objects.count()
    sheet = _sheet(
        [
            _row(),
            _row(活动形式="游行", 组织单位="甲一小学"),
            _row(日期="六月三十日", 组织单位="甲一物业"),
            _row(场次=0, 组织单位="志愿者队"),
            _row(社区="甲九社区", 组织单位="甲九"),
            _row(),  # the first row again
        ]
    )
    with translation.override("en"):
        plan = ActivityLedger().plan(sheet, world.sam)
    assert [(e.row, e.column) for e in plan.errors] == [
        (3, "活动形式"),
        (4, "日期"),
        (5, "场次"),
        (6, "社区"),
        (7, "日期"),
    ]
    assert plan.errors[0].value == "游行"
    assert "row 2" in plan.errors[-1].reason
    assert Activity.objects.count() == before


def test_placement_follows_the_importers_scope(world, activities):
    sheet = _sheet(
        [
            _row(社区=None, 组织单位="甲街道办事处", 日期="2025-07-01"),  # the street: sam may
            _row(街道="东湖区", 社区=None, 组织单位="区分类办", 日期="2025-07-01"),  # not the district
            _row(街道="乙街道", 社区="乙一社区", 组织单位="乙一", 日期="2025-07-01"),  # nor another street
            _row(场所="甲一花园", 日期="2025-07-01"),  # a site in his street: yes
            _row(街道="东湖区", 社区=None, 场所="甲一花园"),
        ]
    )
    plan = ActivityLedger().plan(sheet, world.sam)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "街道"), (4, "社区"), (6, "街道")]
    plan = ActivityLedger().plan(_sheet([_row(社区=None), _row(街道="东湖区", 社区=None)]), world.cora)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "街道"), (3, "街道")]
    # alice may place at the district, but a district-level activity has no site.
    plan = ActivityLedger().plan(_sheet([_row(街道="东湖区", 社区=None, 场所="甲一花园")]), world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "场所")]


def test_export_and_template_pages(world, client_for, activities):
    client = client_for("sam")
    r = client.get(reverse("publicity:activity-export"), {"since": "2025-04-01"})
    assert r.status_code == 200
    path = io.BytesIO(b"".join(r.streaming_content))
    # By place (the street before its communities), then by date.
    assert [row["组织单位"] for row in _read(path)] == ["甲街道办事处", "甲一社区居委会"]
    r = client.get(reverse("publicity:activity-import-template"))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert [c.value for c in wb.worksheets[0][1]] == ActivityLedger().headers()
    r = client.post(
        reverse("publicity:activity-import"), {"file": _sheet([_row(活动形式="游行")])}, follow=True
    )
    assert r.context["job"].error_count == 1 and "游行" in r.content.decode()
