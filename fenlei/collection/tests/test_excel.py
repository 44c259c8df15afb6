"""Collection records in Excel: the template, a checked import that only adds (never twice), the
export of the filtered records and its round trip, scope, the background job."""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from fenlei.collection import services
from fenlei.collection.choices import EntryFace
from fenlei.collection.importexport import RecordLedger
from fenlei.collection.models import AreaDay, Record, SiteDay, Submission
from fenlei.collection.tests.conftest import row
from fenlei.core import imports
from fenlei.core.models import AuditEntry, Face, ImportJob, ImportState
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.core.testing.excel import exported, sheet

D = datetime.date(2026, 6, 15)


def good_rows():
    """Five loads of 甲街道 as a street office writes them."""
    return [
        {
            "日期": "2026-06-15",
            "时间": "07:30",
            "街道": "甲街道",
            "社区": "甲一社区",
            "来源单位": "甲一花园",
            "类别": "湿垃圾",
            "重量(kg)": 120.5,
            "车牌": "浙A10001",
            "收运单位": "绿洁环卫",
            "处理厂": "东湖湿垃圾处理厂",
            "分类质量": "好",
        },
        {
            "日期": datetime.date(2026, 6, 15),
            "街道": "甲街道",
            "社区": "甲一社区",
            "来源单位": "甲一花园",
            "类别": "干垃圾",
            "重量(kg)": "310公斤",
            "车牌": "浙A·10002",
            "中转站": "甲街道中转站",
            "分类质量": "差",
        },
        {  # bins × volume: the weight is estimated; 厨余垃圾 is the national name of the wet stream
            "日期": "2026年6月14日",
            "时间": "18点05分",
            "街道": "甲街道",
            "社区": "甲二社区",
            "来源单位": "甲二小区",
            "类别": "厨余垃圾",
            "桶数": 3,
            "桶容积(L)": "240L",
            "记录编号": "JD-0614-01",
        },
        {  # the community itself: an area-level point
            "日期": "2026/6/14",
            "街道": "甲街道",
            "社区": "甲二社区",
            "类别": "可回收物",
            "重量(kg)": 42,
        },
        {  # the street itself
            "日期": 20260613,
            "街道": "甲街道",
            "类别": "有害垃圾",
            "重量(kg)": "1.5kg",
            "分类质量": "一般",
        },
    ]


def plan_of(user, rows, **kw):
    with translation.override("en"):
        return RecordLedger().plan(sheet(RecordLedger(), rows), user, **kw)


def problems(plan):
    return [(e.row, e.column, e.reason) for e in plan.errors]


def imported(user, rows):
    """Check and write a sheet as the import page does; the plan's summary and the written one."""
    ledger = RecordLedger()
    plan = plan_of(user, rows)
    assert plan.errors == []
    return plan.summary(), ledger.commit(plan, user)


def total(area, stream, day=D):
    r = AreaDay.objects.filter(area=area, day=day, stream=stream).first()
    return (r.grams, r.records) if r else (0, 0)


# --- the template ----------------------------------------------------------------------------------


def test_the_template_has_the_headers_their_help_and_drop_downs(world, client_for):
    r = client_for("sam").get(reverse("collection:record-template"))
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    ws, notes = wb.worksheets
    headers = [c.value for c in ws[1]]
    assert headers == RecordLedger().headers()
    assert headers[:6] == ["日期", "时间", "街道", "社区", "来源单位", "类别"]
    assert {
        "重量(kg)",
        "桶数",
        "桶容积(L)",
        "车牌",
        "收运单位",
        "中转站",
        "处理厂",
        "分类质量",
        "记录编号",
    } <= set(headers)
    assert ws.max_row == 1
    explained = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True)}
    assert explained["日期"][1] == "是" and explained["时间"][1] in (None, "")
    assert "好" in explained["分类质量"][2]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    column = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, start=1)}
    assert lists[f"{column['类别']}2"] == '"湿垃圾,干垃圾,可回收物,有害垃圾,混合"'
    assert lists[f"{column['分类质量']}2"] == '"好,一般,差"'


def test_the_template_and_the_import_need_the_right_to_import(world, client_for):
    for name in ("hal", "mia", "nina"):
        assert client_for(name).get(reverse("collection:record-template")).status_code == 403
        assert client_for(name).get(reverse("collection:record-import")).status_code == 403
    assert client_for(None).get(reverse("collection:record-import")).status_code == 302


