"""Ledger freshness under frozen time: last touch per unit and ledger, stale after N days."""

import datetime

import time_machine
from django.urls import reverse

from fenlei.core import services
from fenlei.facilities.models import DropOffPoint
from fenlei.org.freshness import freshness, ledgers

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def _point(area, name):
    p = DropOffPoint(name=name, area=area)
    return services.create(p, by=None)


def test_freshness(world, settings):
    settings.FENLEI_STALE_DAYS = 90
    assert DropOffPoint in ledgers()
    with time_machine.travel(T0, tick=False):
        _point(world.community_a1, "旧点")
    with time_machine.travel(T0 + datetime.timedelta(days=100), tick=False):
        _point(world.community_a2, "新点")
        models, rows = freshness(world.sam)
        col = models.index(DropOffPoint)
        by_name = {r.area.name: r for r in rows}
        assert list(by_name) == ["甲一社区", "甲二社区"]
        assert by_name["甲一社区"].last[col] == T0 and by_name["甲一社区"].stale[col]
        assert not by_name["甲二社区"].stale[col]
        models, rows = freshness(world.alice)
        assert {r.area.name: r.last[models.index(DropOffPoint)] for r in rows}["乙一社区"] is None
        # closing a record is a touch too
        services.close(DropOffPoint.objects.get(name="旧点"), by=None)
        models, rows = freshness(world.sam)
        assert not {r.area.name: r for r in rows}["甲一社区"].stale[col]


def test_page(world, client_for):
    _point(world.community_a1, "点")
    r = client_for("sam").get(reverse("org:freshness"), {"stale": "1"})
    assert r.status_code == 200
    assert [row.area.name for row in r.context["rows"]] == [
        "甲一社区",
        "甲二社区",
    ]  # other ledgers never touched
    assert client_for("hal").get(reverse("org:freshness")).status_code == 403


def test_a_unit_is_only_asked_for_the_ledgers_it_can_hold(world):
    from fenlei.facilities.models import TerminalFacility, Vehicle
    from fenlei.org.choices import AreaLevel
    from fenlei.people.models import KitchenWasteGroup

    communities, _rows = freshness(world.alice)
    streets, _rows = freshness(world.alice, level=AreaLevel.STREET)
    # vehicles sit at the district, plants at the district or a street: a community is asked for neither
    assert Vehicle not in communities and Vehicle not in streets
    assert TerminalFacility not in communities and TerminalFacility in streets
    # a street keeps its kitchen-waste group; a community keeps none
    assert KitchenWasteGroup in streets and KitchenWasteGroup not in communities
    assert DropOffPoint in communities and DropOffPoint in streets
