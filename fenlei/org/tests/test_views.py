"""The structure's HTML pages: scope, actions, forms, audit, and query counts of the tree pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenlei.core.models import AuditEntry, Face
from fenlei.org import services
from fenlei.org.models import Area, Authority, Site, SiteKind


def url(name, *args):
    return reverse(f"org:{name}", args=args)


def test_tree_pages_follow_scope(world, client_for):
    w = world
    assert client_for("alice").get(url("area-detail", w.district.pk)).status_code == 200
    assert client_for("sam").get(url("area-detail", w.district.pk)).status_code == 404
    assert client_for("sam").get(url("area-detail", w.street_a.pk)).status_code == 200
    assert client_for("sam").get(url("area-detail", w.street_b.pk)).status_code == 404
    assert client_for("cora").get(url("area-detail", w.community_a1.pk)).status_code == 200
    assert client_for("cora").get(url("area-detail", w.community_a2.pk)).status_code == 404
    assert client_for("mia").get(url("site-detail", w.sites["a1_estate"].pk)).status_code == 200
    assert client_for("mia").get(url("site-detail", w.sites["a2_open"].pk)).status_code == 404
    assert client_for("ada").get(url("site-detail", w.sites["b1_school"].pk)).status_code == 200
    assert client_for("ada").get(url("site-detail", w.sites["a1_estate"].pk)).status_code == 404
    assert client_for("nina").get(url("area-detail", w.street_a.pk)).status_code == 404
    anon = client_for(None).get(url("area-detail", w.street_a.pk))
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"]


def test_district_page_shows_children_with_counts(world, client_for):
    page = client_for("alice").get(url("area-detail", world.district.pk)).content.decode()
    assert "甲街道" in page and "乙街道" in page
    summary = client_for("alice").get(url("area-detail", world.district.pk)).context["summary"]
    assert (summary.streets, summary.communities, summary.sites) == (2, 4, 8)
    rows = {
        r.area.name: r
        for r in client_for("alice").get(url("area-detail", world.district.pk)).context["children"]
    }
    assert rows["甲街道"].communities == 2 and rows["甲街道"].sites == 4
    assert rows["甲街道"].households == 200 + 0 + 200 + 0


def test_breadcrumbs_link_only_where_visible(world, client_for):
    crumbs = client_for("cora").get(url("site-detail", world.sites["a1_estate"].pk)).context["breadcrumbs"]
    assert [c.label for c in crumbs] == ["东湖区", "甲街道", "甲一社区", "甲一花园"]
    assert [bool(c.url) for c in crumbs] == [False, False, True, False]


def test_actions_need_the_role(world, client_for):
    w = world
    assert client_for("leo").get(url("area-edit", w.street_a.pk)).status_code == 403
    assert client_for("cora").get(url("area-edit", w.community_a1.pk)).status_code == 200
    assert client_for("cora").get(url("area-close", w.community_a1.pk)).status_code == 403
    assert client_for("sam").get(url("area-close", w.community_a1.pk)).status_code == 200
    assert client_for("sam").get(url("area-close", w.street_a.pk)).status_code == 403
    assert client_for("sam").get(url("area-add", w.street_a.pk)).status_code == 200
    assert client_for("sam").get(url("area-add", w.district.pk)).status_code == 404
    assert client_for("mia").get(url("site-edit", w.sites["a1_estate"].pk)).status_code == 200
    assert client_for("mia").get(url("site-close", w.sites["a1_estate"].pk)).status_code == 403
    assert client_for("ada").get(url("site-edit", w.sites["a1_school"].pk)).status_code == 403


def _site_post(community, **extra):
    data = {
        "name": "新小区",
        "kind": SiteKind.objects.get(code="managed-estate").pk,
        "community": community.pk,
        "households": "300",
        "population": "800",
    }
    data.update(extra)
    return data


def test_add_site_through_the_form_is_audited_as_web(world, client_for):
    response = client_for("cora").post(url("site-add"), _site_post(world.community_a1))
    assert response.status_code == 302
    site = Site.objects.get(name="新小区")
    assert site.area_path == world.community_a1.path
    entry = AuditEntry.objects.get(object_id=str(site.pk), action="create", content_type__model="site")
    assert entry.face == Face.WEB and entry.user == world.cora


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": "甲一花园"}, "name"),
        ({"population": "-5"}, "population"),
        ({"kind": "999999"}, "kind"),
    ],
)
def test_bad_site_input_is_shown_next_to_the_field(world, client_for, extra, field):
    before = Site.objects.count()
    response = client_for("cora").post(url("site-add"), _site_post(world.community_a1, **extra))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'data-field="{field}"' in response.content.decode()
    assert Site.objects.count() == before


def test_site_in_closed_community_is_refused(world, client_for):
    community = services.area_create(
        area=Area(name="丙社区", kind="community", parent=world.street_a), by=None
    )
    services.area_close(area=community, by=None)
    response = client_for("alice").post(url("site-add"), _site_post(community))
    assert response.status_code == 400
    assert "community" in response.context["form"].errors
    assert not Site.objects.filter(name="新小区").exists()


def test_cora_cannot_place_a_site_in_another_community(world, client_for):
    response = client_for("cora").post(url("site-add"), _site_post(world.community_a2))
    assert response.status_code == 400
    assert "community" in response.context["form"].errors


def test_close_and_move_area_via_web(world, client_for):
    w = world
    r = client_for("sam").post(url("area-close", w.community_a1.pk), {"note": "merged"})
    assert r.status_code == 400  # still has open sites
    community = services.area_create(area=Area(name="丁社区", kind="community", parent=w.street_a), by=None)
    r = client_for("alice").post(
        url("area-move", community.pk), {"new_parent": w.street_b.pk, "note": "re-drawn"}
    )
    assert r.status_code == 302
    community.refresh_from_db()
    assert community.path.startswith(w.street_b.path)
    r = client_for("olly").post(url("area-close", community.pk), {"note": "merged"})
    assert r.status_code == 302
    community.refresh_from_db()
    assert community.closed_on is not None
    assert AuditEntry.objects.filter(object_id=str(community.pk), action="close", face=Face.WEB).exists()


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_tree_page_query_counts_do_not_grow_with_children(world, client_for):
    alice = client_for("alice")
    pages = [
        url("area-detail", world.district.pk),
        url("area-detail", world.street_a.pk),
        url("area-detail", world.community_a1.pk),
    ]
    before = [_queries(alice, p) for p in pages]
    kind = SiteKind.objects.get(code="managed-estate")
    for i in range(6):
        street = services.area_create(
            area=Area(name=f"新街道{i}", kind="street", parent=world.district), by=None
        )
        for j in range(3):
            c = services.area_create(
                area=Area(name=f"新社区{i}-{j}", kind="community", parent=street), by=None
            )
            services.site_create(site=Site(name=f"小区{i}-{j}", kind=kind, community=c), by=None)
        services.area_create(area=Area(name=f"甲新社区{i}", kind="community", parent=world.street_a), by=None)
        services.site_create(
            site=Site(name=f"甲一新小区{i}", kind=kind, community=world.community_a1), by=None
        )
    after = [_queries(alice, p) for p in pages]
    assert after == before


def test_search_is_scoped(world, client_for):
    found = client_for("sam").get(url("search"), {"q": "花园"}).context
    assert [s.name for s in found["sites"]] == ["甲一花园"]
    found = client_for("alice").get(url("search"), {"q": "花园"}).context
    assert sorted(s.name for s in found["sites"]) == ["乙一花园", "甲一花园"]


def test_site_list_count_equals_area_stat(world, client_for):
    page = client_for("sam").get(url("area-detail", world.street_a.pk))
    listing = client_for("sam").get(url("site-list"), {"within": world.street_a.pk})
    assert listing.context["page_obj"].paginator.count == page.context["summary"].sites == 4


def test_hauler_edits_its_own_contacts_on_the_web(world, client_for):
    hauler = world.hauler
    c = client_for("hal")
    form = c.get(url("hauler-edit", hauler.pk)).context["form"]
    assert form.fields["name"].disabled and not form.fields["phone"].disabled
    r = c.post(
        url("hauler-edit", hauler.pk), {"name": "改名", "phone": "0571-8888 6666", "contact_person": "陈"}
    )
    assert r.status_code == 302
    hauler.refresh_from_db()
    assert (hauler.name, hauler.phone) == ("绿洁环卫", "0571-8888 6666")


def test_site_manager_of_an_institution_saves_its_site(world, client_for):
    from fenlei.accounts import services as account_services
    from fenlei.core.roles import Role

    school = world.sites["a1_school"]
    account_services.assign(user=world.nina, role=Role.SITE_MANAGER, target=school, by=None)
    c = client_for("nina")
    form = c.get(url("site-edit", school.pk)).context["form"]
    assert form.fields["community"].disabled
    data = {
        "name": school.name,
        "kind": school.kind_id,
        "community": school.community_id,
        "households": "0",
        "population": "0",
        "authority": school.authority_id,
        "responsible_person": "张校长",
    }
    r = c.post(url("site-edit", school.pk), data)
    assert r.status_code == 302, r.context["form"].errors
    school.refresh_from_db()
    assert school.responsible_person == "张校长"


def test_moves_carry_role_assignments_along(world):
    from fenlei.accounts.models import RoleAssignment

    services.area_move(area=world.community_a1, new_parent=world.street_b, by=None)
    world.community_a1.refresh_from_db()
    mia = RoleAssignment.objects.get(user=world.mia)
    cora = RoleAssignment.objects.get(user=world.cora)
    assert cora.area_path == world.community_a1.path
    assert mia.area_path == world.community_a1.path
    site = world.sites["a1_estate"]
    services.site_update(site=site, by=None, data={"community": world.community_a2})
    mia.refresh_from_db()
    assert mia.area_path == world.community_a2.path


def test_a_closed_hauler_and_authority_are_reopened_by_the_office(world, client_for, api_for):
    hauler = services.hauler_close(hauler=world.hauler, by=None)
    page = client_for("alice").get(reverse("org:hauler-detail", args=[hauler.pk])).content.decode()
    assert reverse("org:hauler-reopen", args=[hauler.pk]) in page
    response = client_for("alice").post(reverse("org:hauler-reopen", args=[hauler.pk]), {"note": "续签"})
    assert response.status_code == 302
    hauler.refresh_from_db()
    assert hauler.closed_on is None
    entry = AuditEntry.objects.filter(object_id=hauler.pk, content_type__model="hauler").latest("pk")
    assert (entry.action, entry.face, entry.note) == ("reopen", Face.WEB, "续签")
    # the hauler's own account sees its page without the button
    services.hauler_close(hauler=hauler, by=None)
    page = client_for("hal").get(reverse("org:hauler-detail", args=[hauler.pk])).content.decode()
    assert reverse("org:hauler-reopen", args=[hauler.pk]) not in page
    authority = services.authority_create(
        authority=Authority(name="区城管局", sector="城管", district=world.district), by=None
    )
    services.authority_close(authority=authority, by=None)
    response = api_for("alice").post(
        reverse("org-api:authority-reopen", args=[authority.pk]), {}, format="json"
    )
    assert response.status_code == 200 and response.json()["closed_on"] is None