# --- importing -------------------------------------------------------------------------------------


def test_a_good_sheet_adds_its_records_through_the_one_ingest(world, fleet):
    planned, written = imported(world.sam, good_rows())
    assert planned == {"rows": 5, "create": 5, "update": 0, "unchanged": 0, "errors": 0}
    assert written["create"] == 5 and written["unchanged"] == 0
    records = {(r.day, r.stream): r for r in Record.objects.all()}
    assert len(records) == 5 and {r.face for r in records.values()} == {EntryFace.IMPORT}
    wet = records[(D, "wet")]
    assert (wet.site, wet.weight_kg, wet.vehicle, wet.hauler, wet.plant, wet.grade) == (
        world.sites["a1_estate"],
        Decimal("120.50"),
        fleet.wet,
        world.hauler,
        fleet.plant,
        "good",
    )
    assert wet.occurred_at.astimezone(datetime.UTC) == datetime.datetime(
        2026, 6, 14, 23, 30, tzinfo=datetime.UTC
    )
    dry = records[(D, "dry")]
    assert (dry.weight_kg, dry.vehicle, dry.transfer, dry.grade, dry.hauler) == (
        Decimal("310.00"),
        fleet.dry,
        fleet.transfer,
        "poor",
        world.hauler,  # the vehicle's hauler
    )
    estimated = records[(D - datetime.timedelta(days=1), "wet")]
    assert estimated.estimated and estimated.bins == 3 and estimated.bin_volume_l == 240
    assert estimated.client_id == "JD-0614-01" and estimated.occurred_at.hour == 10  # 18:05 local
    point = records[(D - datetime.timedelta(days=1), "recyclable")]
    assert point.site is None and point.area == world.community_a2
    street = records[(D - datetime.timedelta(days=2), "hazardous")]
    assert street.area == world.street_a and street.weight_kg == Decimal("1.50") and street.grade == "fair"
    # totals kept on write, at every level
    assert total(world.community_a1, "wet") == (120_500, 1)
    assert total(world.district, "dry") == (310_000, 1)
    assert SiteDay.objects.get(site=world.sites["a1_estate"], day=D, stream="dry").poor == 1
    # one submission for the sheet, audited as an import
    submission = Submission.objects.get()
    assert (submission.face, submission.accepted, submission.user) == (EntryFace.IMPORT, 5, world.sam)
    entry = AuditEntry.objects.get(content_type__model="submission", object_id=str(submission.pk))
    assert entry.face == Face.IMPORT and entry.changes["accepted"] == [None, 5]


def test_a_date_cell_with_a_time_gives_the_time_when_the_time_cell_is_empty(world, fleet):
    load = {**good_rows()[0], "日期": datetime.datetime(2026, 6, 15, 6, 45), "时间": None}
    imported(world.sam, [load])
    assert Record.objects.get().occurred_at.astimezone(datetime.UTC).hour == 22  # 06:45 in Shanghai


def test_importing_the_same_sheet_again_adds_nothing(world, fleet):
    rows = good_rows()
    imported(world.sam, rows)
    before = (Record.objects.count(), total(world.district, "wet"))
    planned, written = imported(world.sam, rows)
    assert planned["create"] == 0 and planned["unchanged"] == 5
    assert written["create"] == 0
    assert (Record.objects.count(), total(world.district, "wet")) == before
    assert Submission.objects.count() == 1  # nothing to write: no second submission


def test_another_office_importing_the_same_rows_adds_nothing_either(world, fleet):
    """Cora keeps 甲一社区's sheet; the street imported the same rows first (other client ids' owner)."""
    a1_rows = [r for r in good_rows() if r.get("社区") == "甲一社区"]
    imported(world.sam, a1_rows)
    planned, _written = imported(world.cora, a1_rows)
    assert (planned["create"], planned["unchanged"]) == (0, 2)
    assert Record.objects.count() == 2


def test_two_identical_rows_are_two_loads_and_stay_two(world, fleet):
    load = {
        "日期": "2026-06-15",
        "街道": "甲街道",
        "社区": "甲一社区",
        "来源单位": "甲一花园",
        "类别": "湿垃圾",
        "桶数": 2,
        "桶容积(L)": 240,
    }
    planned, _written = imported(world.sam, [load, dict(load)])
    assert planned["create"] == 2
    planned, _written = imported(world.sam, [load, dict(load), dict(load)])
    assert (planned["create"], planned["unchanged"]) == (1, 2)  # a third identical load is new
    assert Record.objects.count() == 3


