"""The ledger list at scale: keys first, a flat number of queries, the same rows in the same order."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from fenlei.core import services
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.facilities.models import DropOffPoint

LIST = reverse("facilities:dropoff-list")


def _points(world, n: int, *, closed_every: int = 0) -> None:
    areas = [world.community_a1, world.community_a2, world.community_b1, world.village_b2]
    DropOffPoint.objects.bulk_create(
        DropOffPoint(
            area=areas[i % 4],
            area_path=areas[i % 4].path,
            name=f"{'花园' if i % 3 == 0 else '新村'}{i:03d}号点",
            address=f"{'Block A' if i % 5 == 0 else '北路'}{i}号",
            supervisor="王芳" if i % 7 == 0 else "李强",
            closed_on=datetime.date(2025, 1, 1) if closed_every and i % closed_every == 0 else None,
        )
        for i in range(n)
    )


def _names(response) -> list[str]:
    return re.findall(
        r'<td data-label="[^"]*"><a href="/facilities/dropoff/\d+/">([^<]+)</a>', response.content.decode()
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_show_the_scoped_rows_in_the_ledger_order(world, client_for):
    _points(world, 130, closed_every=10)
    client = client_for("sam")  # street A: communities a1 and a2
    expected = list(
        for_user(world.sam, Action.VIEW, DropOffPoint.objects.filter(closed_on__isnull=True)).values_list(
            "name", flat=True
        )
    )
    assert 50 < len(expected) <= 75  # three pages of 25
    with override_settings(FENLEI_PAGE_SIZE=25):
        shown = [name for page in (1, 2, 3) for name in _names(client.get(f"{LIST}?page={page}"))]
        last = client.get(f"{LIST}?page=last")
    assert shown == expected
    assert last.context["page_obj"].number == 3
    assert f'data-count="{len(expected)}"' in last.content.decode()
    assert client.get(f"{LIST}?page=4").status_code == 404


def test_query_count_does_not_grow_with_page_size_or_depth(world, client_for):
    _points(world, 240)
    client = client_for("alice")
    client.get(LIST)  # per-process caches
    counts = set()
    for size in (10, 50, 200):
        with override_settings(FENLEI_PAGE_SIZE=size):
            counts |= {_queries(client, LIST), _queries(client, f"{LIST}?page=last")}
    assert len(counts) == 1, counts
    with override_settings(FENLEI_PAGE_SIZE=10):
        assert _queries(client, f"{LIST}?street={world.street_a.pk}&page=3") == _queries(
            client, f"{LIST}?street={world.street_a.pk}"
        )


def test_search_finds_chinese_substrings_and_ignores_the_case_of_letters(world, client_for):
    _points(world, 60)
    client = client_for("alice")
    everything = DropOffPoint.objects.all()
    for words, expected in (
        ("花园", everything.filter(name__contains="花园")),
        ("王芳", everything.filter(supervisor="王芳")),
        ("block a", everything.filter(address__startswith="Block A")),
        ("BLOCK", everything.filter(address__startswith="Block A")),
    ):
        page = client.get(LIST, {"q": words})
        assert page.context["page_obj"].paginator.count == expected.count() > 0, words
        assert sorted(o.pk for o in page.context["object_list"]) == sorted(
            expected.values_list("pk", flat=True)
        )


def test_a_street_filter_stays_within_the_scope(world, client_for):
    _points(world, 40)
    client = client_for("sam")
    other = client.get(LIST, {"street": world.street_b.pk})  # not sam's: the filter refuses it
    assert all(o.area_path.startswith(world.street_a.path) for o in other.context["object_list"])
    own = client.get(LIST, {"street": world.street_a.pk})
    assert own.context["page_obj"].paginator.count == 20


def test_a_closed_row_is_marked_and_every_row_links_to_its_page(world, client_for):
    point = DropOffPoint(name="花园1号点", area=world.community_a1)
    services.create(point, by=world.alice)
    services.close(point, by=world.alice, on=datetime.date(2025, 1, 1))
    html = client_for("alice").get(LIST, {"open": "all"}).content.decode()
    assert (
        f'<tr class="closed"><td data-label="名称"><a href="{point.get_absolute_url()}">花园1号点</a> '
        in html
    )
