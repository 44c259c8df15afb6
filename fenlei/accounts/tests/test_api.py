"""The accounts API: me, users and role assignments, with the personas."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from fenlei.accounts import services
from fenlei.accounts.models import RoleAssignment, User
from fenlei.accounts.tests.test_views import entries, make_other_district
from fenlei.core.models import AuditAction
from fenlei.core.roles import Role
from fenlei.core.testing.world import PERSONAS

ME = "/api/accounts/me/"
USERS = "/api/accounts/users/"
ASSIGNMENTS = "/api/accounts/assignments/"
NOT_MANAGERS = [p for p in PERSONAS if p != "alice"]


@pytest.mark.parametrize("url", [ME, USERS, ASSIGNMENTS])
def test_anonymous_is_refused(world, url):
    assert APIClient().get(url).status_code in (401, 403)


@pytest.mark.parametrize("name", PERSONAS)
def test_me(world, api_for, name):
    response = api_for(name).get(ME)
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == name
    held = world.users[name].role_assignments.filter(active=True)
    assert [r["role"] for r in data["roles"]] == [a.role for a in held]
    assert [r["target"]["id"] for r in data["roles"]] == [a.target.pk for a in held]


def test_me_shows_target_kind_and_name(world, api_for):
    (role,) = api_for("ada").get(ME).json()["roles"]
    assert role["role"] == Role.AUTHORITY
    assert role["target"] == {"kind": "authority", "id": world.education.pk, "name": "区教育局"}


@pytest.mark.parametrize("name", NOT_MANAGERS)
def test_users_and_assignments_are_for_the_district_office(world, api_for, name):
    client = api_for(name)
    assert client.get(USERS).status_code == 403
    assert client.get(f"{USERS}{world.sam.pk}/").status_code == 403
    assert client.get(ASSIGNMENTS).status_code == 403
    assert client.post(USERS, {"username": "x"}).status_code == 403
    assignment = world.sam.role_assignments.get()
    assert client.delete(f"{ASSIGNMENTS}{assignment.pk}/").status_code == 403


def test_users_list_and_scope(world, api_for):
    other = make_other_district()
    User.objects.create_superuser(username="root", password="x-Very-long-2030")
    client = api_for("alice")
    response = client.get(USERS, {"page_size": 100})
    assert response.status_code == 200
    names = {u["username"] for u in response.json()["results"]}
    assert set(PERSONAS) <= names
    assert not names & {"dora", "otto", "root"}
    sam = next(u for u in response.json()["results"] if u["username"] == "sam")
    assert sam["roles"][0]["target"]["name"] == "甲街道"
    assert "password" not in sam
    assert client.get(f"{USERS}{other['otto'].pk}/").status_code == 404
    assert client.patch(f"{USERS}{other['otto'].pk}/", {"display_name": "X"}).status_code == 404
    assert [u["username"] for u in client.get(USERS, {"q": "sa"}).json()["results"]] == ["sam"]


def test_user_create_update_set_password(world, api_for):
    client = api_for("alice")
    response = client.post(
        USERS, {"username": "zoe", "display_name": "Zoe", "password": "123"}, format="json"
    )
    assert response.status_code == 400 and "password" in response.json()
    response = client.post(
        USERS, {"username": "zoe", "display_name": "Zoe", "password": "Api-created-2026"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["roles"] == []
    zoe = User.objects.get(username="zoe")
    assert zoe.check_password("Api-created-2026")
    create = entries(zoe, AuditAction.CREATE).get()
    assert create.user == world.alice and create.face == "api"
    assert client.post(USERS, {"username": "zoe"}, format="json").status_code == 400

    response = client.patch(f"{USERS}{zoe.pk}/", {"organisation": "区分类办"}, format="json")
    assert response.status_code == 200
    assert entries(zoe, AuditAction.UPDATE).get().changes == {"organisation": ["", "区分类办"]}
    assert client.patch(f"{USERS}{zoe.pk}/", {"password": "x"}, format="json").status_code == 400

    url = f"{USERS}{zoe.pk}/set-password/"
    assert client.post(url, {"password": "short"}, format="json").status_code == 400
    assert client.post(url, {"password": "Api-changed-2027"}, format="json").status_code == 204
    zoe.refresh_from_db()
    assert zoe.check_password("Api-changed-2027")
    history = client.get(f"{USERS}{zoe.pk}/history/").json()
    assert history["count"] == 3
    assert client.delete(f"{USERS}{zoe.pk}/").status_code == 405


def test_assignments_list_and_filters(world, api_for):
    make_other_district()
    client = api_for("alice")
    data = client.get(ASSIGNMENTS, {"page_size": 100}).json()
    users = {a["user"]["username"] for a in data["results"]}
    assert users == {"alice", "leo", "sam", "cora", "ada", "ian", "hal", "mia", "olly"}
    (sam,) = client.get(ASSIGNMENTS, {"user": world.sam.pk}).json()["results"]
    assert sam["role"] == Role.STREET_ADMIN and sam["target"]["kind"] == "area" and sam["active"]
    assert client.get(ASSIGNMENTS, {"active": "false"}).json()["count"] == 0


def test_assign_and_unassign_through_the_api(world, api_for):
    client = api_for("alice")
    response = client.post(
        ASSIGNMENTS,
        {"user": world.nina.pk, "role": Role.SITE_MANAGER, "target": world.sites["a2_open"].pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["user"]["username"] == "nina" and data["target"]["name"] == "甲二小区"
    assignment = RoleAssignment.objects.get(pk=data["id"])
    assert entries(assignment, AuditAction.ASSIGN).get().face == "api"
    # nina now sees what a site manager sees
    assert api_for("nina").get(ME).json()["roles"][0]["role"] == Role.SITE_MANAGER
    # the same again is refused by the model
    again = client.post(
        ASSIGNMENTS,
        {"user": world.nina.pk, "role": Role.SITE_MANAGER, "target": world.sites["a2_open"].pk},
        format="json",
    )
    assert again.status_code == 400
    assert client.delete(f"{ASSIGNMENTS}{assignment.pk}/").status_code == 204
    assignment.refresh_from_db()
    assert not assignment.active
    assert entries(assignment, AuditAction.UNASSIGN).count() == 1
    assert client.delete(f"{ASSIGNMENTS}{assignment.pk}/").status_code == 404
    assert client.get(f"{ASSIGNMENTS}{assignment.pk}/").json()["active"] is False


def test_assignments_outside_the_scope(world, api_for):
    other = make_other_district()
    client = api_for("alice")
    cases = [
        ({"user": world.nina.pk, "role": Role.STREET_ADMIN, "target": other["street"].pk}, "target"),
        ({"user": other["otto"].pk, "role": Role.STREET_ADMIN, "target": world.street_a.pk}, "user"),
        ({"user": world.nina.pk, "role": Role.STREET_ADMIN, "target": world.community_a1.pk}, "target"),
        ({"user": world.nina.pk, "role": "emperor", "target": world.district.pk}, "role"),
    ]
    for body, field in cases:
        response = client.post(ASSIGNMENTS, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert not RoleAssignment.objects.filter(user=world.nina).exists()
    otto_role = other["otto_role"]
    assert client.get(f"{ASSIGNMENTS}{otto_role.pk}/").status_code == 404
    assert client.delete(f"{ASSIGNMENTS}{otto_role.pk}/").status_code == 404
    otto_role.refresh_from_db()
    assert otto_role.active


def _count(client, url):
    client.get(url)  # the first request caches the caller's own assignments on its user object
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"page_size": 500}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [USERS, ASSIGNMENTS])
def test_list_query_counts_do_not_grow(world, api_for, url):
    client = api_for("alice")

    def add(n, offset):
        for i in range(n):
            user = User.objects.create_user(username=f"u{offset + i}")
            services.assign(user=user, role=Role.COMMUNITY_ADMIN, target=world.community_a2, by=None)
            services.assign(user=user, role=Role.HAULER, target=world.other_hauler, by=None)
            services.assign(user=user, role=Role.SITE_MANAGER, target=world.sites["a1_school"], by=None)

    add(2, 0)
    small = _count(client, url)
    add(20, 100)
    assert _count(client, url) == small