def test_a_stored_record_stands_for_one_row_at_most(world, fleet):
    """A device stored one load; a sheet lists two identical loads: one is there, one is new."""
    services.ingest(
        [row(world.sites["a1_estate"], "wet", 240, when="2026-06-15T07:30:00+08:00", client_id="d-1")],
        face=EntryFace.DEVICE,
        device=fleet.device,
    )
    load = {
        "日期": "2026-06-15",
        "时间": "7:30",
        "街道": "甲街道",
        "社区": "甲一社区",
        "来源单位": "甲一花园",
        "类别": "湿垃圾",
        "重量(kg)": 240,
        "收运单位": "绿洁环卫",  # the device's hauler: every cell says the same load
    }
    plan = plan_of(world.sam, [load, dict(load)])
    assert (len(plan.creates), plan.unchanged) == (1, 1)


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"重量(kg)": -5}, "重量(kg)", "more than 0 kg"),
        ({"重量(kg)": "约120"}, "重量(kg)", "Not a number"),
        ({"重量(kg)": 99999}, "重量(kg)", "more than one load can weigh"),
        ({"日期": "2026-06-16"}, "日期", "in the future"),
        ({"时间": "11:30"}, "时间", "in the future"),  # today, later than now
        ({"日期": "2026-02-30"}, "日期", "No such date"),
        ({"时间": "25:00"}, "时间", "No such time"),
        ({"来源单位": "无名小区"}, "来源单位", "No site “无名小区” in 甲一社区, 甲街道"),
        ({"社区": "", "来源单位": "甲一花园"}, "社区", "Give the community"),
        ({"社区": "甲九社区", "来源单位": ""}, "社区", "No community “甲九社区”"),
        ({"车牌": "浙A99999"}, "车牌", "No vehicle with the plate 浙A99999"),
        ({"车牌": "浙B20001"}, "车牌", "belongs to 清源运输, not to 绿洁环卫"),
        ({"收运单位": "无名环卫"}, "收运单位", "No hauler “无名环卫”"),
        ({"处理厂": "西山焚烧厂"}, "处理厂", "No treatment plant “西山焚烧厂”"),
        ({"类别": "厨房垃圾"}, "类别", "Not a stream; use one of: 湿垃圾、干垃圾、可回收物、有害垃圾、混合"),
        ({"分类质量": "优"}, "分类质量", "is not a grade"),
        ({"重量(kg)": None}, "重量(kg)", "Give the weight in kg, or the number of bins"),
        ({"桶数": 0, "桶容积(L)": 240, "重量(kg)": None}, "桶数", "between 1 and 1000"),
        ({"记录编号": "x" * 65}, "记录编号", "at most 64 characters"),
        ({"类别": None}, "类别", "This cell is required."),
    ],
)
def test_each_bad_cell_is_named_and_nothing_is_written(world, fleet, change, column, words):
    bad = {**good_rows()[0], **change}
    plan = plan_of(world.sam, [good_rows()[1], bad])
    assert [(r, c) for r, c, _why in problems(plan)] == [(3, column)], problems(plan)
    assert words in plan.errors[0].reason
    assert len(plan.creates) == 1  # the good row alone …
    with pytest.raises(ValueError):  # … is never written while another row is refused
        RecordLedger().commit(plan, world.sam)
    assert not Record.objects.exists()


def test_the_value_shown_with_a_problem_is_the_cell(world, fleet):
    plan = plan_of(world.sam, [{**good_rows()[0], "车牌": "浙A99999", "重量(kg)": -3}])
    shown = {e.column: e.value for e in plan.errors}
    assert shown == {"车牌": "浙A99999", "重量(kg)": "-3"}


