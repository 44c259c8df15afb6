"""The people ledgers' API: scoped, audited, with the same rules as the pages."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fenlei.core.models import AuditEntry, Face
from fenlei.people.models import ServiceRecord, Volunteer
from fenlei.people.tests.conftest import save

VOLUNTEERS = "/api/people/volunteers/"
RECORDS = "/api/people/service-records/"


def test_volunteers_and_their_hours(world, api_for, volunteer):
    data = api_for("sam").get(f"{VOLUNTEERS}{volunteer.pk}/").json()
    assert data["total_hours"] == "3.5" and data["street"]["name"] == "甲街道"
    r = api_for("cora").post(
        VOLUNTEERS, {"name": "陈静", "area": world.community_a1.pk, "kind": "volunteer"}, format="json"
    )
    assert r.status_code == 201, r.json()
    assert r.json()["total_hours"] == "0.0"
    assert AuditEntry.objects.filter(object_id=str(r.json()["id"]), face=Face.API, action="create").exists()
    bad = api_for("cora").post(
        VOLUNTEERS,
        {"name": "李静", "area": world.community_a1.pk, "id_number": "330102199001011235"},
        format="json",
    )
    assert bad.status_code == 400 and "id_number" in bad.json()


def test_service_records_take_the_volunteers_place(world, api_for, volunteer):
    body = {"volunteer": volunteer.pk, "served_on": "2025-06-20", "hours": "2.5", "content": "分拣"}
    r = api_for("cora").post(RECORDS, body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["area"]["id"] == world.community_a1.pk and r.json()["site"]["name"] == "甲一花园"
    assert api_for("sam").get(f"{VOLUNTEERS}{volunteer.pk}/").json()["total_hours"] == "6.0"
    assert api_for("olly").post(RECORDS, body, format="json").status_code == 404  # not his to see
    assert api_for("leo").post(RECORDS, body, format="json").status_code == 403
    # moving a record to a volunteer where cora may not add: refused
    elsewhere = save(Volunteer(name="外人", area=world.community_a2))
    pk = r.json()["id"]
    assert (
        api_for("cora").patch(f"{RECORDS}{pk}/", {"volunteer": elsewhere.pk}, format="json").status_code
        == 403
    )
    assert (
        api_for("sam").patch(f"{RECORDS}{pk}/", {"volunteer": elsewhere.pk}, format="json").status_code == 200
    )
    assert ServiceRecord.objects.get(pk=pk).area == world.community_a2
    assert api_for("cora").get(RECORDS, {"volunteer": volunteer.pk}).json()["count"] == 2


def test_list_query_counts_are_flat(world, api_for, volunteer, group):
    client = api_for("alice")
    urls = [VOLUNTEERS, RECORDS, "/api/people/leading-groups/", "/api/people/leading-group-members/"]

    def counts():
        out = []
        for u in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(u).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    counts()  # the first request reads the user's role assignments (then kept on the user)
    small = counts()
    for i in range(5):
        v = save(Volunteer(name=f"志愿者{i}", area=world.community_b1, site=world.sites["b1_estate"]))
        save(ServiceRecord(volunteer=v, served_on=datetime.date(2025, 6, 1), hours=1, content="督导"))
        client.post(
            "/api/people/leading-group-members/", {"group": group.pk, "name": f"成员{i}"}, format="json"
        )
    assert counts() == small


def test_site_ledgers_and_supervisors(world, api_for):
    from fenlei.facilities.models import DropOffPoint

    site = world.sites["a1_estate"]
    body = {
        "area": world.community_a1.pk,
        "site": site.pk,
        "recorded_on": "2025-06-30",
        "registered_households": 120,
        "participating_households": 90,
    }
    r = api_for("cora").post("/api/people/participation/", body, format="json")
    assert r.status_code == 201 and r.json()["rate"] == "75.0"
    r = api_for("cora").post("/api/people/participation/", {**body, "site": None}, format="json")
    assert r.status_code == 400
    r = api_for("cora").post(
        "/api/people/four-party-linkages/",
        {
            "area": world.community_a1.pk,
            "site": site.pk,
            "owners_contact": "孙",
            "owners_phone": "13300001111",
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["owners_phone"] == "13300001111"
    assert (
        api_for("ian").get(f"/api/people/four-party-linkages/{r.json()['id']}/").json()["owners_phone"]
        == "133****1111"
    )
    point = save(DropOffPoint(name="二号点", area=world.community_a2))
    r = api_for("sam").post(
        "/api/people/supervisors/",
        {"name": "李四", "area": world.community_a1.pk, "point": point.pk},
        format="json",
    )
    assert r.status_code == 400 and "point" in r.json()
    r = api_for("sam").post(
        "/api/people/supervisors/",
        {"name": "李四", "area": world.community_a2.pk, "point": point.pk, "duty_hours": "07:00-09:00"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["point"]["name"] == "二号点"


def test_openapi_schema_of_the_people_api_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/people/", include("fenlei.people.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while describing /api/people/"
    record = schema["components"]["schemas"]["ServiceRecordRequest"]["properties"]
    assert record["volunteer"]["type"] == "integer" and "area" not in record
