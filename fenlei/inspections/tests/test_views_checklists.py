"""The checklist and quota pages: revising the items writes a new version; bad input is 400."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fenlei.core.testing.world import PASSWORD
from fenlei.inspections.models import ChecklistTemplate, InspectionQuota

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.login(username=user.username, password=PASSWORD)
    client.cookies["fenlei_language"] = "en"
    return client


def body(**extra):
    data = {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-code": "X1",
        "items-0-concern": "facilities",
        "items-0-text": "容器完好",
        "items-0-points": "10",
        "items-0-severity": "minor",
        "items-0-responsible": "site",
        "items-1-severity": "minor",
        "items-1-responsible": "site",
        "scoring": "points",
        "pass_mark": "60",
        "note": "换新",
    }
    data.update(extra)
    return data


def test_detail_groups_by_concern(client, world):
    template = ChecklistTemplate.objects.get(name="物业小区检查表")
    response = client_for(client, world.ian).get(template.get_absolute_url())
    assert response.status_code == 200
    assert [c for c, _items in response.context["groups"]][:2] == ["publicity", "facilities"]


def test_revise_writes_a_new_version(client, world):
    template = ChecklistTemplate.objects.get(name="投放点日常检查表")
    before = template.current.number
    response = client_for(client, world.alice).post(
        reverse("inspections:template-revise", args=[template.pk]), body()
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.current.number == before + 1
    assert [i.code for i in template.current.items.all()] == ["X1"]


def test_revise_row_missing_points_is_400(client, world):
    template = ChecklistTemplate.objects.get(name="投放点日常检查表")
    response = client_for(client, world.alice).post(
        reverse("inspections:template-revise", args=[template.pk]), body(**{"items-0-points": ""})
    )
    assert response.status_code == 400
    assert "Required for an item" in response.content.decode()


def test_street_may_not_revise(client, world):
    template = ChecklistTemplate.objects.get(name="投放点日常检查表")
    response = client_for(client, world.sam).get(reverse("inspections:template-revise", args=[template.pk]))
    assert response.status_code == 403


def test_quota_add_and_bad_value(client, world):
    c = client_for(client, world.alice)
    ok = c.post(
        reverse("inspections:quota-add"), {"area": world.street_a.pk, "target_type": "site", "per_month": "3"}
    )
    assert ok.status_code == 302 and InspectionQuota.objects.get().area_path == world.street_a.path
    bad = c.post(
        reverse("inspections:quota-add"),
        {"area": world.street_b.pk, "target_type": "site", "per_month": "99"},
    )
    assert bad.status_code == 400