def test_a_street_admin_cannot_import_another_streets_records(world, fleet):
    outside = [
        {
            "日期": "2026-06-15",
            "街道": "乙街道",
            "社区": "乙一社区",
            "来源单位": "乙一花园",
            "类别": "湿垃圾",
            "重量(kg)": 80,
        },
        {"日期": "2026-06-15", "街道": "乙街道", "社区": "乙一社区", "类别": "湿垃圾", "重量(kg)": 80},
        {"日期": "2026-06-15", "街道": "乙街道", "类别": "湿垃圾", "重量(kg)": 80},
    ]
    plan = plan_of(world.sam, [good_rows()[0], *outside])
    assert [(r, c) for r, c, _why in problems(plan)] == [(3, "来源单位"), (4, "社区"), (5, "街道")]
    assert all("within your scope" in why for _r, _c, why in problems(plan))


def test_a_community_admin_writes_for_its_community_only(world, fleet):
    rows = [
        {
            "日期": "2026-06-15",
            "街道": "甲街道",
            "社区": "甲一社区",
            "来源单位": "甲一花园",
            "类别": "湿垃圾",
            "重量(kg)": 80,
        },
        {
            "日期": "2026-06-15",
            "街道": "甲街道",
            "社区": "甲二社区",
            "来源单位": "甲二小区",
            "类别": "湿垃圾",
            "重量(kg)": 80,
        },
        {"日期": "2026-06-15", "街道": "甲街道", "类别": "湿垃圾", "重量(kg)": 80},
    ]
    plan = plan_of(world.cora, rows)
    assert [(r, c) for r, c, _why in problems(plan)] == [(3, "来源单位"), (4, "街道")]
    assert len(plan.creates) == 1


def test_a_row_with_a_number_already_used_for_other_content_is_refused(world, fleet):
    first = {**good_rows()[0], "记录编号": "A-1"}
    imported(world.sam, [first])
    plan = plan_of(world.sam, [{**first, "重量(kg)": 130}])
    assert [(r, c) for r, c, _why in problems(plan)] == [(2, "记录编号")]
    assert "correct that record instead" in plan.errors[0].reason
    plan = plan_of(world.sam, [first, {**first, "重量(kg)": 130}])
    assert problems(plan)[0][:2] == (3, "记录编号") and plan.unchanged == 1


def test_a_corrected_record_is_still_there_for_its_original_row(world, fleet):
    imported(world.sam, good_rows()[:1])
    record = Record.objects.get()
    services.correct(record, by=world.sam, data={"weight_kg": "125"}, note="地磅复核")
    plan = plan_of(world.alice, good_rows()[:1])  # another user: found by source, day and content
    assert (len(plan.creates), plan.unchanged) == (0, 1)


# --- export ----------------------------------------------------------------------------------------


@pytest.fixture
def stored(world, fleet):
    """Records of every face: a device's (with a trip), a sheet's, a voided one, one for follow-up."""
    estate, open_estate = world.sites["a1_estate"], world.sites["a2_open"]
    services.ingest(
        [
            row(
                estate,
                "wet",
                100.25,
                client_id="d-1",
                vehicle="浙A10001",
                trip="T-1",
                seq=1,
                plant=fleet.plant.pk,
            ),
            row(open_estate, "wet", 60, client_id="d-2", vehicle="浙A10001", trip="T-1", seq=2, grade="差"),
            row(
                {"area": world.community_a2.pk},
                "recyclable",
                7.5,
                client_id="d-3",
                when="2026-06-14T16:45:10+08:00",
            ),
        ],
        face=EntryFace.DEVICE,
        device=fleet.device,
    )
    services.ingest(
        [row(world.sites["b1_estate"], "dry", 300, client_id="d-4", vehicle="浙B20001")],
        face=EntryFace.FORM,
        by=world.alice,
    )
    imported(world.sam, good_rows())
    voided = Record.objects.get(client_id="d-2")
    services.void(voided, by=world.sam, reason="重复上报")
    services.mark_follow_up(Record.objects.get(client_id="d-1"), by=world.sam, on=True, note="重量偏大")
    return Record.objects.all()


def zh(choice) -> str:
    """A choice's label as the sheets write it: in Chinese, whatever the language of the request."""
    with translation.override("zh-hans"):
        return str(choice.label)


def rows_of(book):
    ws = openpyxl.load_workbook(book).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], v, strict=True)) for v in values[1:]]


def download(client, **params):
    r = client.get(reverse("collection:record-export"), params)
    assert r.status_code == 200, r.status_code
    return io.BytesIO(b"".join(r.streaming_content))


