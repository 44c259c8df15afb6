"""The people ledgers' pages: volunteers and their service, groups and members, the street-level and
site-level ledgers."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenlei.core.models import AuditEntry, Face
from fenlei.people.models import LeadingGroup, ServiceRecord, Volunteer
from fenlei.people.tests.conftest import save


def url(name, *args):
    return reverse(f"people:{name}", args=args)


def test_a_community_officer_keeps_volunteers_and_their_service(world, client_for):
    c = client_for("cora")
    form = c.get(url("volunteer-add")).context["form"]
    assert list(form.fields["area"].queryset) == [world.community_a1]
    r = c.post(
        url("volunteer-add"),
        {"name": "陈静", "kind": "party_member", "area": world.community_a1.pk, "phone": "13600001234"},
    )
    assert r.status_code == 302, r.context["form"].errors
    v = Volunteer.objects.get(name="陈静")
    assert AuditEntry.objects.filter(object_id=str(v.pk), face=Face.WEB, action="create").exists()
    # from the volunteer's page: add a record, the volunteer already chosen
    page = c.get(v.get_absolute_url())
    add = page.context["children"][0]["add_url"]
    assert add == url("service-add") + f"?volunteer={v.pk}"
    form = c.get(add).context["form"]
    assert form.initial["volunteer"] == v.pk and list(form.fields["volunteer"].queryset) == [v]
    for day, hours in (("2025-06-01", "2"), ("2025-06-02", "1.5")):
        r = c.post(
            url("service-add"), {"volunteer": v.pk, "served_on": day, "hours": hours, "content": "桶边督导"}
        )
        assert r.status_code == 302, r.context["form"].errors
    record = ServiceRecord.objects.filter(volunteer=v).first()
    assert record.area_path == world.community_a1.path
    listing = c.get(url("volunteer-list"))
    assert listing.context["rows"][0][-1] == 3.5  # total hours, annotated
    page = c.get(v.get_absolute_url())
    assert page.context["children"][0]["total"] == 2 and page.context["facts"][-1][1] == 3.5
    # sam (the street) may not add to a volunteer outside his street; cora not to one outside her community
    other = save(Volunteer(name="外人", area=world.community_a2))
    r = c.post(
        url("service-add"), {"volunteer": other.pk, "served_on": "2025-06-01", "hours": 1, "content": "x"}
    )
    assert r.status_code == 400 and "volunteer" in r.context["form"].errors


def test_moving_a_volunteer_moves_the_service_records(world, client_for, volunteer):
    r = client_for("sam").post(
        url("volunteer-edit", volunteer.pk),
        {"name": "王芳", "kind": "building_head", "area": world.community_a2.pk, "site": ""},
    )
    assert r.status_code == 302, r.context["form"].errors
    records = ServiceRecord.objects.filter(volunteer=volunteer)
    assert {(r.area_id, r.site_id, r.area_path) for r in records} == {
        (world.community_a2.pk, None, world.community_a2.path)
    }
    moved = AuditEntry.objects.filter(content_type__model="servicerecord", action="update")
    assert moved.count() == 2 and all("area" in e.changes and e.face == Face.WEB for e in moved)
    assert client_for("mia").get(records[0].get_absolute_url()).status_code == 404  # no longer at her site


def test_volunteer_list_query_count_is_flat(world, client_for, volunteer):
    client = client_for("sam")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("volunteer-list")).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(6):
        v = save(Volunteer(name=f"志愿者{i}", area=world.community_a2, phone="13800000000"))
        save(ServiceRecord(volunteer=v, served_on=datetime.date(2025, 6, 1), hours=1, content="督导"))
    assert count() == small


def test_groups_and_their_members(world, client_for, group):
    page = client_for("sam").get(group.get_absolute_url())
    members = page.context["children"][0]
    assert [row[1][0] for row in members["rows"]] == ["周一"] and members["add_url"]
    assert client_for("ian").get(group.get_absolute_url()).context["children"][0]["add_url"] == ""
    # the district office places a group at the district itself
    alice = client_for("alice")
    assert world.district in alice.get(url("group-add")).context["form"].fields["area"].queryset
    r = alice.post(
        url("group-add"), {"name": "区领导小组", "area": world.district.pk, "established_on": "2025-01-15"}
    )
    assert r.status_code == 302, r.context["form"].errors
    district_group = LeadingGroup.objects.get(name="区领导小组")
    assert client_for("sam").get(district_group.get_absolute_url()).status_code == 404
    r = alice.post(
        url("member-add"), {"group": district_group.pk, "name": "区长", "post": 1, "phone": "010-1234567"}
    )
    assert r.status_code == 302, r.context["form"].errors
    listing = alice.get(url("member-list"), {"group": district_group.pk})
    assert [o.name for o in listing.context["object_list"]] == ["区长"]


def test_kitchen_waste_groups_are_kept_by_streets(world, client_for):
    assert list(client_for("cora").get(url("kitchengroup-add")).context["form"].fields["area"].queryset) == []
    sam = client_for("sam")
    assert list(sam.get(url("kitchengroup-add")).context["form"].fields["area"].queryset) == [world.street_a]
    r = sam.post(
        url("kitchengroup-add"),
        {"name": "收运一组", "area": world.street_a.pk, "leader": "孙七", "members": "甲、乙"},
    )
    assert r.status_code == 302, r.context["form"].errors
    assert client_for("ian").get(url("kitchengroup-list")).context["rows"][0][-1] == 2


def test_participation_rate_in_the_list(world, client_for):
    c = client_for("cora")
    data = {
        "area": world.community_a1.pk,
        "site": world.sites["a1_estate"].pk,
        "recorded_on": "2025-06-30",
        "registered_households": 180,
        "participating_households": 135,
    }
    assert c.post(url("participation-add"), data).status_code == 302
    assert c.get(url("participation-list")).context["rows"][0][-1] == "75.0%"
    r = c.post(
        url("participation-add"), {**data, "recorded_on": "2025-07-01", "participating_households": 190}
    )
    assert r.status_code == 400 and "participating_households" in r.context["form"].errors
    r = c.post(url("participation-add"), {**data, "site": ""})
    assert r.status_code == 400 and "site" in r.context["form"].errors


def test_index_counts_what_the_user_sees(world, client_for, volunteer, group):
    def counts(who):
        ledgers = client_for(who).get(url("index")).context["ledgers"]
        return {x["url"].removeprefix("people:").removesuffix("-list"): x["count"] for x in ledgers}

    assert counts("cora") | {"volunteer": 1, "service": 2, "group": 0} == counts("cora")
    assert counts("sam")["group"] == 1 and counts("sam")["member"] == 1
    assert client_for("nina").get(url("index")).context["ledgers"] == []
