"""The publicity API: scoped, audited, with the totals of the same filters at /summary/."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fenlei.core.models import AuditEntry, Face
from fenlei.publicity.models import Activity
from fenlei.publicity.tests.helpers import make_activity

LIST = "/api/publicity/activities/"
SUMMARY = "/api/publicity/activities/summary/"


def _post(world, api_for, who="sam", **extra):
    body = {
        "area": world.street_a.pk,
        "date": "2025-06-05",
        "organiser": "甲街道办事处",
        "kind": "door_to_door",
        "target": "households",
        "events": 6,
        "materials": 600,
        "participants": 900,
        "reached_units": "600 户",
        **extra,
    }
    return api_for(who).post(LIST, body, format="json")


def test_create_read_change_close(world, api_for):
    r = _post(world, api_for)
    assert r.status_code == 201, r.json()
    body = r.json()
    pk = body["id"]
    assert (body["area"]["name"], body["kind"], body["target"], body["messages"]) == (
        "甲街道",
        "door_to_door",
        "households",
        0,
    )
    assert AuditEntry.objects.filter(object_id=str(pk), face=Face.API, action="create").exists()
    assert api_for("ian").get(f"{LIST}{pk}/").status_code == 200
    assert api_for("cora").get(f"{LIST}{pk}/").status_code == 404  # a street's row, above her community
    assert api_for("ian").patch(f"{LIST}{pk}/", {"events": 7}, format="json").status_code == 403
    r = api_for("sam").patch(f"{LIST}{pk}/", {"events": 7}, format="json")
    assert r.status_code == 200 and r.json()["events"] == 7
    assert api_for("sam").post(f"{LIST}{pk}/close/", {"note": "重复"}, format="json").status_code == 200
    assert api_for("sam").get(LIST).json()["count"] == 0
    assert api_for("sam").get(LIST, {"open": "all"}).json()["count"] == 1


def test_bad_input(world, api_for):
    assert _post(world, api_for, "cora").status_code == 404  # the street is outside her scope
    assert _post(world, api_for, "cora", area=world.district.pk).status_code == 404
    assert _post(world, api_for, "olly").status_code == 404
    assert _post(world, api_for, "leo").status_code == 403  # reads only
    r = _post(world, api_for, events=0)
    assert r.status_code == 400 and "events" in r.json()
    r = _post(world, api_for, kind="parade")
    assert r.status_code == 400 and "kind" in r.json()
    r = _post(world, api_for, materials=-1)
    assert r.status_code == 400 and "materials" in r.json()
    assert _post(world, api_for).status_code == 201
    r = _post(world, api_for)  # the same place, date, kind, target and organiser
    # A non-field error, in the language the client asks for (Chinese by default).
    assert r.status_code == 400 and "请在原记录上累加" in " ".join(r.json()["non_field_errors"])
    assert Activity.objects.count() == 1


def test_summary_takes_the_list_filters(world, api_for, activities):
    alice = api_for("alice")
    r = alice.get(SUMMARY)
    assert r.status_code == 200
    assert r.json() == {
        "records": 5,
        "events": 11,
        "materials": 1750,
        "messages": 13000,
        "participants": 2950,
    }
    query = {"since": "2025-04-01", "until": "2025-04-30"}
    assert alice.get(LIST, query).json()["count"] == 2
    assert alice.get(SUMMARY, query).json() == {
        "records": 2,
        "events": 4,
        "materials": 1200,
        "messages": 3000,
        "participants": 800,
    }
    # Several kinds at once (the API may pass a filter's value more than once).
    assert alice.get(SUMMARY, {"kind": ["handout", "forum"]}).json() == {
        "records": 2,
        "events": 3,
        "materials": 550,
        "messages": 0,
        "participants": 150,
    }
    assert alice.get(SUMMARY, {"target": "public_places"}).json()["messages"] == 10000
    assert alice.get(SUMMARY, {"community": world.community_a1.pk}).json()["events"] == 3
    assert api_for("sam").get(SUMMARY).json() == {
        "records": 3,
        "events": 6,
        "materials": 1700,
        "messages": 3000,
        "participants": 920,
    }
    assert api_for("olly").get(SUMMARY).json()["participants"] == 30
    assert api_for("nina").get(SUMMARY).json()["records"] == 0
    r = alice.get(SUMMARY, {"since": "not a date"})
    assert r.status_code == 400


def test_summary_is_in_the_schema():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    # The schema of this app's routes only (the whole project's takes seconds to build).
    patterns = [path("api/publicity/", include("fenlei.publicity.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    operation = schema["paths"]["/api/publicity/activities/summary/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"since", "until", "kind", "target", "street", "community", "open", "q"} <= names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    totals = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(totals["properties"]) == {"records", "events", "materials", "messages", "participants"}
    assert "summary/" in schema["paths"]["/api/publicity/activities/"]["get"]["description"]


def test_list_query_count_is_flat(world, api_for, activities):
    client = api_for("alice")

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    count(LIST)  # the first request also reads the caller's role assignments
    small, small_summary = count(LIST), count(SUMMARY)
    for i in range(10):
        make_activity(world, world.community_a2, site=world.sites["a2_open"], organiser=f"志愿者{i}")
    assert count(LIST) == small
    assert count(SUMMARY) == small_summary
