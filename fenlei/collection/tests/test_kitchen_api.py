"""The kitchen-waste API: manifests (scoped list and read, receive, cancel, a trip's manifests at
once), the summary per restaurant, the OpenAPI schema, flat query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fenlei.collection import services
from fenlei.collection.choices import EntryFace, ManifestState
from fenlei.collection.models import Manifest, Trip
from fenlei.collection.tests.conftest import row
from fenlei.collection.tests.kitchen_world import (
    at,
    days_ago,
    manager_of,
    restaurant_record,
    second_restaurant,
    send,
)
from fenlei.core.models import AuditEntry

LIST = "/api/collection/manifests/"
SUMMARY = "/api/collection/kitchen/"


def detail(m, action=""):
    return f"{LIST}{m.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def chain(world, fleet):
    """甲二饭店 under contract with 绿洁环卫: 绿洁 picked up 3 × 40 kg (3, 2, 1 days ago), 清源运输 once
    (25 kg, today)."""
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    send(
        fleet,
        [
            row(
                site,
                "wet",
                40,
                client_id=f"g{n}",
                when=at(days_ago(n)),
                vehicle="浙A10001",
                plant=fleet.plant.pk,
            )
            for n in (3, 2, 1)
        ],
    )
    send(fleet, [row(site, "wet", 25, client_id="f0", vehicle="浙B20001")], device=False, face=EntryFace.API)
    return site


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {m["number"] for m in response.json()["results"]}


def test_manifests_are_scoped(world, fleet, chain, api_for):
    ours = set(Manifest.objects.filter(hauler=world.hauler).values_list("number", flat=True))
    theirs = Manifest.objects.get(hauler=world.other_hauler)
    assert numbers(api_for("hal").get(LIST)) == ours
    assert numbers(api_for("sam").get(LIST)) == ours | {theirs.number}
    assert numbers(api_for("olly").get(LIST)) == set()
    assert numbers(api_for("ada").get(LIST)) == set()
    assert api_for("olly").get(detail(theirs)).status_code == 404
    assert api_for("hal").get(detail(theirs)).status_code == 404
    manager_of(world, chain)
    assert numbers(api_for("rita").get(LIST)) == ours | {theirs.number}
    assert api_for(None).get(LIST).status_code in (401, 403)


def test_a_manifest_reads_back_with_its_chain(world, fleet, chain, api_for):
    m = Manifest.objects.get(record__client_id="g1")
    body = api_for("hal").get(detail(m)).json()
    assert body["number"] == m.number
    assert (
        body["site"]["name"],
        body["hauler"]["name"],
        body["vehicle"]["plate"],
        body["plant"]["name"],
    ) == (
        "甲二饭店",
        "绿洁环卫",
        "浙A10001",
        "东湖湿垃圾处理厂",
    )
    assert (body["weight_kg"], body["state"], body["received_kg"], body["difference_kg"]) == (
        "40.00",
        "issued",
        None,
        None,
    )


def test_receive_through_the_api(world, fleet, chain, api_for):
    m = Manifest.objects.get(record__client_id="g1")
    sam = api_for("sam")
    r = sam.post(detail(m, "receive"), {"received_kg": "-1"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "received_kg" in r.json()
    r = sam.post(detail(m, "receive"), {"received_kg": "45.2", "note": "地磅单 9"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    # 45.2 − 40 = +5.2 kg, +13 %: over the 10 % tolerance
    assert (
        body["state"],
        body["received_kg"],
        body["difference_kg"],
        body["difference_pct"],
        body["over_tolerance"],
    ) == (
        "received",
        "45.20",
        "5.20",
        "13.0",
        True,
    )
    assert (
        AuditEntry.objects.filter(
            object_id=str(m.pk), content_type__model="manifest", action="update", face="api", user=world.sam
        ).count()
        == 1
    )
    r = sam.post(detail(m, "receive"), {"received_kg": "40"}, format="json")
    assert r.status_code == 400 and "state" in r.json()
    m.refresh_from_db()
    assert m.received_kg == Decimal("45.20")


def test_receive_refuses_a_plant_the_caller_may_not_choose(world, fleet, chain, api_for):
    from fenlei.collection.tests.conftest import save
    from fenlei.facilities.models import TerminalFacility

    elsewhere = save(
        TerminalFacility(name="乙街道堆肥站", kind="biochemical", area=world.street_b, daily_capacity_t=20)
    )
    m = Manifest.objects.get(record__client_id="g1")
    r = api_for("sam").post(detail(m, "receive"), {"received_kg": "40", "plant": elsewhere.pk}, format="json")
    assert r.status_code == 400 and "plant" in r.json()
    r = api_for("alice").post(
        detail(m, "receive"), {"received_kg": "40", "plant": elsewhere.pk}, format="json"
    )
    assert r.status_code == 200 and r.json()["plant"]["name"] == "乙街道堆肥站"


@pytest.mark.parametrize(("persona", "status"), [("hal", 403), ("leo", 403), ("olly", 404), ("nina", 404)])
def test_who_may_receive_or_cancel(world, fleet, chain, api_for, persona, status):
    m = Manifest.objects.get(record__client_id="g1")
    assert (
        api_for(persona).post(detail(m, "receive"), {"received_kg": "40"}, format="json").status_code
        == status
    )
    assert api_for(persona).post(detail(m, "cancel"), {"reason": "x"}, format="json").status_code == status
    m.refresh_from_db()
    assert m.state == ManifestState.ISSUED


def test_cancel_through_the_api(world, fleet, chain, api_for):
    m = Manifest.objects.get(hauler=world.other_hauler)
    r = api_for("sam").post(detail(m, "cancel"), {"reason": " "}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = api_for("sam").post(detail(m, "cancel"), {"reason": "非签约单位，作废联单"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    history = api_for("sam").get(detail(m, "history")).json()["results"]
    assert history[0]["note"] == "非签约单位，作废联单"


def test_receive_a_trip_through_the_api(world, fleet, chain, api_for):
    other = second_restaurant(world)
    send(
        fleet,
        [
            row(chain, "wet", 30, client_id="t1", vehicle="浙A10001", trip="KT-3", seq=1),
            row(other, "wet", 20, client_id="t2", vehicle="浙A10001", trip="KT-3", seq=2),
        ],
    )
    trip = Trip.objects.get(client_id="KT-3")
    url = LIST + "receive-trip/"
    r = api_for("alice").post(url, {"trip": trip.pk}, format="json")
    assert r.status_code == 400 and "trip" in r.json()
    services.unload(trip, by=world.alice, weighbridge_kg=Decimal("49.5"), plant=fleet.plant)
    assert api_for("hal").post(url, {"trip": trip.pk}, format="json").status_code == 403
    assert api_for("sam").post(url, {"trip": trip.pk}, format="json").status_code == 404
    r = api_for("alice").post(url, {"trip": trip.pk}, format="json")
    assert r.status_code == 200
    assert sorted((m["site"]["name"], m["state"], m["received_kg"], m["trip"]) for m in r.json()) == [
        ("甲一食堂", "received", None, trip.pk),
        ("甲二饭店", "received", None, trip.pk),
    ]


def test_the_summary(world, fleet, chain, api_for):
    r = api_for("sam").get(SUMMARY, {"since": days_ago(7).isoformat(), "until": days_ago(0).isoformat()})
    assert r.status_code == 200, r.content
    body = r.json()
    (inn,) = body["results"]
    assert (inn["name"], inn["pickups"], inn["kg"], inn["last_pickup"], inn["quiet"]) == (
        "甲二饭店",
        4,
        "145.00",
        "2026-06-15",
        False,
    )
    assert inn["hauler"]["name"] == "绿洁环卫" and inn["contract_state"] == "valid"
    assert inn["manifests"] == {"issued": 4, "received": 0, "awaiting": 4, "cancelled": 0}
    totals = body["totals"]
    assert (totals["restaurants"], totals["pickups"], totals["kg"]) == (1, 4, "145.00")
    assert totals["flags"] == {"kitchen_gap": 0, "no_contract": 0}
    # the haulier counts its own pick-ups
    hal = api_for("hal").get(SUMMARY).json()
    assert (hal["totals"]["pickups"], hal["totals"]["kg"], hal["results"][0]["pickups"]) == (3, "120.00", 3)
    assert api_for("ada").get(SUMMARY).status_code == 403
    assert api_for("sam").get(SUMMARY, {"state": "nonsense"}).status_code == 400
    assert api_for("olly").get(SUMMARY).json()["count"] == 0


def test_list_query_counts_are_flat(world, fleet, chain, api_for):
    client = api_for("sam")

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    count(LIST)
    before = (count(LIST), count(SUMMARY))
    for i in range(5):
        site = second_restaurant(world, f"甲二小馆{i}", community=world.community_a2)
        restaurant_record(world, site)
        send(
            fleet,
            [
                row(site, "wet", 12, client_id=f"y{i}-{n}", when=at(days_ago(n)), vehicle="浙A10001")
                for n in range(2)
            ],
        )
    assert (count(LIST), count(SUMMARY)) == before


def test_the_chain_is_in_the_openapi_schema():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    patterns = [path("api/collection/", include("fenlei.collection.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    paths = schema["paths"]
    for p in (
        "/api/collection/manifests/",
        "/api/collection/manifests/{id}/",
        "/api/collection/manifests/{id}/receive/",
        "/api/collection/manifests/{id}/cancel/",
        "/api/collection/manifests/receive-trip/",
        "/api/collection/kitchen/",
    ):
        assert p in paths, p
    names = {p["name"] for p in paths["/api/collection/manifests/"]["get"]["parameters"]}
    assert {"street", "hauler", "state", "since", "until", "difference", "q"} <= names
    names = {p["name"] for p in paths["/api/collection/kitchen/"]["get"]["parameters"]}
    assert {"since", "until", "street", "hauler", "state"} <= names
    receive = paths["/api/collection/manifests/{id}/receive/"]["post"]
    assert "received_kg" in str(receive["requestBody"])
