"""The devices pages: the office registers a device and sees its token once (never again), issues a
new one (the old stops), closes it; others read what their scope holds."""

import re

import pytest
from django.urls import reverse

from fenlei.collection import services
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import Device
from fenlei.collection.tests.conftest import row

LIST = reverse("collection:device-list")
ADD = reverse("collection:device-add")
TOKEN = re.compile(r'<code id="token">(fld_[^<]+)</code>')


def shown_token(response) -> str:
    m = TOKEN.search(response.content.decode())
    assert m, "no token on the page"
    return m.group(1)


@pytest.fixture
def street_device(world, now):
    device, _token = services.device_create(
        device=Device(name="甲街道地磅", kind="weighbridge", area=world.street_a), by=world.alice
    )
    return device


def test_the_office_adds_a_device_and_sees_its_token_once(world, now, client_for):
    client = client_for("alice")
    assert client.get(ADD).status_code == 200
    response = client.post(
        ADD,
        {"name": "绿洁二号秤", "kind": "weighbridge", "area": world.district.pk, "hauler": world.hauler.pk},
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = shown_token(response)
    device = Device.objects.get(name="绿洁二号秤")
    assert (
        device.token_hash == services.hash_token(token)
        and token not in device.token_prefix + device.token_hash
    )
    assert device.account is not None and not device.account.has_usable_password()
    # the token works for ingest (as the API's authentication will find it) and is never shown again
    assert Device.objects.get(token_hash=services.hash_token(token)) == device
    detail = client.get(device.get_absolute_url()).content.decode()
    assert token not in detail and device.token_prefix in detail
    assert token not in client.get(LIST).content.decode()


def test_rotating_issues_a_new_token_and_the_old_stops(world, fleet, client_for):
    device = fleet.device
    url = reverse("collection:device-rotate", args=[device.pk])
    client = client_for("alice")
    client.cookies["fenlei_language"] = "en"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "stops working" in confirm.content.decode()
    device.refresh_from_db()
    assert device.token_hash == services.hash_token(fleet.token)  # asking is not rotating
    response = client.post(url)
    new = shown_token(response)
    device.refresh_from_db()
    assert new != fleet.token
    assert device.token_hash == services.hash_token(new)
    assert not Device.objects.filter(token_hash=services.hash_token(fleet.token)).exists()


def test_closing_a_device(world, fleet, client_for):
    url = reverse("collection:device-close", args=[fleet.device.pk])
    client = client_for("alice")
    assert client.post(url, {"on": "", "note": "设备报废"}).status_code == 302
    fleet.device.refresh_from_db()
    assert fleet.device.closed_on is not None
    assert fleet.device not in client.get(LIST).context["object_list"]
    assert fleet.device in client.get(LIST, {"open": "closed"}).context["object_list"]
    detail = client.get(fleet.device.get_absolute_url()).context
    assert not detail["can_rotate"] and not detail["can_close"]


def test_the_detail_lists_recent_submissions_with_their_counts(world, fleet, client_for):
    site = world.sites["a1_estate"]
    rows = [row(site, client_id="r1"), row(site, client_id="r2"), {"bad": 1}]
    for _ in range(2):
        services.ingest(rows, face=EntryFace.DEVICE, device=fleet.device, within=[fleet.device.area_path])
    ctx = client_for("alice").get(fleet.device.get_absolute_url()).context
    assert [(s.received, s.accepted, s.duplicates, s.rejected) for s in ctx["submissions"]] == [
        (3, 0, 2, 1),
        (3, 2, 0, 1),
    ]
    fleet.device.refresh_from_db()
    assert fleet.device.last_seen_at is not None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"绿洁地磅一号", "甲街道地磅"}),
        ("sam", {"甲街道地磅"}),
        ("cora", set()),
        ("hal", {"绿洁地磅一号"}),  # his hauler's
        ("olly", set()),
        ("nina", set()),
    ],
)
def test_the_list_by_persona(world, fleet, street_device, client_for, persona, expected):
    response = client_for(persona).get(LIST)
    assert response.status_code == 200
    assert {d.name for d in response.context["object_list"]} == expected


@pytest.mark.parametrize(
    ("persona", "add", "rotate", "close", "detail"),
    [
        ("sam", 403, 403, 403, 200),
        ("leo", 403, 403, 403, 200),
        ("olly", 403, 404, 404, 404),
        ("cora", 403, 404, 404, 404),
        ("hal", 403, 404, 404, 404),  # 甲街道's device is no hauler's
        ("nina", 403, 404, 404, 404),
    ],
)
def test_only_the_office_keeps_devices(
    world, fleet, street_device, client_for, persona, add, rotate, close, detail
):
    client = client_for(persona)
    before = street_device.token_hash
    assert client.get(ADD).status_code == add
    assert (
        client.post(ADD, {"name": "x", "kind": "weighbridge", "area": world.street_a.pk}).status_code == add
    )
    assert client.post(reverse("collection:device-rotate", args=[street_device.pk])).status_code == rotate
    assert client.post(reverse("collection:device-close", args=[street_device.pk]), {}).status_code == close
    assert client.get(street_device.get_absolute_url()).status_code == detail
    street_device.refresh_from_db()
    assert street_device.token_hash == before and street_device.closed_on is None
    assert Device.objects.count() == 2


def test_a_bad_device_answers_400(world, now, client_for):
    client = client_for("alice")
    response = client.post(ADD, {"name": "", "kind": "weighbridge", "area": world.community_a1.pk})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "name" in errors and "area" in errors  # a community is not offered
    wrong_vehicle = {
        "name": "x",
        "kind": "weighbridge",
        "area": world.district.pk,
        "hauler": world.other_hauler.pk,
    }
    from fenlei.collection.tests.conftest import save
    from fenlei.facilities.models import Vehicle

    wet = save(Vehicle(plate="浙A10009", hauler=world.hauler, stream="wet"))
    response = client.post(ADD, {**wrong_vehicle, "vehicle": wet.pk})
    assert response.status_code == 400 and "vehicle" in response.context["form"].errors
    assert not Device.objects.exists()
