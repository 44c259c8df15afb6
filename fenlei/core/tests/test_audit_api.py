"""The audit-log API: the district office reads the log of its own scope, nobody else reads it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from fenlei.accounts import services as account_services
from fenlei.accounts.models import RoleAssignment, User
from fenlei.core import audit
from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.core.roles import Role
from fenlei.core.testing.world import PERSONAS
from fenlei.org import services as org
from fenlei.org.models import Area, Site

AUDIT = "/api/core/audit/"


def test_anonymous_is_refused(world):
    assert APIClient().get(AUDIT).status_code in (401, 403)


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "alice"])
def test_only_the_district_office_reads_the_log(world, api_for, name):
    client = api_for(name)
    assert client.get(AUDIT).status_code == 403
    entry = AuditEntry.objects.first()
    assert client.get(f"{AUDIT}{entry.pk}/").status_code == 403


def test_alice_reads_the_log_of_her_district(world, api_for):
    client = api_for("alice")
    response = client.get(AUDIT, {"page_size": 1000})
    assert response.status_code == 200
    data = response.json()
    in_scope = AuditEntry.objects.exclude(area_path="").filter(area_path__startswith=world.district.path)
    assert data["count"] == in_scope.count() > 0
    first = data["results"][0]
    assert set(first) >= {
        "timestamp",
        "user",
        "user_repr",
        "face",
        "action",
        "object_type",
        "object_repr",
        "changes",
        "note",
    }
    site = world.sites["a1_estate"]
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Site), object_id=str(site.pk)
    )
    detail = client.get(f"{AUDIT}{entry.pk}/").json()
    assert detail["object_type"] == "org.site" and detail["object_repr"] == "甲一花园"
    assert detail["action"] == AuditAction.CREATE and detail["changes"]["name"] == [None, "甲一花园"]


def test_entries_outside_the_scope_are_hidden(world, api_for):
    west = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    outside = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Area), object_id=str(west.pk)
    )
    client = api_for("alice")
    assert client.get(f"{AUDIT}{outside.pk}/").status_code == 404
    ids = {e["id"] for e in client.get(AUDIT, {"page_size": 1000}).json()["results"]}
    assert outside.pk not in ids


def test_filters(world, api_for):
    client = api_for("alice")
    account_services.assign(
        user=world.nina, role=Role.COMMUNITY_ADMIN, target=world.community_b1, by=world.alice
    )
    assigned = client.get(AUDIT, {"action": AuditAction.ASSIGN, "user": "alice"}).json()
    # One entry on the assignment, one on the user (filed under the user's first role's area).
    assert assigned["count"] == 2
    assert {r["user"] for r in assigned["results"]} == {world.alice.pk}
    assert {r["object_type"] for r in assigned["results"]} == {"accounts.roleassignment", "accounts.user"}
    ct = ContentType.objects.get_for_model(RoleAssignment)
    by_type = client.get(AUDIT, {"content_type": ct.pk, "page_size": 1000}).json()["results"]
    assert by_type and {e["object_type"] for e in by_type} == {"accounts.roleassignment"}
    assert client.get(AUDIT, {"q": "乙一社区", "page_size": 1000}).json()["count"] >= 2
    assert client.get(AUDIT, {"face": Face.API}).json()["count"] == 0
    assert client.get(AUDIT, {"action": "nonsense"}).status_code == 400


def test_list_query_count_does_not_grow(world, api_for):
    client = api_for("alice")
    user = User.objects.get(username="sam")

    def count():
        client.get(AUDIT)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(AUDIT, {"page_size": 1000}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    with transaction.atomic():
        audit.log_bulk(list(Site.objects.all()) * 10, AuditAction.UPDATE, by=user, note="bulk")
    assert count() == small
