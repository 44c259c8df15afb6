"""The structure's REST API: the permission matrix per persona, bad input, audit, tokens, moves,
and flat query counts on every list."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fenlei.accounts import services as account_services
from fenlei.accounts.models import User
from fenlei.core.audit import history
from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.core.roles import Role
from fenlei.core.testing.world import PERSONAS
from fenlei.org import services as org
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_throttles(settings):
    # The fixture world hashes ten passwords; the default hasher makes that take seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the anonymous throttle counts in the cache, across tests


@pytest.fixture
def api_for(api_for):
    """The shared fixture, but one client per persona per test: each new client loads the middleware
    again, and WhiteNoise then walks every static file (a tenth of a second per client)."""
    made = {}

    def make(name):
        if name not in made:
            made[name] = api_for(name)
        return made[name]

    return make


def url(name: str, *args) -> str:
    return reverse(f"org-api:{name}", args=args)


def kind(code: str) -> SiteKind:
    return SiteKind.objects.get(code=code)


def status_of(client, method: str, target: str, data=None) -> int:
    """The status of one request, undone afterwards so that every persona meets the same world."""
    with transaction.atomic():
        response = getattr(client, method)(target, data, format="json")
        transaction.set_rollback(True)
    return response.status_code


def matrix(api_for, method: str, target: str, data=None) -> dict[str, int]:
    got = {name: status_of(api_for(name), method, target, data) for name in PERSONAS}
    assert status_of(api_for(None), method, target, data) in (401, 403), "anonymous must be refused"
    return got


def expect(**statuses) -> dict[str, int]:
    """The expected statuses, persona by persona (every persona must be named)."""
    assert set(statuses) == set(PERSONAS)
    return statuses


@pytest.fixture
def extra(world):
    """Rows with nothing under them, so that closing them is allowed: an empty community of 甲街道
    and an authority overseeing no site."""
    empty = org.area_create(area=Area(name="甲三社区", kind="community", parent=world.street_a), by=None)
    spare = org.authority_create(
        authority=Authority(name="区商务局", sector="商务", district=world.district), by=None
    )
    return {"empty_community": empty, "spare_authority": spare}


# --- the permission matrix -----------------------------------------------------------------------


def test_areas_matrix(world, api_for, extra):
    a1 = world.community_a1
    assert matrix(api_for, "get", url("area-list")) == dict.fromkeys(PERSONAS, 200)
    assert matrix(api_for, "get", url("area-detail", a1.pk)) == expect(
        alice=200, leo=200, sam=200, cora=200, ada=404, ian=200, hal=404, mia=404, olly=404, nina=404
    )
    new_community = {"name": "甲九社区", "kind": "community", "parent": world.street_a.pk}
    assert matrix(api_for, "post", url("area-list"), new_community) == expect(
        alice=201, leo=403, sam=201, cora=403, ada=403, ian=403, hal=403, mia=403, olly=404, nina=403
    )
    assert matrix(api_for, "patch", url("area-detail", a1.pk), {"households": 1100}) == expect(
        alice=200, leo=403, sam=200, cora=200, ada=404, ian=403, hal=404, mia=404, olly=404, nina=404
    )
    assert matrix(api_for, "post", url("area-close", extra["empty_community"].pk)) == expect(
        alice=200, leo=403, sam=200, cora=404, ada=404, ian=403, hal=404, mia=404, olly=404, nina=404
    )


def test_close_needs_the_close_action_over_the_parent(world, api_for, extra):
    # A street administrator closes a community of its street, but not its own street;
    # a community administrator closes nothing, not even its own community.
    assert status_of(api_for("sam"), "post", url("area-close", extra["empty_community"].pk)) == 200
    assert status_of(api_for("sam"), "post", url("area-close", world.street_a.pk)) == 403
    assert status_of(api_for("cora"), "post", url("area-close", world.community_a1.pk)) == 403
    assert (
        status_of(
            api_for("sam"), "post", url("area-move", world.community_a1.pk), {"new_parent": world.street_a.pk}
        )
        == 200
    )  # same parent: nothing to do
    assert (
        status_of(
            api_for("cora"),
            "post",
            url("area-move", world.community_a1.pk),
            {"new_parent": world.street_a.pk},
        )
        == 403
    )


def test_adding_needs_the_add_action_over_the_parent(world, api_for):
    # olly (street admin of 乙街道) also reads the whole district: 甲街道 is visible but not his to add to.
    account_services.assign(user=world.olly, role=Role.DISTRICT_LEADER, target=world.district, by=None)
    olly = api_for("olly")
    body = {"name": "甲九社区", "kind": "community"}
    assert status_of(olly, "post", url("area-list"), {**body, "parent": world.street_a.pk}) == 403
    assert status_of(olly, "post", url("area-list"), {**body, "parent": world.street_b.pk}) == 201
    # a street admin may add communities under its street, but not streets under the district
    sam = api_for("sam")
    assert (
        status_of(
            sam, "post", url("area-list"), {"name": "丙街道", "kind": "street", "parent": world.district.pk}
        )
        == 404
    )
    assert status_of(sam, "post", url("area-list"), {"name": "丙街道", "kind": "street"}) == 403  # a root
    assert status_of(sam, "post", url("area-list"), {**body, "parent": 999999}) == 404
    # moving: the close action over the current parent, the add action over the new one
    assert (
        status_of(olly, "post", url("area-move", world.community_a1.pk), {"new_parent": world.street_b.pk})
        == 403
    )
    assert (
        status_of(olly, "post", url("area-move", world.community_b1.pk), {"new_parent": world.street_a.pk})
        == 403
    )
    assert (
        status_of(
            api_for("sam"), "post", url("area-move", world.community_a1.pk), {"new_parent": world.street_b.pk}
        )
        == 403  # the area is in sam's scope; the place it would go is not
    )


def test_sites_matrix(world, api_for):
    estate = world.sites["a1_estate"]
    assert matrix(api_for, "get", url("site-list")) == dict.fromkeys(PERSONAS, 200)
    assert matrix(api_for, "get", url("site-detail", estate.pk)) == expect(
        alice=200, leo=200, sam=200, cora=200, ada=404, ian=200, hal=404, mia=200, olly=404, nina=404
    )
    new_site = {
        "name": "甲一新苑",
        "kind": kind("managed-estate").pk,
        "community": world.community_a1.pk,
        "households": 10,
        "population": 30,
    }
    assert matrix(api_for, "post", url("site-list"), new_site) == expect(
        alice=201, leo=403, sam=201, cora=201, ada=403, ian=403, hal=403, mia=403, olly=404, nina=403
    )
    assert matrix(
        api_for, "patch", url("site-detail", estate.pk), {"responsible_person": "王经理"}
    ) == expect(alice=200, leo=403, sam=200, cora=200, ada=404, ian=403, hal=404, mia=200, olly=404, nina=404)
    assert matrix(api_for, "post", url("site-close", estate.pk)) == expect(
        alice=200, leo=403, sam=200, cora=200, ada=404, ian=403, hal=404, mia=403, olly=404, nina=404
    )


def test_authorities_matrix(world, api_for, extra):
    education = world.education
    assert matrix(api_for, "get", url("authority-list")) == dict.fromkeys(PERSONAS, 200)
    # Authorities and hauliers are registered with the district: viewable from every area below it.
    assert matrix(api_for, "get", url("authority-detail", education.pk)) == expect(
        alice=200, leo=200, sam=200, cora=200, ada=200, ian=200, hal=404, mia=404, olly=200, nina=404
    )
    # cora's role grants "add" on authorities but she cannot see the district they belong to: 404
    new_authority = {"name": "区文旅局", "sector": "文旅", "district": world.district.pk}
    assert matrix(api_for, "post", url("authority-list"), new_authority) == expect(
        alice=201, leo=403, sam=403, cora=403, ada=403, ian=403, hal=403, mia=403, olly=403, nina=403
    )
    assert matrix(
        api_for, "patch", url("authority-detail", education.pk), {"phone": "0571-1234 5678"}
    ) == expect(alice=200, leo=403, sam=403, cora=403, ada=403, ian=403, hal=404, mia=404, olly=403, nina=404)
    assert matrix(api_for, "post", url("authority-close", extra["spare_authority"].pk)) == expect(
        alice=200, leo=403, sam=403, cora=403, ada=404, ian=403, hal=404, mia=404, olly=403, nina=404
    )


def test_hauliers_matrix(world, api_for):
    hauler = world.hauler
    assert matrix(api_for, "get", url("hauler-list")) == dict.fromkeys(PERSONAS, 200)
    assert matrix(api_for, "get", url("hauler-detail", hauler.pk)) == expect(
        alice=200, leo=200, sam=200, cora=200, ada=404, ian=200, hal=200, mia=404, olly=200, nina=404
    )
    assert status_of(api_for("hal"), "get", url("hauler-detail", world.other_hauler.pk)) == 404
    new_hauler = {"name": "新运环卫", "district": world.district.pk, "licence_no": "HZ-2026-001"}
    assert matrix(api_for, "post", url("hauler-list"), new_hauler) == expect(
        alice=201, leo=403, sam=403, cora=403, ada=403, ian=403, hal=403, mia=403, olly=403, nina=403
    )
    assert matrix(api_for, "patch", url("hauler-detail", hauler.pk), {"phone": "0571-2222 3333"}) == expect(
        alice=200, leo=403, sam=403, cora=403, ada=404, ian=403, hal=200, mia=404, olly=403, nina=404
    )
    assert matrix(api_for, "post", url("hauler-close", hauler.pk)) == expect(
        alice=200, leo=403, sam=403, cora=403, ada=404, ian=403, hal=403, mia=404, olly=403, nina=404
    )


def test_site_kinds_are_read_only_reference_data(world, api_for):
    school = kind("school")
    for name in PERSONAS:
        if name == "nina":  # no role at all: reference data is for the roles
            assert api_for(name).get(url("sitekind-list")).json()["count"] == 0
            continue
        client = api_for(name)
        assert client.get(url("sitekind-list")).json()["count"] == SiteKind.objects.count()
        assert client.get(url("sitekind-detail", school.pk)).json()["code"] == "school"
    assert (
        api_for("alice").post(url("sitekind-list"), {"code": "x", "name": "x"}, format="json").status_code
        == 405
    )
    assert (
        api_for("alice").patch(url("sitekind-detail", school.pk), {"name": "x"}, format="json").status_code
        == 405
    )


def test_lists_hold_what_each_persona_may_see(world, api_for):
    def names(name, route, query=""):
        return sorted(r["name"] for r in api_for(name).get(url(route) + query).json()["results"])

    assert names("sam", "area-list") == ["甲一社区", "甲二社区", "甲街道"]
    assert names("cora", "area-list") == ["甲一社区"]
    assert names("ada", "area-list") == []
    # an authority sees the institutions of its sector across streets, and nothing else
    assert names("ada", "site-list") == ["乙一中学", "甲一小学"]
    assert names("mia", "site-list") == ["甲一花园"]
    assert names("hal", "hauler-list") == ["绿洁环卫"]
    assert names("ada", "authority-list") == ["区教育局"]
    assert names("alice", "site-list", f"?street={world.street_b.pk}") == [
        "乙一中学",
        "乙一花园",
        "乙二卫生院",
        "乙二村民小组",
    ]
    assert names("alice", "area-list", "?kind=village") == ["乙二村"]
    # a community outside the caller's scope is not a valid filter value
    response = api_for("sam").get(url("site-list") + f"?community={world.community_b1.pk}")
    assert response.status_code == 400 and "community" in response.json()


def test_an_authority_cannot_change_its_institutions(world, api_for):
    school = world.sites["a1_school"]
    ada = api_for("ada")
    assert ada.get(url("site-detail", school.pk)).json()["authority"]["name"] == "区教育局"
    assert ada.patch(url("site-detail", school.pk), {"households": 1}, format="json").status_code == 403
    assert ada.post(url("site-close", school.pk), format="json").status_code == 403
    school.refresh_from_db()
    assert school.households == 0 and school.closed_on is None


def test_a_site_manager_edits_its_site_where_it_is(world, api_for):
    estate = world.sites["a1_estate"]
    mia = api_for("mia")
    response = mia.patch(url("site-detail", estate.pk), {"community": world.community_a2.pk}, format="json")
    assert response.status_code == 403
    response = mia.patch(
        url("site-detail", estate.pk),
        {"community": world.community_a1.pk, "responsible_phone": "139 0000 0000"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    estate.refresh_from_db()
    assert (estate.community_id, estate.responsible_phone) == (world.community_a1.pk, "139 0000 0000")
    # the street admin may move it between the communities of its street
    sam = api_for("sam")
    assert (
        sam.patch(
            url("site-detail", estate.pk), {"community": world.community_a2.pk}, format="json"
        ).status_code
        == 200
    )
    estate.refresh_from_db()
    assert estate.area_path == world.community_a2.path
    assert (
        sam.patch(
            url("site-detail", estate.pk), {"community": world.community_b1.pk}, format="json"
        ).status_code
        == 403
    )


def test_a_hauler_changes_only_its_contact_fields(world, api_for):
    hal = api_for("hal")
    response = hal.patch(
        url("hauler-detail", world.hauler.pk), {"name": "绿洁", "phone": "0571-1111 2222"}, format="json"
    )
    assert response.status_code == 403
    world.hauler.refresh_from_db()
    assert (world.hauler.name, world.hauler.phone) == ("绿洁环卫", "")
    response = hal.patch(
        url("hauler-detail", world.hauler.pk),
        {"contact_person": "陈队长", "phone": "0571-1111 2222", "address": "东湖路 1 号"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["contact_person"] == "陈队长"
    # a PUT that repeats the other fields unchanged is a contact change too
    body = {**response.json(), "district": world.district.pk, "phone": "0571-3333 4444"}
    assert hal.put(url("hauler-detail", world.hauler.pk), body, format="json").status_code == 200
    assert (
        api_for("alice")
        .patch(url("hauler-detail", world.hauler.pk), {"name": "绿洁环卫公司"}, format="json")
        .status_code
        == 200
    )


# --- bad input -----------------------------------------------------------------------------------


def _counts():
    return Area.objects.count(), Site.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    "route, body, field",
    [
        ("area-list", lambda w: {"name": "甲一社区", "kind": "community", "parent": w.street_a.pk}, "name"),
        ("area-list", lambda w: {"name": "甲九街道", "kind": "street", "parent": w.street_a.pk}, "kind"),
        (
            "area-list",
            lambda w: {"name": "甲九社区", "kind": "community", "parent": w.street_a.pk, "population": -1},
            "population",
        ),
        (
            "site-list",
            lambda w: {"name": "甲一花园", "kind": kind("managed-estate").pk, "community": w.community_a1.pk},
            "name",
        ),
        (
            "site-list",
            lambda w: {
                "name": "甲一新苑",
                "kind": kind("managed-estate").pk,
                "community": w.community_a1.pk,
                "population": -5,
            },
            "population",
        ),
        ("site-list", lambda w: {"name": "甲一新苑", "kind": 999999, "community": w.community_a1.pk}, "kind"),
        (
            "site-list",
            lambda w: {
                "name": "甲一新苑",
                "kind": kind("managed-estate").pk,
                "community": w.community_a1.pk,
                "households": 300,
                "population": 100,
            },
            "population",
        ),
        (
            "site-list",
            lambda w: {"name": "甲一中学", "kind": kind("school").pk, "community": w.community_a1.pk},
            "authority",
        ),
        (
            "site-list",
            lambda w: {"name": "甲一新苑", "kind": kind("managed-estate").pk, "community": w.street_a.pk},
            "community",
        ),
    ],
)
def test_bad_input_is_a_400_on_the_field_and_writes_nothing(world, api_for, route, body, field):
    before = _counts()
    response = api_for("sam").post(url(route), body(world), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert response.json()[field] and all(isinstance(m, str) and m for m in response.json()[field])
    assert _counts() == before


def test_a_site_cannot_be_placed_in_a_closed_community(world, api_for, extra):
    closed = org.area_close(area=extra["empty_community"], by=None)
    before = _counts()
    response = api_for("sam").post(
        url("site-list"),
        {"name": "甲三花园", "kind": kind("managed-estate").pk, "community": closed.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "closed" in response.json()["community"][0] or "关" in response.json()["community"][0]
    assert _counts() == before


def test_service_refusals_are_400_and_write_nothing(world, api_for):
    sam = api_for("sam")
    before = _counts()
    response = sam.post(url("area-close", world.community_a2.pk), format="json")  # it still holds open sites
    assert response.status_code == 400 and response.json()["non_field_errors"]
    response = sam.patch(
        url("area-detail", world.community_a1.pk), {"parent": world.community_a2.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["parent"]  # use "move"
    response = sam.post(
        url("area-move", world.community_a1.pk), {"new_parent": world.community_a2.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["parent"]  # a community holds no community
    response = api_for("alice").post(url("authority-close", world.education.pk), format="json")
    assert response.status_code == 400  # it still oversees open schools
    assert _counts() == before
    assert (
        world.community_a2.closed_on is None
        and Authority.objects.get(pk=world.education.pk).closed_on is None
    )


# --- audit, tokens ---------------------------------------------------------------------------------


def _last_entry(obj) -> AuditEntry:
    return history(obj).first()


def test_every_write_is_audited_through_the_api_face(world, api_for):
    alice = api_for("alice")

    def check(response, model, action, status=200):
        assert response.status_code == status, response.json()
        obj = model.objects.get(pk=response.json()["id"])
        entry = _last_entry(obj)
        assert (entry.face, entry.action, entry.user_id) == (Face.API, action, world.alice.pk)
        return obj

    area = check(
        alice.post(
            url("area-list"),
            {"name": "甲九社区", "kind": "community", "parent": world.street_a.pk},
            format="json",
        ),
        Area,
        AuditAction.CREATE,
        201,
    )
    check(
        alice.patch(url("area-detail", area.pk), {"population": 12}, format="json"), Area, AuditAction.UPDATE
    )
    check(
        alice.post(url("area-move", area.pk), {"new_parent": world.street_b.pk}, format="json"),
        Area,
        AuditAction.MOVE,
    )
    check(alice.post(url("area-close", area.pk), {"note": "merged"}, format="json"), Area, AuditAction.CLOSE)
    check(alice.post(url("area-reopen", area.pk), format="json"), Area, AuditAction.REOPEN)

    site = check(
        alice.post(
            url("site-list"),
            {"name": "甲九花园", "kind": kind("managed-estate").pk, "community": area.pk},
            format="json",
        ),
        Site,
        AuditAction.CREATE,
        201,
    )
    check(
        alice.patch(url("site-detail", site.pk), {"households": 3}, format="json"), Site, AuditAction.UPDATE
    )
    check(alice.post(url("site-close", site.pk), format="json"), Site, AuditAction.CLOSE)
    check(alice.post(url("site-reopen", site.pk), format="json"), Site, AuditAction.REOPEN)

    authority = check(
        alice.post(url("authority-list"), {"name": "区文旅局", "district": world.district.pk}, format="json"),
        Authority,
        AuditAction.CREATE,
        201,
    )
    check(
        alice.patch(url("authority-detail", authority.pk), {"sector": "文旅"}, format="json"),
        Authority,
        AuditAction.UPDATE,
    )
    check(alice.post(url("authority-close", authority.pk), format="json"), Authority, AuditAction.CLOSE)

    hauler = check(
        alice.post(url("hauler-list"), {"name": "新运环卫", "district": world.district.pk}, format="json"),
        Hauler,
        AuditAction.CREATE,
        201,
    )
    check(
        alice.patch(url("hauler-detail", hauler.pk), {"phone": "0571-5555 6666"}, format="json"),
        Hauler,
        AuditAction.UPDATE,
    )
    check(alice.post(url("hauler-close", hauler.pk), format="json"), Hauler, AuditAction.CLOSE)

    # a PATCH that changes nothing writes nothing
    count = AuditEntry.objects.count()
    assert (
        alice.patch(url("hauler-detail", hauler.pk), {"phone": "0571-5555 6666"}, format="json").status_code
        == 200
    )
    assert AuditEntry.objects.count() == count


def test_history_lists_the_audit_entries(world, api_for):
    sam = api_for("sam")
    sam.patch(url("area-detail", world.community_a1.pk), {"households": 1001}, format="json")
    response = sam.get(url("area-history", world.community_a1.pk))
    assert response.status_code == 200
    actions = [e["action"] for e in response.json()["results"]]
    assert actions == [AuditAction.UPDATE, AuditAction.CREATE]
    assert response.json()["results"][0]["changes"] == {"households": [1000, 1001]}
    assert api_for("olly").get(url("area-history", world.community_a1.pk)).status_code == 404


def test_token_authentication(world):
    token = Token.objects.create(user=world.sam)
    client = APIClient()
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    response = client.get(url("area-list"), **auth)
    assert response.status_code == 200
    assert sorted(r["name"] for r in response.json()["results"]) == ["甲一社区", "甲二社区", "甲街道"]
    response = client.post(
        url("area-list"),
        {"name": "甲九社区", "kind": "community", "parent": world.street_a.pk},
        format="json",
        **auth,
    )
    assert response.status_code == 201
    entry = _last_entry(Area.objects.get(pk=response.json()["id"]))
    assert (entry.face, entry.user_id) == (Face.API, world.sam.pk)
    assert client.get(url("area-list"), HTTP_AUTHORIZATION="Token not-a-token").status_code in (401, 403)
    assert client.get(url("area-list")).status_code in (401, 403)


# --- reading: representations, closed rows, children -------------------------------------------------


def test_representation_is_brief_and_nested(world, api_for):
    site = api_for("sam").get(url("site-detail", world.sites["a1_school"].pk)).json()
    assert site["community"]["name"] == "甲一社区"
    assert site["community"]["url"].endswith(url("area-detail", world.community_a1.pk))
    assert site["street"]["name"] == "甲街道"
    assert site["kind"]["code"] == "school"
    assert site["authority"]["name"] == "区教育局"
    area = api_for("alice").get(url("area-detail", world.street_a.pk)).json()
    assert area["parent"]["id"] == world.district.pk and area["parent"]["kind"] == "district"
    assert (area["path"], area["depth"], area["kind"]) == (
        world.street_a.path,
        world.street_a.depth,
        "street",
    )
    assert area["children_count"] == 2
    a1 = api_for("alice").get(url("area-detail", world.community_a1.pk)).json()
    assert a1["sites_count"] == 2
    assert api_for("alice").get(url("authority-detail", world.education.pk)).json()["sites_count"] == 2


def test_closed_rows_are_found_by_detail_and_hidden_from_default_lists(world, api_for, extra):
    sam = api_for("sam")
    empty = extra["empty_community"]
    assert sam.post(url("area-close", empty.pk), format="json").status_code == 200
    assert sam.get(url("area-detail", empty.pk)).json()["closed_on"]
    names = [r["name"] for r in sam.get(url("area-list")).json()["results"]]
    assert "甲三社区" not in names
    names = [r["name"] for r in sam.get(url("area-list") + "?status=closed").json()["results"]]
    assert names == ["甲三社区"]
    children = sam.get(url("area-children", world.street_a.pk)).json()
    assert [r["name"] for r in children["results"]] == ["甲一社区", "甲二社区"]
    children = sam.get(url("area-children", world.street_a.pk) + "?status=all").json()
    assert children["count"] == 3
    assert sam.post(url("area-reopen", empty.pk), format="json").status_code == 200
    assert sam.get(url("area-detail", empty.pk)).json()["closed_on"] is None


def test_children_are_scoped_and_paginated(world, api_for):
    response = api_for("alice").get(url("area-children", world.district.pk) + "?page_size=1")
    assert response.status_code == 200
    assert response.json()["count"] == 2 and len(response.json()["results"]) == 1 and response.json()["next"]
    assert api_for("cora").get(url("area-children", world.street_a.pk)).status_code == 404
    assert api_for("sam").get(url("area-children", world.street_b.pk)).status_code == 404


# --- moving ------------------------------------------------------------------------------------------


def test_move_rewrites_the_paths_below(world, api_for):
    a1 = world.community_a1
    response = api_for("alice").post(
        url("area-move", a1.pk), {"new_parent": world.street_b.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    a1.refresh_from_db()
    assert a1.parent_id == world.street_b.pk and a1.path.startswith(world.street_b.path)
    assert response.json()["path"] == a1.path and response.json()["parent"]["id"] == world.street_b.pk
    assert set(Site.objects.filter(community=a1).values_list("area_path", flat=True)) == {a1.path}
    # the street admin of 甲街道 no longer sees it; the one of 乙街道 does
    assert api_for("sam").get(url("area-detail", a1.pk)).status_code == 404
    assert api_for("olly").get(url("site-detail", world.sites["a1_estate"].pk)).status_code == 200


def test_move_of_a_street_rewrites_every_descendant(world):
    root = User.objects.create_superuser(username="root", password="x")
    west = org.area_create(area=Area(name="西湖区", kind="district"), by=None)
    client = APIClient()
    client.force_authenticate(root)
    street = world.street_a
    old, depth = street.path, street.depth
    response = client.post(url("area-move", street.pk), {"new_parent": west.pk}, format="json")
    assert response.status_code == 200, response.json()
    street.refresh_from_db()
    assert street.path.startswith(west.path) and street.path != old and street.depth == depth
    for community in (world.community_a1, world.community_a2):
        community.refresh_from_db()
        assert community.path.startswith(street.path) and community.depth == depth + 1
    assert not Area.objects.filter(path__startswith=old).exists()
    assert not Site.objects.filter(area_path__startswith=old).exists()
    assert Site.objects.filter(area_path__startswith=street.path).count() == 4


# --- query counts ------------------------------------------------------------------------------------


def _add_areas(world, n):
    start = Area.objects.filter(parent=world.street_a).count()
    for i in range(n):
        org.area_create(
            area=Area(name=f"加{start + i}社区", kind="community", parent=world.street_a), by=None
        )


def _add_sites(world, n):
    kinds = [kind("managed-estate"), kind("restaurant"), kind("market")]
    start = Site.objects.count()
    for i in range(n):
        community = world.community_a1 if i % 2 else world.community_b1
        org.site_create(site=Site(name=f"加{start + i}", kind=kinds[i % 3], community=community), by=None)


def _add_authorities(world, n):
    start = Authority.objects.count()
    for i in range(n):
        org.authority_create(authority=Authority(name=f"加{start + i}局", district=world.district), by=None)


def _add_hauliers(world, n):
    start = Hauler.objects.count()
    for i in range(n):
        org.hauler_create(hauler=Hauler(name=f"加{start + i}环卫", district=world.district), by=None)


def _add_site_kinds(world, n):
    start = SiteKind.objects.count()
    for i in range(n):
        SiteKind.objects.create(code=f"extra-{start + i}", name=f"加{start + i}")


def _add_history(world, n):
    for _ in range(n):
        area = Area.objects.get(pk=world.community_a1.pk)
        org.area_update(area=area, by=world.alice, data={"households": area.households + 1})


@pytest.mark.parametrize(
    "route, target, add",
    [
        ("area-list", None, _add_areas),
        ("area-children", "street_a", _add_areas),
        ("area-history", "community_a1", _add_history),
        ("site-list", None, _add_sites),
        ("sitekind-list", None, _add_site_kinds),
        ("authority-list", None, _add_authorities),
        ("hauler-list", None, _add_hauliers),
    ],
)
def test_list_query_counts_do_not_grow_with_the_rows(world, api_for, route, target, add):
    client = api_for("alice")
    target_url = url(route, getattr(world, target).pk) if target else url(route)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target_url)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    measure()  # warm the caches (role assignments, content types)
    add(world, 2)
    few, count_few = measure()
    add(world, 8)
    many, count_many = measure()
    assert count_many == count_few + 8
    assert many == few, f"{route}: {few} queries for {count_few} rows, {many} for {count_many}"


# --- OpenAPI ---------------------------------------------------------------------------------------


def test_openapi_schema_of_the_org_api_has_no_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/org/", include("fenlei.org.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while describing /api/org/"
    create = schema["paths"]["/api/org/areas/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert schema["components"]["schemas"]["AreaRequest"]["properties"]["parent"]["type"] == "integer"
    assert "$ref" in str(schema["components"]["schemas"]["Area"]["properties"]["parent"])


def test_put_repeats_the_placement_and_changes_only_what_differs(world, api_for):
    sam = api_for("sam")
    a1 = world.community_a1
    body = {
        "name": "甲一社区",
        "kind": "community",
        "parent": world.street_a.pk,
        "households": 1200,
        "population": 2600,
    }
    count = AuditEntry.objects.count()
    response = sam.put(url("area-detail", a1.pk), body, format="json")
    assert response.status_code == 200, response.json()
    assert AuditEntry.objects.count() == count + 1
    assert set(_last_entry(a1).changes) == {"households", "population"}
    response = sam.put(
        url("site-detail", world.sites["a1_estate"].pk),
        {
            "name": "甲一花园",
            "kind": kind("managed-estate").pk,
            "community": a1.pk,
            "households": 210,
            "population": 500,
            "property_company": "甲一物业",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert set(_last_entry(world.sites["a1_estate"]).changes) == {"households"}


def test_django_admin_saves_through_the_services(world, client_for):
    root = User.objects.create_superuser(username="root", password="x")
    client = client_for(None)
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    for model in ("area", "site", "sitekind", "authority", "hauler"):
        assert client.get(f"/django-admin/org/{model}/").status_code == 200
        assert client.get(f"/django-admin/org/{model}/add/").status_code == 200
    assert client.get(f"/django-admin/org/area/{world.community_a1.pk}/change/").status_code == 200
    response = client.post(
        "/django-admin/org/area/add/",
        {
            "name": "甲九社区",
            "kind": "community",
            "parent": world.street_a.pk,
            "code": "",
            "households": 0,
            "population": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    area = Area.objects.get(name="甲九社区")
    assert area.path.startswith(world.street_a.path) and area.depth == world.street_a.depth + 1
    assert (_last_entry(area).action, _last_entry(area).face) == (AuditAction.CREATE, Face.WEB)