def test_the_export_writes_the_records_as_the_sheet_reads_them(world, stored):
    with translation.override("en"):
        book = exported(
            RecordLedger(),
            RecordLedger().export_queryset(Record.objects.filter(client_id__in=["d-1", "d-3"])),
        )
    first, second = rows_of(book)
    assert second["日期"].date() == D and second["时间"] == "07:30" and second["来源单位"] == "甲一花园"
    assert (second["类别"], second["重量(kg)"], second["车牌"], second["收运单位"]) == (
        "湿垃圾",
        100.25,
        "浙A10001",
        "绿洁环卫",
    )
    assert (second["处理厂"], second["记录编号"], second["录入方式"]) == (
        "东湖湿垃圾处理厂",
        "d-1",
        zh(EntryFace.DEVICE),
    )
    assert second["状态"] == "待核实：重量偏大"
    assert (first["街道"], first["社区"], first["来源单位"], first["时间"]) == (
        "甲街道",
        "甲二社区",
        None,
        "16:45:10",
    )


def test_an_export_reads_back_as_already_there(world, stored, client_for):
    everything = for_user(world.alice, Action.EXPORT, Record)  # voided records too
    book = exported(RecordLedger(), RecordLedger().export_queryset(everything))
    assert len(rows_of(book)) == Record.objects.count() == 9
    book.seek(0)
    plan = RecordLedger().plan(book, world.alice)
    assert plan.errors == [] and plan.summary()["create"] == 0 and plan.unchanged == 9
    # another user, within its own scope: the rows it may see and write are there too
    mine = download(client_for("sam"))
    plan = RecordLedger().plan(mine, world.sam)
    assert plan.errors == [] and (len(plan.creates), plan.unchanged) == (0, 7)


def test_an_edited_copy_of_an_exported_record_is_refused_not_added(world, stored, client_for):
    rows = rows_of(download(client_for("sam")))
    device_row = next(r for r in rows if r["记录编号"] == "d-1")
    edited = {k: v for k, v in device_row.items() if v is not None}
    edited["重量(kg)"] = 90
    plan = plan_of(world.sam, [edited])
    assert [(r, c) for r, c, _why in problems(plan)] == [(2, "记录编号")]
    assert "already stored for this source and day" in plan.errors[0].reason


def test_the_export_is_scoped_and_leaves_voided_records_out(world, stored, client_for):
    assert {r["记录编号"] for r in rows_of(download(client_for("sam")))} >= {"d-1", "d-3", "JD-0614-01"}
    assert "d-2" not in {r["记录编号"] for r in rows_of(download(client_for("sam")))}
    assert "d-4" not in {r["记录编号"] for r in rows_of(download(client_for("sam")))}
    # the hauler exports its own records only: those with its vehicles
    hal = {r["记录编号"] for r in rows_of(download(client_for("hal")))}
    assert hal == set(
        Record.objects.filter(hauler=world.hauler, voided_at__isnull=True).values_list("client_id", flat=True)
    )
    assert client_for("nina").get(reverse("collection:record-export")).status_code == 403


def test_the_export_takes_the_lists_filters(world, stored, client_for):
    sam = client_for("sam")
    wet = rows_of(download(sam, stream="wet"))
    assert {r["类别"] for r in wet} == {"湿垃圾"} and len(wet) == 3
    assert [r["记录编号"] for r in rows_of(download(sam, voided="void"))] == ["d-2"]
    day = rows_of(download(sam, since="2026-06-14", until="2026-06-14"))
    assert {r["日期"].date() for r in day} == {D - datetime.timedelta(days=1)}
    assert {r["记录编号"] for r in rows_of(download(sam, follow_up="true"))} == {"d-1"}
    assert {r["录入方式"] for r in rows_of(download(sam, face="import"))} == {zh(EntryFace.IMPORT)}
    assert all(r["车牌"] == "浙A10001" for r in rows_of(download(sam, vehicle="浙a 10001")))


# --- the pages and the background job --------------------------------------------------------------


def upload(rows, name="收运记录.xlsx"):
    data = sheet(RecordLedger(), rows)
    return SimpleUploadedFile(name, data.getvalue())


