"""The kitchen-waste pages: the restaurants with their figures (hand-worked), the manifests with
their scope (hal sees 绿洁环卫's only, olly nothing of 甲街道), receipt and cancellation through
the forms (bad input answers 400 with the reason), a trip's manifests received together."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fenlei.collection import detect, kitchen, services
from fenlei.collection.choices import AlarmKind, EntryFace, ManifestState
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

KITCHEN = "/collection/kitchen/"
MANIFESTS = "/collection/kitchen/manifests/"


def english(client):
    client.cookies["fenlei_language"] = "en"
    return client


@pytest.fixture
def chain(world, fleet):
    """甲二饭店 (绿洁环卫's client): 绿洁 picked up 40 kg 10, 3 and 1 days ago and 25 kg today;
    清源运输 (no contract) picked up 30 kg 2 days ago. 甲一食堂 (no ledger contract with anyone but a
    signed commitment) has had no pick-up for 8 days."""
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    canteen = second_restaurant(world, "甲一食堂")
    restaurant_record(world, canteen, hauler=None, contract_number="", contract_start=None, contract_end=None)
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
            for n in (10, 3, 1)
        ]
        + [
            row(
                site,
                "wet",
                25,
                client_id="g0",
                when=at(days_ago(0)),
                vehicle="浙A10001",
                plant=fleet.plant.pk,
            )
        ],
    )
    send(
        fleet,
        [row(site, "wet", 30, client_id="f2", when=at(days_ago(2)), vehicle="浙B20001")],
        device=False,
        face=EntryFace.API,
    )
    send(fleet, [row(canteen, "wet", 50, client_id="c8", when=at(days_ago(8)), vehicle="浙A10001")])
    return site, canteen


def page_rows(response) -> dict[str, dict]:
    """The restaurants' rows of the kitchen page: {name: {column label: text}}."""
    html = response.content.decode()
    if 'id="restaurants"' not in html:
        return {}
    table = html.split('id="restaurants"', 1)[1].split("</table>", 1)[0]
    out = {}
    for tr in re.findall(r"<tr data-site.*?</tr>", table, re.S):
        cells = dict(re.findall(r'data-label="([^"]+)"[^>]*>(.*?)</td>', tr, re.S))
        text = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in cells.items()}
        out[text["Restaurant"]] = text
    return out


def stat(response, name) -> str:
    html = response.content.decode()
    m = re.search(rf'data-stat="{name}"><[^>]*class="num"[^>]*>([^<]*)<', html)
    return m.group(1)


def test_the_kitchen_page_shows_each_restaurants_figures(world, fleet, chain, client_for):
    r = english(client_for("sam")).get(KITCHEN + "?since=2026-06-06&until=2026-06-15")
    assert r.status_code == 200
    rows = page_rows(r)
    assert set(rows) == {"甲二饭店", "甲一食堂"}
    # 6 June … 15 June: 绿洁 40 (12 June) + 40 (14 June) + 25 (15 June) and 清源 30 (13 June)
    inn = rows["甲二饭店"]
    assert (inn["Pick-ups"], inn["kg"]) == ("4", "135.0")
    assert inn["Last pick-up"].startswith("2026-06-15")
    assert inn["Kitchen-waste haulier"] == "绿洁环卫"
    # four manifests issued in the period (the one of 5 June is before the period), none received yet
    assert inn["Manifests issued / received"].startswith("4 / 0")
    canteen = rows["甲一食堂"]
    assert (canteen["Pick-ups"], canteen["kg"]) == ("1", "50.0")
    assert "8 days ago" in canteen["Last pick-up"] and "quiet" in canteen["Last pick-up"]
    assert stat(r, "restaurants") == "2" and stat(r, "pickups") == "5" and stat(r, "kg") == "185.0"
    assert (stat(r, "issued"), stat(r, "received"), stat(r, "awaiting")) == ("5", "0", "5")


