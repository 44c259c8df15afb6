"""The publicity ledger's pages: scope at every placement level, totals, forms and their audit."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenlei.core import services
from fenlei.core.models import AuditEntry, Face
from fenlei.publicity.models import Activity
from fenlei.publicity.tests.helpers import make_activity


def url(name, *args):
    return reverse(f"publicity:activity-{name}", args=args)


def listed(client, **query):
    r = client.get(url("list"), query)
    assert r.status_code == 200
    return r


def totals_shown(response) -> dict:
    """The totals as the page prints them (digits only)."""
    html = response.content.decode()
    found = re.findall(r'data-total="(\w+)"><span class="num">([^<]*)</span>', html)
    return {name: int(re.sub(r"\D", "", text)) for name, text in found}


def test_each_persona_sees_the_activities_of_its_scope(world, client_for, activities):
    expected = {
        "alice": {"a1", "a1_post", "street", "b1", "district"},
        "leo": {"a1", "a1_post", "street", "b1", "district"},
        "sam": {"a1", "a1_post", "street"},
        "ian": {"a1", "a1_post", "street"},
        "cora": {"a1", "a1_post"},
        "mia": {"a1"},  # at her site
        "olly": {"b1"},
        "ada": set(),
        "hal": set(),
        "nina": set(),
    }
    names = {obj.pk: key for key, obj in activities.items()}
    for persona, keys in expected.items():
        shown = {names[o.pk] for o in listed(client_for(persona)).context["object_list"]}
        assert shown == keys, persona
    street = activities["street"].pk
    assert client_for("sam").get(url("detail", street)).status_code == 200
    assert client_for("sam").get(url("edit", street)).status_code == 200  # the street keeps its own
    assert client_for("cora").get(url("detail", street)).status_code == 404
    assert client_for("ian").get(url("edit", street)).status_code == 403
    district = activities["district"].pk
    assert client_for("alice").get(url("edit", district)).status_code == 200
    assert client_for("sam").get(url("detail", district)).status_code == 404


def test_totals_are_those_of_the_filtered_rows(world, client_for, activities):
    alice = client_for("alice")
    r = listed(alice)
    everything = {"records": 5, "events": 11, "materials": 1750, "messages": 13000, "participants": 2950}
    assert r.context["totals"] == everything
    assert totals_shown(r) == {k: v for k, v in everything.items() if k != "records"}
    # April: the WeChat post and the street's themed event.
    r = listed(alice, since="2025-04-01", until="2025-04-30")
    assert r.context["totals"] == {
        "records": 2,
        "events": 4,
        "materials": 1200,
        "messages": 3000,
        "participants": 800,
    }
    r = listed(alice, kind="handout")
    assert r.context["totals"] == {
        "records": 1,
        "events": 2,
        "materials": 500,
        "messages": 0,
        "participants": 120,
    }
    r = listed(alice, target="schools", street=world.street_a.pk)
    assert [o.pk for o in r.context["object_list"]] == [activities["street"].pk]
    assert r.context["totals"]["participants"] == 800
    # sam: his street's three rows only.
    assert listed(client_for("sam")).context["totals"] == {
        "records": 3,
        "events": 6,
        "materials": 1700,
        "messages": 3000,
        "participants": 920,
    }
    # Closed rows drop out of the default list, and of its totals.
    services.close(activities["district"], by=None)
    assert listed(alice).context["totals"]["messages"] == 3000
    assert listed(alice, open="all").context["totals"]["messages"] == 13000
    # Nothing listed: zeros, not blanks.
    assert listed(client_for("nina")).context["totals"] == {
        "records": 0,
        "events": 0,
        "materials": 0,
        "messages": 0,
        "participants": 0,
    }


def _body(world, **extra):
    return {
        "area": world.street_a.pk,
        "date": "2025-06-05",
        "organiser": "甲街道办事处",
        "kind": "quiz",
        "target": "schools",
        "events": "2",
        "materials": "300",
        "messages": "0",
        "participants": "450",
        "reached_units": "2 所学校",
        **extra,
    }


def test_street_admin_adds_a_street_level_activity(world, client_for):
    sam = client_for("sam")
    offered = set(sam.get(url("add")).context["form"].fields["area"].queryset)
    assert offered == {world.street_a, world.community_a1, world.community_a2}
    r = sam.post(url("add"), _body(world))
    assert r.status_code == 302, r.context["form"].errors
    activity = Activity.objects.get()
    assert (activity.area, activity.area_path, activity.participants) == (
        world.street_a,
        world.street_a.path,
        450,
    )
    assert AuditEntry.objects.filter(object_id=str(activity.pk), face=Face.WEB, action="create").exists()
    # The same place, date, kind, target and organiser again: add to the record instead.
    r = sam.post(url("add"), _body(world))
    assert r.status_code == 400 and r.context["form"].non_field_errors()
    # A community officer may not place an activity at the street, nor at the district.
    cora = client_for("cora")
    assert set(cora.get(url("add")).context["form"].fields["area"].queryset) == {world.community_a1}
    r = cora.post(url("add"), _body(world, organiser="甲一社区"))
    assert r.status_code == 400 and "area" in r.context["form"].errors
    r = cora.post(url("add"), _body(world, area=world.district.pk, organiser="甲一社区"))
    assert r.status_code == 400 and "area" in r.context["form"].errors
    # At least one event.
    r = sam.post(url("add"), _body(world, events="0", organiser="另一个"))
    assert r.status_code == 400 and "events" in r.context["form"].errors


def test_edit_close_and_history(world, client_for, activities):
    sam = client_for("sam")
    street = activities["street"]
    body = _body(
        world, date="2025-04-20", kind="themed", target="schools", organiser="甲街道办事处", events="5"
    )
    r = sam.post(url("edit", street.pk), body)
    assert r.status_code == 302, r.context["form"].errors
    street.refresh_from_db()
    assert street.events == 5
    entry = AuditEntry.objects.filter(object_id=str(street.pk), action="update").get()
    assert entry.changes["events"] == [3, 5] and entry.face == Face.WEB
    assert sam.post(url("close", street.pk), {"note": "录错了"}).status_code == 302
    history = sam.get(url("history", street.pk))
    assert history.status_code == 200 and "录错了" in history.content.decode()


def test_district_admin_places_an_activity_at_the_district(world, client_for):
    r = client_for("alice").post(url("add"), _body(world, area=world.district.pk, organiser="区分类办"))
    assert r.status_code == 302, r.context["form"].errors
    assert Activity.objects.get().area_path == world.district.path


def test_list_query_count_is_flat(world, client_for, activities):
    client = client_for("alice")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            listed(client)
        return len(ctx.captured_queries)

    small = count()
    for i in range(10):
        make_activity(world, world.community_a2, site=world.sites["a2_open"], organiser=f"志愿者{i}")
    assert count() == small