def test_the_import_page_checks_shows_the_counts_then_writes_on_confirmation(world, fleet, client_for):
    c = client_for("sam")
    c.cookies["fenlei_language"] = "en"
    imported(world.sam, good_rows()[:2])
    r = c.post(reverse("collection:record-import"), {"file": upload(good_rows())}, follow=True)
    job = r.context["job"]
    assert job.state == ImportState.VALIDATED and job.ready
    assert job.summary == {"rows": 5, "create": 3, "update": 0, "unchanged": 2, "errors": 0}
    page = r.content.decode()
    assert "Already there" in page and 'id="count-update"' not in page
    r = c.post(reverse("core:import-job-confirm", args=[job.pk]), follow=True)
    assert "Imported: 3 records added, 2 already there." in r.content.decode()
    assert Record.objects.count() == 5 and Submission.objects.count() == 2


def test_a_refused_row_is_listed_on_the_job_page_and_nothing_is_written(world, fleet, client_for):
    c = client_for("sam")
    c.cookies["fenlei_language"] = "en"
    bad = {**good_rows()[0], "车牌": "浙A99999", "重量(kg)": -3}
    r = c.post(reverse("collection:record-import"), {"file": upload([good_rows()[1], bad])}, follow=True)
    job = r.context["job"]
    assert job.error_count == 2 and not job.ready
    assert r.context["refused_rows"] == 1 and job.summary["create"] == 1  # the good row, not written
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "车牌"), (3, "重量(kg)")}
    assert "No vehicle with the plate 浙A99999" in r.content.decode()
    assert not Record.objects.exists()


@pytest.fixture
def background(settings):
    """Jobs wait for a runner (what `fenlei import_worker` or the web process's thread does)."""
    settings.FENLEI_IMPORT_RUNNER = "worker"
    settings.FENLEI_IMPORT_INLINE_ROWS = 0


def test_a_large_sheet_goes_through_the_background_job(world, fleet, background):
    streams = ["湿垃圾", "干垃圾", "可回收物", "有害垃圾"]
    sites = [
        ("甲一社区", "甲一花园"),
        ("甲一社区", "甲一小学"),
        ("甲二社区", "甲二小区"),
        ("甲二社区", "甲二饭店"),
    ]
    rows = [
        {
            "日期": D - datetime.timedelta(days=day),
            "时间": f"{6 + n % 12:02d}:{n % 60:02d}",
            "街道": "甲街道",
            "社区": community,
            "来源单位": site,
            "类别": streams[n % 4],
            "重量(kg)": 10 + n % 97,
        }
        for day in range(1, 151)
        for n, (community, site) in enumerate(sites * 4)
    ]
    assert len(rows) == 2400
    job = imports.start(
        user=world.sam,
        ledger_class=RecordLedger,
        upload=upload(rows),
        import_url_name="collection:record-import",
        list_url_name="collection:record-list",
    )
    assert job.state == ImportState.QUEUED and job.rows_total == 2400
    assert imports.run_one()
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED and job.ready, (job.message, job.errors[:3])
    assert job.summary["create"] == 2400 and imports.read_progress(job)["done"] == 2400
    assert imports.confirm(job=job, by=world.sam) and imports.run_one()
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.summary["create"] == 2400
    assert Record.objects.filter(face=EntryFace.IMPORT).count() == 2400
    assert sum(AreaDay.objects.filter(area=world.district).values_list("records", flat=True)) == 2400
    # the same file once more: all there
    again = imports.start(
        user=world.sam,
        ledger_class=RecordLedger,
        upload=upload(rows),
        import_url_name="collection:record-import",
        list_url_name="collection:record-list",
    )
    assert imports.run_one()
    again.refresh_from_db()
    assert again.summary["unchanged"] == 2400 and again.summary["create"] == 0 and not again.ready
    assert ImportJob.objects.filter(ledger="collection-records").count() == 2


def test_the_command_line_checks_and_writes_a_sheet(world, fleet, tmp_path):
    path = tmp_path / "收运记录.xlsx"
    path.write_bytes(sheet(RecordLedger(), good_rows()).getvalue())
    out = io.StringIO()
    call_command(
        "import_xlsx", "collection-records", str(path), user="sam", commit=True, json=True, stdout=out
    )
    result = json.loads(out.getvalue())
    assert result["written"] and result["summary"]["create"] == 5
    assert Record.objects.filter(face=EntryFace.IMPORT).count() == 5
    out = io.StringIO()
    call_command(
        "import_xlsx", "collection-records", str(path), user="sam", commit=True, json=True, stdout=out
    )
    assert json.loads(out.getvalue())["summary"]["unchanged"] == 5 and Record.objects.count() == 5