def test_a_haulier_counts_its_own_pickups_not_its_competitors(world, fleet, chain, client_for):
    r = english(client_for("hal")).get(KITCHEN + "?since=2026-06-06&until=2026-06-15")
    rows = page_rows(r)
    # hal reaches 甲二饭店 through its contract only; 甲一食堂 names no haulier
    assert set(rows) == {"甲二饭店"}
    assert (rows["甲二饭店"]["Pick-ups"], rows["甲二饭店"]["kg"]) == ("3", "105.0")
    assert stat(r, "pickups") == "3" and stat(r, "issued") == "3"


def test_the_state_filter(world, fleet, chain, client_for):
    client = english(client_for("alice"))

    def names(state):
        return set(page_rows(client.get(KITCHEN + f"?state={state}")))

    assert names("quiet") == {"甲一食堂"}
    assert names("awaiting") == {"甲二饭店", "甲一食堂"}
    assert names("no_contract") == {"甲一食堂"}
    assert names("flagged") == set()
    detect.run(days_ago(14), days_ago(0), kinds=[AlarmKind.NO_CONTRACT])
    assert names("flagged") == {"甲二饭店", "甲一食堂"}
    r = client.get(KITCHEN)
    assert stat(r, "no_contract") == "2"


@pytest.mark.parametrize(("persona", "status"), [("nina", 403), ("ada", 403), ("olly", 200), ("mia", 200)])
def test_who_may_open_the_kitchen_page(world, fleet, chain, client_for, persona, status):
    r = english(client_for(persona)).get(KITCHEN)
    assert r.status_code == status
    if status == 200:  # nothing of 甲街道's
        assert page_rows(r) == {}


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    r = client_for(None).get(KITCHEN)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_restaurants_manager_sees_its_own(world, fleet, chain, client_for):
    manager_of(world, chain[0])
    rows = page_rows(english(client_for("rita")).get(KITCHEN))
    assert set(rows) == {"甲二饭店"}
    assert rows["甲二饭店"]["Pick-ups"] == "5"  # every pick-up at her restaurant


# --- manifests --------------------------------------------------------------------------------------


def listed(client, query="") -> set[str]:
    html = client.get(MANIFESTS + query).content.decode()
    return set(re.findall(r'data-number="([^"]+)"', html))


def test_manifest_scope(world, fleet, chain, client_for):
    ours = set(Manifest.objects.filter(hauler=world.hauler).values_list("number", flat=True))
    theirs = Manifest.objects.get(hauler=world.other_hauler)
    assert len(ours) == 5
    assert listed(client_for("hal")) == ours
    assert listed(client_for("sam")) == ours | {theirs.number}
    assert listed(client_for("olly")) == set()
    assert client_for("olly").get(theirs.get_absolute_url()).status_code == 404
    assert client_for("hal").get(theirs.get_absolute_url()).status_code == 404
    assert client_for("mia").get(theirs.get_absolute_url()).status_code == 404
    manager_of(world, chain[0])
    assert listed(client_for("rita")) == set(
        Manifest.objects.filter(site=chain[0]).values_list("number", flat=True)
    )
    assert client_for("rita").get(theirs.get_absolute_url()).status_code == 200


def test_manifest_filters(world, fleet, chain, client_for):
    client = client_for("alice")
    assert len(listed(client, f"?hauler={world.other_hauler.pk}")) == 1
    assert len(listed(client, f"?site={chain[1].pk}")) == 1
    assert len(listed(client, "?since=2026-06-13")) == 3
    assert len(listed(client, "?state=received")) == 0
    m = Manifest.objects.get(record__client_id="g1")
    kitchen.manifest_receive(manifest=m, by=world.alice, received_kg="30")  # 40 → 30: −25 %
    assert listed(client, "?state=received") == {m.number}
    assert listed(client, "?difference=true") == {m.number}
    assert listed(client, "?difference=false") == set()
    assert listed(client, f"?q={m.number[-6:]}") == {m.number}


