"""Collection stations, transfer/collection facilities, vehicles, terminal facilities and planned
purchases: their rules, pages, Excel and API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenlei.core import services
from fenlei.core.models import AuditEntry, Face
from fenlei.core.testing.excel import exported, sheet
from fenlei.facilities.importexport import (
    CollectionStationLedger,
    IntermediateFacilityLedger,
    PurchasePlanLedger,
    TerminalFacilityLedger,
    VehicleLedger,
)
from fenlei.facilities.models import (
    CollectionStation,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
)
from fenlei.org import services as org_services
from fenlei.org.models import Area, Hauler
from fenlei.taxonomy.models import Category


def url(name, *args):
    return reverse(f"facilities:{name}", args=args)


def save(obj):
    obj.full_clean()
    obj.save()
    return obj


def round_trip(ledger, model, user):
    """Export everything `user` sees, import it again: nothing to change."""
    return ledger.plan(exported(ledger, ledger.export_queryset(model.objects.all())), user)


# --- vehicles ------------------------------------------------------------------------------------


def vehicle(world, plate="浙A10001", hauler=None, stream="wet", **extra):
    return save(Vehicle(plate=plate, hauler=hauler or world.hauler, stream=stream, **extra))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("浙A12345", "浙A12345"),
        ("浙a·12345", "浙A12345"),
        ("浙Ａ １２３４５", "浙A12345"),
        ("浙AD12345", "浙AD12345"),
        ("浙A12345F", "浙A12345F"),
        ("浙A1234挂", "浙A1234挂"),
    ],
)
def test_plates_are_normalised(world, typed, stored):
    assert vehicle(world, typed).plate == stored


@pytest.mark.parametrize("plate", ["A12345", "浙I12345", "浙A1234", "浙A123456", "XX浙A12345"])
def test_bad_plates_are_refused(world, plate):
    with pytest.raises(ValidationError) as exc:
        vehicle(world, plate)
    assert "plate" in exc.value.message_dict


def test_vehicle_rules(world, settings):
    v = vehicle(world, "浙A10001", capacity_t=Decimal("8.5"))
    assert v.area == world.district and v.area_path == world.district.path  # the hauler's district
    with pytest.raises(ValidationError) as exc:
        vehicle(world, "浙a 10001")  # the same plate, written differently
    assert "plate" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        vehicle(world, "浙A10002", stream="food")  # not a stream of the two-stream scheme
    assert "stream" in exc.value.message_dict
    settings.FENLEI_SCHEME, settings.FENLEI_NAMING = "four", "national"
    assert vehicle(world, "浙A10003", stream="food").get_stream_display() == "厨余垃圾"
    org_services.hauler_close(hauler=world.other_hauler, by=None)
    with pytest.raises(ValidationError) as exc:
        vehicle(world, "浙A10004", hauler=world.other_hauler, stream="food")
    assert "hauler" in exc.value.message_dict


def test_hauler_reads_its_own_vehicles_only(world, client_for, api_for):
    own = vehicle(world, "浙A10001")
    other = vehicle(world, "浙A20002", hauler=world.other_hauler)
    hal = client_for("hal")
    assert [v.plate for v in hal.get(url("vehicle-list")).context["object_list"]] == [own.plate]
    assert hal.get(url("vehicle-detail", own.pk)).status_code == 200
    assert hal.get(url("vehicle-detail", other.pk)).status_code == 404
    assert hal.get(url("vehicle-edit", own.pk)).status_code == 403
    assert [v["plate"] for v in api_for("hal").get("/api/facilities/vehicles/").json()["results"]] == [
        own.plate
    ]
    assert api_for("hal").patch(f"/api/facilities/vehicles/{own.pk}/", {}, format="json").status_code == 403
    # street and community roles do not reach the district's vehicles
    assert client_for("sam").get(url("vehicle-list")).context["object_list"].count() == 0
    assert client_for("sam").get(url("vehicle-detail", own.pk)).status_code == 404


def test_district_adds_vehicles_through_the_form_and_the_api(world, client_for, api_for):
    body = {
        "plate": "浙A 30003",
        "hauler": world.hauler.pk,
        "stream": "dry",
        "capacity_t": "5",
        "status": "in_use",
    }
    r = client_for("alice").post(url("vehicle-add"), body)
    assert r.status_code == 302, r.context["form"].errors
    v = Vehicle.objects.get(plate="浙A30003")
    assert (v.area, v.hauler, v.stream) == (world.district, world.hauler, "dry")
    assert AuditEntry.objects.filter(object_id=str(v.pk), face=Face.WEB, action="create").exists()
    # a street admin holds the add action but no district: no hauler is offered
    form = client_for("sam").get(url("vehicle-add")).context["form"]
    assert list(form.fields["hauler"].queryset) == []
    r = api_for("alice").post(
        "/api/facilities/vehicles/",
        {"plate": "浙AD40004", "hauler": world.other_hauler.pk, "stream": "wet", "capacity_t": "2.5"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["area"]["id"] == world.district.pk and r.json()["stream_display"] == "湿垃圾"
    r = api_for("sam").post(
        "/api/facilities/vehicles/",
        {"plate": "浙AD50005", "hauler": world.hauler.pk, "stream": "wet"},
        format="json",
    )
    assert r.status_code == 403
    r = api_for("alice").post(
        "/api/facilities/vehicles/",
        {"plate": "浙AD40004", "hauler": world.hauler.pk, "stream": "x"},
        format="json",
    )
    assert r.status_code == 400 and {"plate", "stream"} <= set(r.json())


def test_vehicles_in_excel(world):
    vehicle(world, "浙A10001")
    ledger = VehicleLedger()
    plan = round_trip(ledger, Vehicle, world.alice)
    assert plan.ok and plan.unchanged == 1, [e.as_dict() for e in plan.errors]
    good = {"收运单位": "清源运输", "收运类别": "干垃圾", "核定载重（吨）": "8吨", "状态": "在用"}
    bad = sheet(
        ledger,
        [
            {**good, "车牌号": "浙B 22222"},
            {**good, "车牌号": "浙B3333"},
            {**good, "车牌号": "浙B44444", "收运单位": "无名车队"},
            {**good, "车牌号": "浙b22222"},
        ],
    )
    plan = ledger.plan(bad, world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "车牌号"), (4, "收运单位"), (5, "车牌号")]
    assert Vehicle.objects.count() == 1
    plan = ledger.plan(sheet(ledger, [{**good, "车牌号": "浙B 22222"}]), world.alice)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    ledger.commit(plan, world.alice)
    v = Vehicle.objects.get(plate="浙B22222")
    assert (v.hauler, v.stream, v.capacity_t) == (world.other_hauler, "dry", Decimal("8.00"))
    assert AuditEntry.objects.filter(face=Face.IMPORT, object_id=str(v.pk)).exists()
    # sam sees the hauliers, but may not place vehicles in the district
    plan = ledger.plan(sheet(ledger, [{**good, "车牌号": "浙B66666"}]), world.sam)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "收运单位")]


def test_a_plate_registered_elsewhere_is_named(world):
    other = org_services.area_create(area=Area(name="西山区", kind="district"), by=None)
    hauler = org_services.hauler_create(hauler=Hauler(name="西山环卫", district=other), by=None)
    vehicle(world, "浙C12345", hauler=hauler)
    ledger = VehicleLedger()
    row = {"车牌号": "浙C12345", "收运单位": "绿洁环卫", "收运类别": "wet", "状态": "在用"}
    plan = ledger.plan(sheet(ledger, [row]), world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "车牌号")]


# --- transfer and collection facilities, collection stations -------------------------------------


def test_intermediate_facilities_at_streets_and_communities(world, client_for, api_for):
    sam = client_for("sam")
    form = sam.get(url("intermediate-add")).context["form"]
    assert set(form.fields["area"].queryset) == {world.street_a, world.community_a1, world.community_a2}
    body = {
        "name": "甲街道分拣中心",
        "kind": "sorting_centre",
        "area": world.street_a.pk,
        "status": "in_use",
        "daily_capacity_t": "20",
        "operator": "绿洁环卫",
    }
    r = sam.post(url("intermediate-add"), body)
    assert r.status_code == 302, r.context["form"].errors
    centre = IntermediateFacility.objects.get()
    assert centre.area_path == world.street_a.path
    assert client_for("cora").get(url("intermediate-detail", centre.pk)).status_code == 404
    r = client_for("cora").post(url("intermediate-add"), {**body, "name": "越级"})
    assert r.status_code == 400 and "area" in r.context["form"].errors
    with pytest.raises(ValidationError):
        save(IntermediateFacility(name="区级", kind="sorting_centre", area=world.district))
    point = save(IntermediateFacility(name="甲一有害点", kind="hazardous_point", area=world.community_a1))
    api = api_for("sam")
    rows = {r["name"]: r for r in api.get("/api/facilities/intermediate-facilities/").json()["results"]}
    assert rows["甲街道分拣中心"]["street"]["id"] == world.street_a.pk  # the street itself
    assert rows[point.name]["street"]["id"] == world.street_a.pk  # the community's street
    kinds = api.get("/api/facilities/intermediate-facilities/", {"kind": "hazardous_point"}).json()
    assert [r["name"] for r in kinds["results"]] == [point.name]


def test_intermediate_facilities_in_excel(world):
    ledger = IntermediateFacilityLedger()
    base = {"街道": "甲街道", "类型": "perishable_transfer", "状态": "在用"}
    rows = [
        {**base, "名称": "甲街道易腐中转点", "日处理能力（吨）": "12.5吨"},
        {**base, "社区": "甲一社区", "名称": "甲一暂存点", "类型": "bulky_storage"},
        {**base, "名称": "乙", "日处理能力（吨）": "about 100"},
    ]
    plan = ledger.plan(sheet(ledger, rows), world.sam)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(4, "日处理能力（吨）", "about 100")]
    plan = ledger.plan(sheet(ledger, rows[:2]), world.sam)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    ledger.commit(plan, world.sam)
    street_row = IntermediateFacility.objects.get(name="甲街道易腐中转点")
    assert (street_row.area, street_row.daily_capacity_t) == (world.street_a, Decimal("12.50"))
    plan = round_trip(ledger, IntermediateFacility, world.sam)
    assert plan.ok and plan.unchanged == 2, [e.as_dict() for e in plan.errors]
    plan = ledger.plan(sheet(ledger, rows[:1]), world.cora)  # cora cannot see the street
    assert [(e.row, e.column) for e in plan.errors] == [(2, "街道")]


def test_collection_stations(world, client_for):
    cora = client_for("cora")
    body = {
        "name": "甲一花园垃圾房",
        "area": world.community_a1.pk,
        "site": world.sites["a1_estate"].pk,
        "status": "in_use",
        "floor_area_m2": "18.5",
        "has_water": "on",
        "has_washing": "on",
        "opening_hours": "06:30-09:00",
    }
    r = cora.post(url("station-add"), body)
    assert r.status_code == 302, r.context["form"].errors
    station = CollectionStation.objects.get()
    assert (station.has_water, station.has_light, station.has_washing) == (True, False, True)
    assert cora.post(url("station-add"), body).status_code == 400  # the same name again
    page = cora.get(url("station-list"), {"has_washing": "true"})
    assert list(page.context["object_list"]) == [station]
    assert client_for("mia").get(url("station-detail", station.pk)).status_code == 200  # at her site
    ledger = CollectionStationLedger()
    plan = round_trip(ledger, CollectionStation, world.cora)
    assert plan.ok and plan.unchanged == 1, [e.as_dict() for e in plan.errors]
    row = {
        "街道": "甲街道",
        "社区": "甲一社区",
        "名称": "二号房",
        "面积（平方米）": "20㎡",
        "上下水": "有",
        "状态": "在用",
    }
    plan = ledger.plan(sheet(ledger, [row, {**row, "名称": "三号房", "照明": "也许"}]), world.cora)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "照明")]
    plan = ledger.plan(sheet(ledger, [row]), world.cora)
    ledger.commit(plan, world.cora)
    created = CollectionStation.objects.get(name="二号房")
    assert (created.floor_area_m2, created.has_water) == (Decimal("20.00"), True)


# --- terminal facilities ---------------------------------------------------------------------------


def test_terminal_facilities_at_the_district_and_streets(world, client_for):
    plant = save(
        TerminalFacility(name="东湖焚烧厂", kind="incineration", area=world.district, daily_capacity_t=1500)
    )
    with pytest.raises(ValidationError):
        save(TerminalFacility(name="社区站", kind="garden", area=world.community_a1, daily_capacity_t=1))
    assert client_for("leo").get(url("terminal-detail", plant.pk)).status_code == 200
    assert client_for("sam").get(url("terminal-detail", plant.pk)).status_code == 404
    form = client_for("sam").get(url("terminal-add")).context["form"]
    assert list(form.fields["area"].queryset) == [world.street_a]
    ledger = TerminalFacilityLedger()
    rows = [
        {
            "区": "东湖区",
            "名称": "东湖生化处理厂",
            "类型": "biochemical",
            "日处理能力（吨）": "1,200吨/日",
            "状态": "在建",
        },
        {
            "区": "东湖区",
            "街道": "甲街道",
            "名称": "甲街道园林站",
            "类型": "garden",
            "日处理能力（吨）": 30,
            "状态": "在用",
        },
    ]
    plan = ledger.plan(sheet(ledger, rows), world.sam)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "区")]  # sam cannot see the district
    plan = ledger.plan(sheet(ledger, rows), world.alice)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    ledger.commit(plan, world.alice)
    bio = TerminalFacility.objects.get(name="东湖生化处理厂")
    assert (bio.area, bio.daily_capacity_t, bio.status) == (world.district, Decimal("1200.00"), "building")
    assert TerminalFacility.objects.get(name="甲街道园林站").area == world.street_a
    plan = round_trip(ledger, TerminalFacility, world.alice)
    assert plan.ok and plan.unchanged == 3, [e.as_dict() for e in plan.errors]
    missing = ledger.plan(sheet(ledger, [{**rows[0], "日处理能力（吨）": None}]), world.alice)
    assert [(e.row, e.column) for e in missing.errors] == [(2, "日处理能力（吨）")]


# --- planned purchases -----------------------------------------------------------------------------


def purchase(world, area=None, **extra):
    values = {
        "item": "other",
        "description": "宣传栏",
        "quantity": 2,
        "planned_on": datetime.date(2026, 3, 1),
    }
    return save(PurchasePlan(area=area or world.community_a1, **{**values, **extra}))


def test_purchase_rules(world):
    food = Category.objects.get(code="food")
    bins = purchase(world, item="container", description="", category=food, volume_l=240, quantity=40)
    assert "240" in str(bins)
    for bad, field in [
        ({"item": "container", "description": ""}, "category"),
        ({"item": "container", "category": food}, "volume_l"),
        ({"item": "vehicle", "category": food}, "category"),
        ({"item": "other", "description": ""}, "description"),
        ({"quantity": 0}, "quantity"),
    ]:
        with pytest.raises(ValidationError) as exc:
            purchase(world, **bad)
        assert field in exc.value.message_dict, bad
    plan = PurchasePlan.objects.get(pk=bins.pk)
    services.update(plan, by=None, data={"status": "delivered"})  # forward, skipping a step
    plan = PurchasePlan.objects.get(pk=bins.pk)
    with pytest.raises(ValidationError) as exc:
        services.update(plan, by=None, data={"status": "planned"})  # back more than one step
    assert "status" in exc.value.message_dict
    services.update(PurchasePlan.objects.get(pk=bins.pk), by=None, data={"status": "ordered"})  # a correction
    assert PurchasePlan.objects.get(pk=bins.pk).status == "ordered"


def test_purchases_through_pages_api_and_excel(world, client_for, api_for):
    r = client_for("cora").post(
        url("purchase-add"),
        {
            "area": world.community_a1.pk,
            "site": world.sites["a1_estate"].pk,
            "item": "container",
            "category": Category.objects.get(code="recyclable").pk,
            "volume_l": "240",
            "quantity": "10",
            "planned_on": "2026-04-01",
            "status": "planned",
        },
    )
    assert r.status_code == 302, r.context["form"].errors
    r = api_for("alice").post(
        "/api/facilities/purchases/",
        {
            "area": world.district.pk,
            "item": "vehicle",
            "description": "8吨压缩车",
            "quantity": 2,
            "planned_on": "2026-06-30",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["street"] is None and r.json()["status"] == "planned"
    assert api_for("sam").get(f"/api/facilities/purchases/{r.json()['id']}/").status_code == 404
    listing = api_for("alice").get("/api/facilities/purchases/", {"planned_from": "2026-05-01"}).json()
    assert [p["item"] for p in listing["results"]] == ["vehicle"]
    ledger = PurchasePlanLedger()
    plan = round_trip(ledger, PurchasePlan, world.alice)
    assert plan.ok and plan.unchanged == 2, [e.as_dict() for e in plan.errors]
    row = {
        "街道": "甲街道",
        "社区": "甲一社区",
        "采购内容": "container",
        "类别": "湿垃圾",
        "容量（升）": "660L",
    }
    rows = [
        {**row, "数量": "５", "计划日期": "2026年7月1日", "状态": "planned"},
        {**row, "数量": "约5个", "计划日期": "2026/7/1", "状态": "planned"},
        {**row, "场所": "甲一小学", "数量": 1, "计划日期": "2026/7/1", "状态": "shipped"},
    ]
    plan = ledger.plan(sheet(ledger, rows), world.cora)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "数量"), (4, "状态")]
    plan = ledger.plan(sheet(ledger, rows[:1]), world.cora)
    ledger.commit(plan, world.cora)
    made = PurchasePlan.objects.get(volume_l=660)
    assert (made.quantity, made.planned_on, made.category.code) == (5, datetime.date(2026, 7, 1), "food")


def test_the_facilities_page_counts_open_rows_in_scope(world, client_for):
    save(CollectionStation(name="一号房", area=world.community_a1))
    save(CollectionStation(name="二号房", area=world.community_b1))
    vehicle(world, "浙A10001")

    def counts(who):
        return {str(x["title"]): x["open"] for x in client_for(who).get(url("index")).context["ledgers"]}

    assert counts("alice")[str(CollectionStation._meta.verbose_name_plural)] == 2
    assert counts("cora")[str(CollectionStation._meta.verbose_name_plural)] == 1
    assert counts("hal") == {str(Vehicle._meta.verbose_name_plural): 1}
    assert counts("nina") == {}


# --- query counts ------------------------------------------------------------------------------------


def test_lists_do_not_query_per_row(world, client_for, api_for):
    food = Category.objects.get(code="food")

    def make(i):
        n = f"{i:04d}"
        vehicle(world, f"浙A{n}1", hauler=world.hauler if i % 2 else world.other_hauler)
        save(CollectionStation(name=n, area=world.community_a1, site=world.sites["a1_estate"]))
        save(
            IntermediateFacility(
                name=n, kind="sorting_centre", area=world.street_a if i % 2 else world.community_a1
            )
        )
        save(TerminalFacility(name=n, kind="landfill", area=world.street_a, daily_capacity_t=10))
        purchase(
            world,
            item="container",
            description="",
            category=food,
            volume_l=240,
            site=world.sites["a1_estate"],
        )

    routes = [
        "/api/facilities/vehicles/",
        "/api/facilities/stations/",
        "/api/facilities/intermediate-facilities/",
        "/api/facilities/terminal-facilities/",
        "/api/facilities/purchases/",
        url("vehicle-list"),
        url("station-list"),
        url("intermediate-list"),
        url("terminal-list"),
        url("purchase-list"),
    ]
    api, web = api_for("alice"), client_for("alice")

    def counts():
        out = []
        for route in routes:
            client = api if route.startswith("/api/") else web
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(route).status_code == 200, route
            out.append(len(ctx.captured_queries))
        return out

    make(1)
    counts()  # the first requests fill per-process caches
    few = counts()
    for i in range(2, 8):
        make(i)
    assert counts() == few
