"""The bulk endpoint POST /api/collection/ingest/: device tokens, the body's limits, per-record
answers in the caller's language, idempotent retries, people's systems within their scope."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from fenlei.collection import services
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import AreaDay, Device, Record, Submission
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry

URL = reverse("collection-api:ingest")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def device_client(token: str, language: str | None = "en") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    if language:
        client.credentials(HTTP_AUTHORIZATION=f"Device {token}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def post(client, records, **extra):
    return client.post(URL, {"records": records}, format="json", **extra)


def total(area, stream="wet"):
    r = AreaDay.objects.filter(area=area, stream=stream).first()
    return (r.grams, r.records) if r else (0, 0)


# --- a device's batch ---------------------------------------------------------------------------


def test_a_device_batch_is_kept_and_answered_with_its_counts(world, fleet):
    estate, open_estate = world.sites["a1_estate"], world.sites["a2_open"]
    records = [
        row(estate, "wet", 100, client_id="r1", vehicle="浙A10001", trip="T1", seq=1),
        row(open_estate, "wet", 50.5, client_id="r2", vehicle="浙A10001", trip="T1", seq=2),
        row({"area": world.community_b1.pk}, "recyclable", None, client_id="r3", bins=2, bin_volume_l=240),
    ]
    response = post(device_client(fleet.token), records)
    assert response.status_code == 200, response.content
    body = response.json()
    submission = Submission.objects.get()
    assert body == {
        "submission": submission.pk,
        "received": 3,
        "accepted": 3,
        "duplicates": [],
        "rejected": [],
    }
    assert submission.face == EntryFace.DEVICE and submission.device == fleet.device
    assert submission.user == fleet.device.account
    assert set(Record.objects.values_list("origin", flat=True)) == {fleet.device.origin}
    assert total(world.street_a) == (150_500, 2)
    assert total(world.district, "recyclable") == (38_400, 1)  # 2 × 240 L × 0.08 kg/L, estimated
    entry = AuditEntry.objects.get(content_type__model="submission", object_id=str(submission.pk))
    assert entry.face == "api" and entry.user == fleet.device.account
    fleet.device.refresh_from_db()
    assert fleet.device.last_seen_at is not None


def test_a_retried_batch_is_never_counted_twice(world, fleet):
    client = device_client(fleet.token)
    records = [row(world.sites["a1_estate"], "wet", 10 + i, client_id=f"r{i}") for i in range(20)]
    first = post(client, records).json()
    again = post(client, records).json()
    assert first["accepted"] == 20
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, list(range(20)), [])
    # half old, half new: only the new ones are kept
    more = records[10:] + [row(world.sites["a1_estate"], "wet", 1, client_id=f"n{i}") for i in range(10)]
    mixed = post(client, more).json()
    assert (mixed["accepted"], mixed["duplicates"]) == (10, list(range(10)))
    assert Record.objects.count() == 30
    assert total(world.community_a1) == (sum(10 + i for i in range(20)) * 1000 + 10_000, 30)


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"weight_kg": -5}, "weight_kg", "The weight must be more than 0 kg (given: -5)."),
        ({"weight_kg": 50_000}, "weight_kg", "more than one load can weigh"),
        ({"occurred_at": "2026-06-16T09:00:00+08:00"}, "occurred_at", "is in the future"),
        ({"vehicle": "浙Z99999"}, "vehicle", "No vehicle with the plate 浙Z99999 is registered."),
        ({"vehicle": "浙B20001"}, "vehicle", "The vehicle 浙B20001 belongs to another hauler."),
        ({"client_id": None}, "client_id", "Give every record a client record id"),
        ({"stream": "plutonium"}, "stream", "is not one of the streams"),
        ({"weight": 5}, "record", "Unknown field(s): weight."),
    ],
)
def test_bad_records_are_refused_one_by_one(world, fleet, bad, field, words):
    records = [
        row(world.sites["a1_estate"], client_id="ok"),
        {**row(world.sites["a2_open"], client_id="bad"), **bad},
    ]
    body = post(device_client(fleet.token), records).json()
    assert body["accepted"] == 1
    [rejected] = body["rejected"]
    assert rejected["index"] == 1
    assert rejected["client_id"] == ("bad" if field != "client_id" else "")
    assert words in rejected["errors"][field], rejected
    assert Record.objects.count() == 1


def test_a_site_outside_the_devices_area_is_refused(world, fleet):
    street_device, token = services.device_create(
        device=Device(name="甲街道地磅", kind="weighbridge", area=world.street_a), by=world.alice
    )
    records = [row(world.sites["b1_estate"], client_id="b"), row(world.sites["a1_estate"], client_id="a")]
    body = post(device_client(token), records).json()
    assert body["accepted"] == 1
    assert body["rejected"][0]["index"] == 0
    # named by the number the device sent, not by the name of a site outside its area
    b1 = world.sites["b1_estate"].pk
    assert body["rejected"][0]["errors"]["site"] == f"“{b1}” is outside the places you may report for."
    assert Record.objects.get().site == world.sites["a1_estate"]


def test_the_same_client_id_with_other_content_is_refused_not_overwritten(world, fleet):
    client = device_client(fleet.token)
    post(client, [row(world.sites["a1_estate"], "wet", 100, client_id="r1")])
    body = post(client, [row(world.sites["a1_estate"], "wet", 90, client_id="r1")]).json()
    assert body["accepted"] == 0 and body["duplicates"] == []
    assert "already stored with other content" in body["rejected"][0]["errors"]["client_id"]
    assert Record.objects.get().weight_kg == Decimal("100.00")
    assert total(world.community_a1) == (100_000, 1)


def test_messages_are_chinese_unless_the_device_asks_for_english(world, fleet):
    records = [{**row(world.sites["a1_estate"], client_id="x"), "weight_kg": -5}]
    chinese = post(device_client(fleet.token, language=None), records).json()
    english = post(device_client(fleet.token, language="en"), records).json()
    assert english["rejected"][0]["errors"]["weight_kg"] == "The weight must be more than 0 kg (given: -5)."
    message = chinese["rejected"][0]["errors"]["weight_kg"]
    assert "-5" in message and "千克" in message, message
    unknown = post(device_client(services.TOKEN_PREFIX + "x" * 43, language=None), records)
    assert unknown.status_code == 401 and "令牌" in unknown.json()["detail"], unknown.json()


# --- the body -----------------------------------------------------------------------------------


def raw(client, body: bytes, **extra):
    return client.generic("POST", URL, body, content_type="application/json", **extra)


def test_malformed_json_is_a_400_naming_line_and_column(world, fleet):
    body = b'{"records": [\n  {"client_id": "a", "weight_kg": 1,}\n]}'
    response = raw(device_client(fleet.token), body)
    assert response.status_code == 400
    assert "line 2, column 37" in response.json()["detail"], response.json()
    assert raw(device_client(fleet.token), '{"records": ["\xff"]}'.encode("latin-1")).status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([row({"site": 1}, client_id="a")], 'The body must be a JSON object: {"records": [ … ]}.'),
        ({"records": {"client_id": "a"}}, '"records" must be a list of records.'),
        ({"rows": []}, "The body must be a JSON object"),
        ({"records": [], "device": 3}, "Unknown field(s) in the body: device."),
    ],
)
def test_a_body_of_another_shape_is_a_400(world, fleet, body, words):
    response = device_client(fleet.token).post(URL, body, format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_more_than_10000_records_is_a_413_and_writes_nothing(world, fleet):
    records = [row(world.sites["a1_estate"], client_id=f"r{i}") for i in range(10_001)]
    response = post(device_client(fleet.token), records)
    assert response.status_code == 413
    assert (
        response.json()["detail"] == "The request carries 10001 records; send at most 10000 in one request."
    )
    assert not Submission.objects.exists() and not Record.objects.exists()


def test_a_100_mb_body_is_refused_from_its_content_length_without_reading_it(world, fleet):
    # The test client's body holds 2 bytes: reading the announced 100 MB would fail loudly.
    response = raw(device_client(fleet.token), b"{}", CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413
    assert "104857600 bytes" in response.json()["detail"] and "16 MB" in response.json()["detail"]


def test_the_byte_limit_is_a_setting(world, fleet, settings):
    settings.FENLEI_INGEST_MAX_MB = 1
    records = [row(world.sites["a1_estate"], client_id=f"{i:060d}") for i in range(8000)]
    body = json.dumps({"records": records}).encode()
    assert len(body) > 1024 * 1024
    response = raw(device_client(fleet.token), body)
    assert response.status_code == 413
    assert "at most 1 MB" in response.json()["detail"]
    assert not Submission.objects.exists()


# --- who may send -------------------------------------------------------------------------------


def test_tokens_that_do_not_open_the_door(world, fleet):
    records = [row(world.sites["a1_estate"], client_id="a")]
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = post(anonymous, records)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Device"
    unknown = post(device_client(services.TOKEN_PREFIX + "x" * 43), records)
    assert unknown.status_code == 401 and "never issued" in unknown.json()["detail"]
    prefix = post(device_client("abc"), records)
    assert prefix.status_code == 401 and "fld_" in prefix.json()["detail"]
    spaced = APIClient(HTTP_AUTHORIZATION=f"Device {fleet.token} extra", HTTP_ACCEPT_LANGUAGE="en")
    assert post(spaced, records).status_code == 401
    # a new token replaces the old one at once
    new = services.device_rotate(device=fleet.device, by=world.alice)
    assert post(device_client(fleet.token), records).status_code == 401
    assert post(device_client(new), records).status_code == 200
    # a closed device's token stops working
    services.device_close(device=fleet.device, by=world.alice)
    closed = post(device_client(new), records)
    assert closed.status_code == 401 and "was closed on" in closed.json()["detail"]
    assert Record.objects.count() == 1


def test_a_persons_system_sends_within_the_areas_where_the_person_may_add(world, fleet, api_for):
    a1, b1 = world.sites["a1_estate"], world.sites["b1_estate"]
    sam = api_for("sam")
    response = sam.post(
        URL,
        {"records": [row(a1, client_id="s1"), row(b1, client_id="s2"), row(a1)]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 2  # a person's records need no client id
    assert [r["index"] for r in body["rejected"]] == [1]
    assert "outside the places you may report for" in body["rejected"][0]["errors"]["site"]
    submission = Submission.objects.get()
    assert (submission.face, submission.user, submission.device) == (EntryFace.API, world.sam, None)
    assert set(Record.objects.values_list("origin", flat=True)) == {f"user:{world.sam.pk}", ""}
    # a person's client ids are the person's own: alice may use s1 too
    alice = api_for("alice").post(URL, {"records": [row(b1, client_id="s1")]}, format="json")
    assert alice.json()["accepted"] == 1
    for name in ("hal", "mia", "nina", "leo"):
        assert api_for(name).post(URL, {"records": [row(a1)]}, format="json").status_code == 403, name
    refused = api_for("nina").post(URL, {"records": [row(a1)]}, format="json")
    assert refused.json()["detail"] == "您无权在任何区域添加收运记录。"
    english = api_for("nina").post(URL, {"records": [row(a1)]}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "You may not add collection records anywhere."


def test_each_device_has_its_own_rate(world, fleet, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "device": "2/min"},
    }
    other, other_token = services.device_create(
        device=Device(name="清源地磅", kind="weighbridge", area=world.district, hauler=world.other_hauler),
        by=world.alice,
    )
    client = device_client(fleet.token)
    codes = [post(client, []).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert int(post(client, []).headers["Retry-After"]) > 0
    assert post(device_client(other_token), []).status_code == 200


# --- the schema ---------------------------------------------------------------------------------


def test_openapi_schema_of_the_collection_api_documents_the_bulk_endpoint():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    from fenlei.collection.validation import FIELDS

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/collection/", include("fenlei.collection.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while describing /api/collection/"
    ingest = schema["paths"]["/api/collection/ingest/"]["post"]
    assert {"deviceToken": []} in ingest["security"]
    assert schema["components"]["securitySchemes"]["deviceToken"]["in"] == "header"
    assert len(ingest["requestBody"]["content"]["application/json"]["examples"]) == 1
    answers = ingest["responses"]["200"]["content"]["application/json"]["examples"]
    assert len(answers) == 3
    assert {"400", "401", "413", "429"} <= set(ingest["responses"])
    record = schema["components"]["schemas"]["IngestRecordRequest"]["properties"]
    assert set(record) == set(FIELDS)