def test_manifest_detail_shows_the_chain(world, fleet, chain, client_for):
    m = Manifest.objects.get(record__client_id="g1")
    r = english(client_for("sam")).get(m.get_absolute_url())
    html = r.content.decode()
    assert r.status_code == 200
    chain_html = html.split('id="chain"', 1)[1].split("</ol>", 1)[0]
    assert "甲二饭店" in chain_html and "绿洁环卫" in chain_html and "浙A10001" in chain_html
    assert "东湖湿垃圾处理厂" in chain_html and "contracted haulier" in chain_html
    assert 'id="receive"' in html and 'id="cancel"' in html
    foreign = Manifest.objects.get(hauler=world.other_hauler)
    html = english(client_for("sam")).get(foreign.get_absolute_url()).content.decode()
    assert "not the contracted haulier" in html
    # a reader sees the chain but no form
    html = client_for("hal").get(m.get_absolute_url()).content.decode()
    assert 'id="receive"' not in html and 'id="cancel"' not in html


def test_receiving_through_the_form(world, fleet, chain, client_for):
    m = Manifest.objects.get(record__client_id="g1")
    url = f"/collection/kitchen/manifests/{m.pk}/receive/"
    sam = english(client_for("sam"))
    assert sam.get(url).status_code == 200
    r = sam.post(url, {"received_kg": "-3", "note": ""})
    assert r.status_code == 400 and "more than 0 kg" in r.content.decode()
    r = sam.post(url, {"received_kg": "33.5", "received_at": "2026-06-15T08:10", "note": "地磅单 17"})
    assert r.status_code == 302 and r["Location"] == m.get_absolute_url()
    m.refresh_from_db()
    assert (m.state, m.received_kg) == (ManifestState.RECEIVED, Decimal("33.50"))
    page = sam.get(m.get_absolute_url()).content.decode()
    # 33.5 − 40 = −6.5 kg, −16.3 %: over the 10 % tolerance, and the message says so
    assert "-6.50 kg (-16.3 %)" in page
    assert "over the tolerance of 10 %" in page
    r = sam.post(url, {"received_kg": "40"})
    assert r.status_code == 400 and "already received" in r.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("hal", 403), ("ian", 403), ("olly", 404), ("mia", 404), ("cora", 404)]
)
def test_who_may_receive(world, fleet, chain, client_for, persona, status):
    m = Manifest.objects.get(record__client_id="g1")
    r = client_for(persona).post(f"/collection/kitchen/manifests/{m.pk}/receive/", {"received_kg": "40"})
    assert r.status_code == status
    m.refresh_from_db()
    assert m.state == ManifestState.ISSUED


