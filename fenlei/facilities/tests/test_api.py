"""The facilities API: scoped, audited, with the same rules as the pages."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fenlei.core.models import AuditEntry, Face
from fenlei.facilities.models import Container, DropOffPoint

POINTS = "/api/facilities/dropoff-points/"
CONTAINERS = "/api/facilities/containers/"


def _point(world, api_for, who="cora", **extra):
    body = {
        "name": "东门投放点",
        "area": world.community_a1.pk,
        "kind": "scheduled",
        "status": "in_use",
        "households_served": 300,
        **extra,
    }
    return api_for(who).post(POINTS, body, format="json")


def test_create_read_close_through_the_api(world, api_for):
    r = _point(world, api_for)
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["street"]["name"] == "甲街道"
    assert AuditEntry.objects.filter(object_id=str(pk), face=Face.API, action="create").exists()
    assert api_for("sam").get(f"{POINTS}{pk}/").status_code == 200
    assert api_for("olly").get(f"{POINTS}{pk}/").status_code == 404
    assert api_for("leo").patch(f"{POINTS}{pk}/", {"households_served": 1}, format="json").status_code == 403
    r = api_for("cora").post(f"{POINTS}{pk}/close/", {"note": "拆除"}, format="json")
    assert r.status_code == 200 and r.json()["closed_on"]
    assert api_for("cora").get(POINTS).json()["count"] == 0  # open rows by default
    assert api_for("cora").get(POINTS, {"open": "all"}).json()["count"] == 1
    assert api_for("cora").post(f"{POINTS}{pk}/reopen/", {}, format="json").status_code == 200


def test_bad_input(world, api_for):
    assert _point(world, api_for, area=world.community_a2.pk).status_code == 404  # not visible to cora
    assert _point(world, api_for, "sam", area=world.street_a.pk).status_code == 400  # wrong level
    assert _point(world, api_for, households_served=-3).status_code == 400
    _point(world, api_for)
    r = _point(world, api_for)
    assert r.status_code == 400 and "name" in r.json()
    assert DropOffPoint.objects.count() == 1


def test_containers(world, api_for):
    point = _point(world, api_for).json()["id"]
    r = api_for("cora").post(
        CONTAINERS,
        {
            "area": world.community_a1.pk,
            "site": world.sites["a1_estate"].pk,
            "point": point,
            "category": "food",
            "volume_l": 240,
            "count": 4,
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert Container.objects.get().area_path == world.community_a1.path
    r = api_for("cora").post(
        CONTAINERS,
        {"area": world.community_a1.pk, "category": "paper", "volume_l": 240, "count": 1},
        format="json",
    )
    assert r.status_code == 400


def test_list_query_count_is_flat(world, api_for):
    client = api_for("alice")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(POINTS).status_code == 200
        return len(ctx.captured_queries)

    _point(world, api_for, "alice", name="1")
    small = count()
    for i in range(8):
        _point(world, api_for, "alice", name=f"n{i}", site=world.sites["a1_estate"].pk)
    assert count() == small
