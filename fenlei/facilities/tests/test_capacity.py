"""The capacity check against hand-worked figures (DOMAIN.md's formula, default factors).

A site of 500 people: 500 × 1.0 kg × 1.12 × 1.03 = 576.8 kg a day. One 240 L bin holds
0.24 × 0.8 × 0.55 ÷ 1.2 = 0.088 t.
    wet        55 %  × 1 day   : 0.31724 ÷ 0.088 = 3.61  → 4 bins
    dry        35 %  × 1 day   : 0.20188 ÷ 0.088 = 2.29  → 3 bins
    recyclable  9 %  × 7 days  : 0.05191 ÷ 0.088 × 7 = 4.13 → 5 bins
    hazardous   1 %  × 30 days : 0.00577 ÷ 0.088 × 30 = 1.97 → 2 bins
200 households at one point per 400 households: 1 point.
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from fenlei.facilities import capacity
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.choices import AreaLevel
from fenlei.taxonomy.models import Category


def _container(world, code, volume, count, site="a1_estate"):
    site = world.sites[site]
    c = Container(
        area=site.community, site=site, category=Category.objects.get(code=code), volume_l=volume, count=count
    )
    c.full_clean()
    c.save()


@pytest.fixture
def equipped(world, settings):
    settings.FENLEI_SCHEME = "two_stream"
    _container(world, "food", 660, 1)
    _container(world, "food", 240, 1)
    _container(world, "residual", 240, 3)
    p = DropOffPoint(name="一号点", area=world.community_a1, site=world.sites["a1_estate"])
    p.full_clean()
    p.save()
    return world


def test_formula():
    assert capacity.bin_load_t() == pytest.approx(0.088)
    assert [capacity.bins_needed(500, s) for s in ("wet", "dry", "recyclable", "hazardous")] == [4, 3, 5, 2]
    assert (
        capacity.points_needed(200) == 1
        and capacity.points_needed(401) == 2
        and capacity.points_needed(0) == 0
    )


def test_site_rows(equipped):
    rows = {r.name: r for r in capacity.site_rows(equipped.alice)}
    estate = rows["甲一花园"]
    figures = {s.code: (s.needed, s.in_place, s.gap) for s in estate.streams}
    assert figures == {
        "wet": (4, 3.75, 0.25),
        "dry": (3, 3.0, 0),
        "recyclable": (5, 0, 5),
        "hazardous": (2, 0, 2),
    }
    assert (estate.points_needed, estate.points_in_place) == (1, 1)
    assert estate.short
    assert "甲一小学" not in rows  # no population: nothing to serve


def test_rollups_and_scope(equipped):
    rows = capacity.site_rows(equipped.sam)
    assert sorted(r.name for r in rows) == ["甲一花园", "甲二小区"]
    streets = capacity.rollup(rows, AreaLevel.STREET, user=equipped.sam)
    assert [(s.name, s.population, s.streams[0].needed, s.streams[0].in_place) for s in streets] == [
        ("甲街道", 1000, 8, 3.75)
    ]
    communities = {
        c.name: c
        for c in capacity.rollup(capacity.site_rows(equipped.alice), AreaLevel.COMMUNITY, user=equipped.alice)
    }
    assert communities["甲一社区"].streams[1].needed == 3 and communities["乙二村"].population == 500


def test_settings_change_the_answer(equipped, settings):
    settings.FENLEI_COLLECTION_DAYS = {**settings.FENLEI_COLLECTION_DAYS, "recyclable": 14}
    assert capacity.bins_needed(500, "recyclable") == 9


def test_page_and_export(equipped, client_for):
    r = client_for("sam").get(reverse("capacity:index"), {"level": "site", "short": "1"})
    assert r.status_code == 200 and [row.name for row in r.context["rows"]] == ["甲一花园", "甲二小区"]
    r = client_for("sam").get(reverse("capacity:export"), {"level": "street"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "甲街道" and values[1][2] == 1000
    assert client_for("hal").get(reverse("capacity:index")).status_code == 403