def test_cancelling_through_the_form(world, fleet, chain, client_for):
    m = Manifest.objects.get(hauler=world.other_hauler)
    url = f"/collection/kitchen/manifests/{m.pk}/cancel/"
    sam = english(client_for("sam"))
    r = sam.post(url, {"reason": ""})
    assert r.status_code == 400 and "Say why the manifest is cancelled." in r.content.decode()
    r = sam.post(url, {"reason": "清源运输误录"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.state == ManifestState.CANCELLED
    page = sam.get(m.get_absolute_url()).content.decode()
    assert "清源运输误录" in page.split('id="cancel-reason"', 1)[1][:200]
    assert client_for("hal").post(url, {"reason": "x"}).status_code == 404


def test_a_trips_manifests_received_together_through_the_page(world, fleet, chain, client_for):
    site, canteen = chain
    send(
        fleet,
        [
            row(site, "wet", 20, client_id="t1", vehicle="浙A10001", trip="KT-9", seq=1),
            row(canteen, "wet", 15, client_id="t2", vehicle="浙A10001", trip="KT-9", seq=2),
        ],
    )
    trip = Trip.objects.get(client_id="KT-9")
    url = f"/collection/kitchen/trips/{trip.pk}/receive/"
    alice = english(client_for("alice"))
    page = alice.get(url)
    assert page.status_code == 200 and "not unloaded at a treatment plant" in page.content.decode()
    assert alice.post(url, {"note": ""}).status_code == 400
    services.unload(trip, by=world.alice, weighbridge_kg=Decimal("36"), plant=fleet.plant)
    r = alice.post(url, {"note": "整车过磅"})
    assert r.status_code == 302 and r["Location"].endswith(f"?trip={trip.pk}")
    assert set(Manifest.objects.filter(record__trip=trip).values_list("state", flat=True)) == {"received"}
    assert client_for("hal").get(url).status_code == 403  # sees the trip, may not change it
    assert client_for("sam").get(url).status_code == 404  # a trip belongs to the district's vehicle


def test_the_pages_query_count_does_not_grow_with_rows(world, fleet, chain, client_for):
    client = client_for("sam")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count(KITCHEN)
    before = (count(KITCHEN), count(MANIFESTS))
    for i in range(6):
        site = second_restaurant(world, f"甲二小馆{i}", community=world.community_a2)
        restaurant_record(world, site)
        send(
            fleet,
            [
                row(site, "wet", 10 + i, client_id=f"x{i}-{n}", when=at(days_ago(n)), vehicle="浙A10001")
                for n in range(3)
            ],
        )
    assert (count(KITCHEN), count(MANIFESTS)) == before


def test_the_period_defaults_to_the_last_30_days(world, fleet, chain, client_for):
    r = english(client_for("sam")).get(KITCHEN)
    assert "from 2026-05-17 to 2026-06-15" in r.content.decode()
    assert kitchen.default_period(datetime.date(2026, 6, 15)) == (
        datetime.date(2026, 5, 17),
        datetime.date(2026, 6, 15),
    )


def test_a_user_holding_a_place_and_a_haulier_role_gets_each_restaurants_figures_from_its_source(
    world, fleet, chain, client_for
):
    """hal also keeps 甲一社区: 甲一食堂 (in it) counts every pick-up there; 甲二饭店 (reached only
    through the contract) counts 绿洁's own."""
    from fenlei.accounts import services as account_services
    from fenlei.core.roles import Role

    account_services.assign(user=world.hal, role=Role.COMMUNITY_ADMIN, target=world.community_a1, by=None)
    r = english(client_for("hal")).get(KITCHEN + "?since=2026-06-06&until=2026-06-15")
    rows = page_rows(r)
    assert (rows["甲一食堂"]["Pick-ups"], rows["甲一食堂"]["kg"]) == ("1", "50.0")
    assert (rows["甲二饭店"]["Pick-ups"], rows["甲二饭店"]["kg"]) == ("3", "105.0")
    assert stat(r, "pickups") == "4" and stat(r, "kg") == "155.0"
    quiet = english(client_for("hal")).get(KITCHEN + "?state=quiet&until=2026-06-15")
    assert set(page_rows(quiet)) == {"甲一食堂"}


@pytest.mark.parametrize(
    "query", ["", "?since=2026-06-06&until=2026-06-15", "?hauler={hauler}", "?street={street}"]
)
def test_each_total_equals_the_count_of_the_list_it_links_to(world, fleet, chain, client_for, query):
    import html as htmllib

    m = Manifest.objects.get(record__client_id="g1")
    kitchen.manifest_receive(manifest=m, by=world.alice, received_kg="40")
    kitchen.manifest_cancel(
        manifest=Manifest.objects.get(hauler=world.other_hauler), by=world.alice, reason="误录"
    )
    client = client_for("sam")
    page = client.get(
        KITCHEN + query.format(hauler=world.hauler.pk, street=world.street_a.pk)
    ).content.decode()
    for name in ("issued", "received", "awaiting"):
        found = re.search(rf'data-stat="{name}"><a class="num" href="([^"]+)">(\d+)</a>', page)
        assert found, name
        listed_page = client.get(htmllib.unescape(found.group(1))).content.decode()
        count = re.search(r'data-count="(\d+)"', listed_page).group(1)
        assert count == found.group(2), (name, found.group(1))
    # a search or a state has no counterpart on the manifests' list: the totals are not links then
    page = client.get(KITCHEN + "?state=awaiting").content.decode()
    assert 'data-stat="issued"><span class="num">' in page
