"""The plan, measures, coverage and history pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fenlei.core.testing.world import PASSWORD
from fenlei.inspections.plan import make_plan
from fenlei.inspections.tests.test_measures import place

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.login(username=user.username, password=PASSWORD)
    client.cookies["fenlei_language"] = "en"
    return client


def test_plan_today_lists_the_inspectors_targets(client, world, now):
    place(world)
    make_plan(day=now.date(), area=world.street_a, by=None)
    response = client_for(client, world.ian).get(reverse("inspections:plan-today"))
    assert response.status_code == 200
    assert "甲一花园" in response.content.decode()
    assert len(response.context["entries"]) == 4


def test_make_plan_posts_and_redirects(client, world, now):
    response = client_for(client, world.sam).post(
        reverse("inspections:plan-make"), {"area": world.street_a.pk, "day": "2026-06-16"}
    )
    assert response.status_code == 302


def test_bad_day_is_400_naming_the_field(client, world, now):
    response = client_for(client, world.sam).post(
        reverse("inspections:plan-make"), {"area": world.street_a.pk}
    )
    assert response.status_code == 400
    assert "Day" in response.content.decode()


def test_measures_page(client, world, now):
    response = client_for(client, world.sam).get(
        reverse("inspections:measures"), {"area": world.street_a.pk, "period": "2026-06"}
    )
    assert response.status_code == 200
    assert response.context["m"].area == world.street_a


def test_measures_bad_period_is_400(client, world, now):
    response = client_for(client, world.sam).get(reverse("inspections:measures"), {"period": "2026-13"})
    assert response.status_code == 400
    assert "is not a period code" in response.content.decode()


def test_coverage_page(client, world, now):
    response = client_for(client, world.alice).get(reverse("inspections:coverage"), {"target_type": "site"})
    assert response.status_code == 200
    assert response.context["c"].total.targets == 8


def test_history_of_an_unknown_kind_is_404(client, world, now):
    response = client_for(client, world.alice).get(reverse("inspections:target-history", args=["ship", 1]))
    assert response.status_code == 404
