"""Measures against a hand-worked example: records go in through `services.ingest`, the figures
come out of the totals (months from AreaMonth, edge days from AreaDay), and every expected number
below was worked out by hand from the records of `may_world`.

The records (kg), all of 绿洁环卫 (the device's haulier) unless said otherwise:

    甲一花园 (甲一社区, 甲街道)   2026-05-01 wet 300 · 05-31 wet 200 · 05-10 dry 400 · 05-20 recyclable 50
                                 2026-04-15 wet 400 · dry 400        2026-03-31 dry 111
                                 2025-05-20 wet 250 · dry 750        2026-06-01 wet 999
    甲二小区 (甲二社区, 甲街道)   2026-05-20 mixed 50
    乙一花园 (乙一社区, 乙街道)   2026-05-05 wet 1000 (清源运输, entered by the office)
"""

import datetime
import re

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from fenlei.collection import selectors, services
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import Baseline, ExpectedReport, ValidationRule
from fenlei.collection.selectors import Comparison, Window
from fenlei.collection.tests.conftest import row
from fenlei.core import services as core_services
from fenlei.core.periods import Period

MAY = Period.parse("2026-05")


def at(day: str) -> str:
    return f"{day}T08:00:00+08:00"


@pytest.fixture
def may_world(world, fleet):
    estate, open_estate = world.sites["a1_estate"], world.sites["a2_open"]
    rows = [
        row(estate, "wet", 300, at("2026-05-01")),
        row(estate, "wet", 200, at("2026-05-31")),
        row(estate, "dry", 400, at("2026-05-10")),
        row(estate, "recyclable", 50, at("2026-05-20")),
        row(estate, "wet", 400, at("2026-04-15")),
        row(estate, "dry", 400, at("2026-04-15")),
        row(estate, "dry", 111, at("2026-03-31")),
        row(estate, "wet", 250, at("2025-05-20")),
        row(estate, "dry", 750, at("2025-05-20")),
        row(estate, "wet", 999, at("2026-06-01")),
        row(open_estate, "mixed", 50, at("2026-05-20")),
    ]
    for i, r in enumerate(rows):
        r["client_id"] = f"m{i}"
    with translation.override("en"):
        result = services.ingest(
            rows, face=EntryFace.DEVICE, device=fleet.device, within=[fleet.device.area_path]
        )
        assert result.rejected == [] and result.accepted == len(rows)
        other = services.ingest(
            [row(world.sites["b1_estate"], "wet", 1000, at("2026-05-05"), hauler=world.other_hauler.pk)],
            face=EntryFace.FORM,
            by=world.alice,
        )
        assert other.rejected == [] and other.accepted == 1
    return world


def measure(user, period=MAY, **subject):
    s = selectors.subject_for(user, **subject)
    return selectors.measures(s, Comparison.of(period.start, period.end, period=period))


def kg_of(m):
    return {r.code: (r.kg, r.previous_kg, r.last_year_kg) for r in m.streams}


def test_tonnage_by_stream_with_both_comparisons(may_world):
    w = may_world
    m = measure(w.sam, area=w.street_a.pk)
    assert m.comparison.previous == Window(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert m.comparison.last_year == Window(datetime.date(2025, 5, 1), datetime.date(2025, 5, 31))
    by_stream = kg_of(m)
    assert by_stream["wet"] == (500, 400, 250)
    assert by_stream["dry"] == (400, 400, 750)
    assert by_stream["recyclable"] == (50, 0, 0)
    assert by_stream["hazardous"] == (0, 0, 0)
    assert by_stream["mixed"] == (50, 0, 0)
    assert (m.total.kg, m.total.previous_kg, m.total.last_year_kg) == (1000, 800, 1000)
    assert m.total.change == pytest.approx(25.0)  # (1000 − 800) ÷ 800
    assert m.total.change_last_year == pytest.approx(0.0)
    wet = next(r for r in m.streams if r.code == "wet")
    assert wet.change == pytest.approx(25.0) and wet.change_last_year == pytest.approx(100.0)
    dry = next(r for r in m.streams if r.code == "dry")
    assert dry.change_last_year == pytest.approx((400 - 750) / 750 * 100)  # −46.67 %
    recyclable = next(r for r in m.streams if r.code == "recyclable")
    assert recyclable.change is None  # nothing to compare with


def test_rates_and_per_capita(may_world):
    w = may_world
    rates = {r.key: r for r in measure(w.sam, area=w.street_a.pk).rates}
    # 厨余分出率 = wet ÷ (wet + dry + mixed) = 500 ÷ 950; April 400 ÷ 800; May 2025 250 ÷ 1000
    food = rates["food_share"]
    assert (food.value, food.previous, food.last_year) == pytest.approx((500 / 950, 0.5, 0.25))
    # 回收利用率 = (recyclable + wet) ÷ all = 550 ÷ 1000
    assert rates["recycling_rate"].value == pytest.approx(0.55)
    assert rates["recycling_rate"].previous == pytest.approx(0.5)
    # per resident and day: 1000 kg ÷ 5000 residents ÷ 31 days
    assert rates["per_capita"].value == pytest.approx(1000 / 5000 / 31)
    assert rates["per_capita"].previous == pytest.approx(800 / 5000 / 30)


def test_recycling_rate_follows_its_setting(may_world, settings):
    settings.FENLEI_RECYCLING_STREAMS = ["recyclable"]
    rates = {r.key: r for r in measure(may_world.sam, area=may_world.street_a.pk).rates}
    assert rates["recycling_rate"].value == pytest.approx(50 / 1000)


def test_reduction_against_the_areas_baselines(may_world):
    w = may_world
    for stream, kg_per_day in (("dry", 20), ("", 40)):
        core_services.create(
            Baseline(
                area=w.street_a, area_path=w.street_a.path, stream=stream, kg_per_day=kg_per_day, label="2019"
            ),
            by=w.alice,
        )
    reductions = {r.stream: r for r in measure(w.sam, area=w.street_a.pk).reductions}
    # dry: (20 − 400/31) ÷ 20; all streams: (40 − 1000/31) ÷ 40
    assert reductions["dry"].kg_per_day == pytest.approx(400 / 31)
    assert reductions["dry"].rate == pytest.approx((20 - 400 / 31) / 20)
    assert reductions[""].rate == pytest.approx((40 - 1000 / 31) / 40)
    # a community has no baseline of its own
    assert measure(w.cora, area=w.community_a1.pk).reductions == []


def test_any_dates_read_whole_months_and_edge_days(may_world):
    w = may_world
    start, end = datetime.date(2026, 3, 31), datetime.date(2026, 5, 31)
    assert selectors.split(Window(start, end)) == (
        [datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)],
        [start],
    )
    m = selectors.measures(selectors.subject_for(w.sam, area=w.street_a.pk), Comparison.of(start, end))
    assert kg_of(m)["dry"][0] == 911  # 111 + 400 + 400
    assert m.total.kg == 1911
    # the previous window is as long, right before it: 2026-01-28 … 2026-03-30 (4 + 28 + 30 = 62 days)
    assert m.comparison.previous == Window(datetime.date(2026, 1, 28), datetime.date(2026, 3, 30))
    # days inside one month come from the daily totals only
    m = selectors.measures(
        selectors.subject_for(w.sam, area=w.street_a.pk),
        Comparison.of(datetime.date(2026, 5, 10), datetime.date(2026, 5, 20)),
    )
    assert m.total.kg == 500  # dry 400 + recyclable 50 + mixed 50


def test_an_ongoing_period_is_compared_to_date(may_world):
    june = Period.parse("2026-06")
    c = Comparison.of(june.start, june.end, period=june, today=datetime.date(2026, 6, 15))
    assert c.ongoing and c.current == Window(datetime.date(2026, 6, 1), datetime.date(2026, 6, 15))
    assert c.previous == Window(datetime.date(2026, 5, 1), datetime.date(2026, 5, 15))
    m = selectors.measures(selectors.subject_for(may_world.sam, area=may_world.street_a.pk), c)
    assert m.total.kg == 999 and m.total.previous_kg == 700  # 05-01 wet 300 + 05-10 dry 400
    assert m.now.per_capita == pytest.approx(999 / 5000 / 15)


def test_children_of_a_street_and_of_the_district(may_world):
    w = may_world
    s = selectors.subject_for(w.sam, area=w.street_a.pk)
    rows = {r.obj.name: r for r in selectors.children(s, Comparison.of(MAY.start, MAY.end, period=MAY))}
    assert set(rows) == {"甲一社区", "甲二社区"}
    assert rows["甲一社区"].now.total_kg == 950 and rows["甲一社区"].before.total_kg == 800
    assert rows["甲一社区"].now.food_share == pytest.approx(500 / 900)
    assert rows["甲二社区"].now.grams == {"mixed": 50_000}
    assert rows["甲二社区"].now.per_capita == pytest.approx(50 / 2500 / 31)
    s = selectors.subject_for(w.alice)
    rows = {r.obj.name: r.now.total_kg for r in selectors.children(s, Comparison.of(MAY.start, MAY.end))}
    assert rows == {"甲街道": 1000, "乙街道": 1000}
    # a community's children are its sites, from their daily totals
    s = selectors.subject_for(w.cora)
    rows = {r.obj.name: r.now.total_kg for r in selectors.children(s, Comparison.of(MAY.start, MAY.end))}
    assert rows == {"甲一小学": 0, "甲一花园": 950}


def test_scope_outsiders_get_404_haulier_and_site_get_their_own(may_world):
    w = may_world
    with pytest.raises(Http404):
        selectors.subject_for(w.olly, area=w.street_a.pk)
    with pytest.raises(Http404):
        selectors.subject_for(w.hal, area=w.street_a.pk)
    with pytest.raises(Http404):
        selectors.subject_for(w.hal, hauler=w.other_hauler.pk)
    with pytest.raises(Http404):
        selectors.subject_for(w.sam, hauler=w.hauler.pk)  # a street reads areas, not hauliers
    with pytest.raises(Http404):
        selectors.subject_for(w.mia, site=w.sites["a2_open"].pk)
    # the default subject is the user's own place
    assert selectors.subject_for(w.sam).obj == w.street_a
    assert selectors.subject_for(w.cora).obj == w.community_a1
    assert selectors.subject_for(w.nina) is None
    # hal: 绿洁环卫's own totals, not 清源运输's 1000 kg in 乙街道
    m = measure(w.hal)
    assert m.subject.kind == "hauler" and m.total.kg == 1000 and m.rates[2].value is None
    # mia: 甲一花园 only
    m = measure(w.mia)
    assert m.subject.kind == "site" and m.total.kg == 950
    assert m.now.per_capita == pytest.approx(950 / 500 / 31)
    # alice reads the district: both streets
    assert measure(w.alice).total.kg == 2000
    assert measure(w.olly).total.kg == 1000


@pytest.mark.parametrize("code", ["2026W20", "2026-05", "2026Q2", "2026"])
def test_a_measure_costs_the_same_queries_for_any_period(may_world, django_assert_max_num_queries, code):
    w = may_world
    period = Period.parse(code)
    subject = selectors.subject_for(w.sam, area=w.street_a.pk)
    c = Comparison.of(period.start, period.end, period=period)
    with django_assert_max_num_queries(4):  # months, edge days, baselines (+ nothing per stream)
        m = selectors.measures(subject, c)
        [r.kg for r in m.streams], [r.value for r in m.rates]
    with django_assert_max_num_queries(3):  # the child areas, their months, their edge days
        selectors.children(subject, c)


def test_query_count_does_not_grow_with_the_subtree(may_world, django_assert_num_queries):
    """The district (every street and community under it) costs what a community costs."""
    w = may_world
    year = Period.parse("2026")
    counts = []
    for area in (w.community_a1, w.district):
        subject = selectors.subject_for(w.alice, area=area.pk)
        c = Comparison.of(year.start, year.end, period=year)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.measures(subject, c)
            selectors.children(subject, c)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the overview page and the API: the same numbers, scoped --------------------------------------


def page(client_for, name, **query):
    c = client_for(name)
    c.cookies["fenlei_language"] = "en"
    return c.get(reverse("collection:index"), query)


def test_overview_page_shows_the_hand_worked_figures(may_world, client_for):
    w = may_world
    r = page(client_for, "sam", area=w.street_a.pk, period="2026-05")
    assert r.status_code == 200
    html = r.content.decode()
    assert "2026-5" in html  # the period's label
    m = r.context["m"]
    assert m.total.kg == 1000
    row = re.search(r'<tr data-stream="wet">(.*?)</tr>', html, re.S).group(1)
    assert "500.0" in row and "400.0" in row and "+25.0%" in row and "+100.0%" in row
    assert re.search(r'<div class="stat" data-rate="food_share"><span class="num">52.6%', html)
    # each child area opens its own overview, for the same period
    assert f"?area={w.community_a1.pk}&amp;period=2026-05" in html
    assert "甲二社区" in html
    # the period before and after
    assert "period=2026-04" in html and "period=2026-06" in html


def test_overview_page_is_scoped(may_world, client_for):
    w = may_world
    assert page(client_for, "olly", area=w.street_a.pk).status_code == 404
    assert page(client_for, "hal", area=w.street_a.pk).status_code == 404
    hal = page(client_for, "hal", period="2026-05")
    assert hal.status_code == 200 and hal.context["m"].total.kg == 1000
    assert hal.context["children"] == [] and hal.context["quality"] is None
    mia = page(client_for, "mia", period="2026-05")
    assert mia.context["subject"].kind == "site" and mia.context["m"].total.kg == 950
    cora = page(client_for, "cora", period="2026-05")
    assert cora.context["m"].total.kg == 950  # 甲一社区 only
    nina = page(client_for, "nina")
    assert nina.status_code == 200 and nina.context["subject"] is None
    assert page(client_for, None).status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        {"period": "2026-13"},
        {"start": "2026-05-01"},
        {"start": "2026-05-10", "end": "2026-05-01"},
        {"kind": "decade"},
    ],
)
def test_a_wrong_period_is_a_400(may_world, client_for, query):
    r = page(client_for, "sam", **query)
    assert r.status_code == 400 and r.context["form"].errors


def test_open_alarms_are_counted_by_family(may_world, client_for):
    from fenlei.collection.alarms import raise_alarms
    from fenlei.collection.choices import AlarmKind

    w = may_world
    estate = w.sites["a1_estate"]
    base = {"area_id": w.community_a1.pk, "area_path": estate.area_path, "site_id": estate.pk}
    day = datetime.date(2026, 5, 31)
    raise_alarms(
        [
            {**base, "kind": AlarmKind.ONLY_MIXED, "key": "t1", "first_day": day, "last_day": day},
            {**base, "kind": AlarmKind.POOR_GRADES, "key": "t2", "first_day": day, "last_day": day},
            {**base, "kind": AlarmKind.OUTLIER, "key": "t3", "first_day": day, "last_day": day},
        ]
    )
    counts = {a["family"]: a["count"] for a in page(client_for, "sam").context["alarms"]}
    assert counts == {"mixing": 2, "quality": 1}
    counts = {a["family"]: a["count"] for a in page(client_for, "olly").context["alarms"]}
    assert counts == {"mixing": 0, "quality": 0}


def test_api_gives_the_page_numbers(may_world, api_for):
    w = may_world
    r = api_for("sam").get(reverse("collection-api:measures"), {"area": w.street_a.pk, "period": "2026-05"})
    assert r.status_code == 200
    data = r.json()
    assert data["subject"] == {"kind": "area", "id": w.street_a.pk, "name": "甲街道", "population": 5000}
    assert data["total"]["kg"] == 1000 and data["total"]["change_pct"] == pytest.approx(25.0)
    wet = next(s for s in data["streams"] if s["stream"] == "wet")
    assert (wet["kg"], wet["previous_kg"], wet["last_year_kg"]) == (500, 400, 250)
    assert data["rates"]["food_share"]["value"] == pytest.approx(500 / 950)
    assert data["rates"]["per_capita_kg"]["value"] == pytest.approx(1000 / 5000 / 31)
    assert data["previous"] == {"start": "2026-04-01", "end": "2026-04-30"}
    children = api_for("sam").get(reverse("collection-api:measures-children"), {"period": "2026-05"}).json()
    assert {c["name"]: c["kg"] for c in children["children"]} == {"甲一社区": 950, "甲二社区": 50}
    assert api_for("olly").get(reverse("collection-api:measures"), {"area": w.street_a.pk}).status_code == 404
    assert api_for("nina").get(reverse("collection-api:measures")).status_code == 404
    assert api_for("sam").get(reverse("collection-api:measures"), {"period": "x"}).status_code == 400
    hal = api_for("hal").get(reverse("collection-api:measures"), {"period": "2026-05"}).json()
    assert hal["subject"]["kind"] == "hauler" and hal["total"]["kg"] == 1000
    assert api_for("hal").get(reverse("collection-api:measures-quality")).status_code == 403


def test_api_is_in_the_openapi_schema(world, api_for):
    schema = api_for("alice").get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/collection/measures/",
        "/api/collection/measures/children/",
        "/api/collection/measures/quality/",
    ):
        assert "get" in schema["paths"][path]
    assert "MeasuresSerializer" in str(schema["paths"]["/api/collection/measures/"]) or "Measures" in str(
        schema["components"]["schemas"]
    )


# --- the office's configuration ---------------------------------------------------------------------


def test_baselines_are_kept_by_the_office_and_audited(world, client_for):
    from fenlei.core.models import AuditEntry

    alice = client_for("alice")
    r = alice.post(
        reverse("collection:baseline-add"),
        {"area": world.street_a.pk, "stream": "dry", "kg_per_day": "20", "label": "2019年均值"},
    )
    assert r.status_code == 302
    baseline = Baseline.objects.get()
    assert baseline.area_path == world.street_a.path
    assert AuditEntry.objects.filter(content_type__model="baseline", object_id=str(baseline.pk)).count() == 1
    r = alice.post(
        reverse("collection:baseline-edit", args=[baseline.pk]),
        {"area": world.street_a.pk, "stream": "dry", "kg_per_day": "18", "label": "2019年均值"},
    )
    assert r.status_code == 302
    baseline.refresh_from_db()
    assert baseline.kg_per_day == 18
    entry = AuditEntry.objects.filter(content_type__model="baseline").order_by("-pk").first()
    assert entry.changes["kg_per_day"] == ["20.00", "18"] or "kg_per_day" in entry.changes
    # a negative baseline is refused
    r = alice.post(
        reverse("collection:baseline-add"), {"area": world.street_b.pk, "kg_per_day": "-1", "label": "x"}
    )
    assert r.status_code == 400
    # the street reads, but does not keep; the other street does not see it
    assert client_for("sam").get(reverse("collection:baseline-list")).status_code == 200
    assert client_for("sam").get(reverse("collection:baseline-add")).status_code == 403
    assert client_for("sam").get(reverse("collection:baseline-edit", args=[baseline.pk])).status_code == 403
    assert client_for("olly").get(reverse("collection:baseline-edit", args=[baseline.pk])).status_code == 404
    assert "2019年均值" not in client_for("olly").get(reverse("collection:baseline-list")).content.decode()


def test_rules_and_expected_reports_forms(world, client_for):
    alice = client_for("alice")
    r = alice.post(
        reverse("collection:validationrule-add"),
        {"area": world.district.pk, "kind": "wet_share", "minimum": "60", "maximum": "10", "active": "on"},
    )
    assert r.status_code == 400 and "maximum" in r.context["form"].errors
    r = alice.post(reverse("collection:validationrule-add"), {"area": world.district.pk, "kind": "wet_share"})
    assert r.status_code == 400
    r = alice.post(
        reverse("collection:validationrule-add"),
        {"area": world.district.pk, "kind": "wet_share", "minimum": "10", "maximum": "60", "active": "on"},
    )
    assert r.status_code == 302 and ValidationRule.objects.get().area_path == world.district.path
    r = alice.post(
        reverse("collection:expectedreport-add"),
        {"area": world.street_a.pk, "stream": "wet", "frequency": "daily", "active": "on"},
    )
    assert r.status_code == 302 and ExpectedReport.objects.get().site_kind is None
    html = client_for("sam").get(reverse("collection:expectedreport-list")).content.decode()
    assert "甲街道" in html


def test_the_command_prints_the_same_numbers(may_world):
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    w = may_world
    out = StringIO()
    call_command("measures", "--as", "sam", "--period", "2026-05", "--json", "--children", stdout=out)
    data = json.loads(out.getvalue())
    assert data["subject"]["name"] == "甲街道" and data["total"]["kg"] == 1000
    assert data["rates"]["food_share"]["value"] == pytest.approx(500 / 950)
    assert {c["name"]: c["kg"] for c in data["children"]} == {"甲一社区": 950, "甲二社区": 50}
    out = StringIO()
    with translation.override("en"):
        call_command("measures", "--as", "hal", "--period", "2026-05", stdout=out)
    assert "1,000.0" in out.getvalue() and "绿洁环卫" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("measures", "--as", "olly", "--area", str(w.street_a.pk), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("measures", "--as", "sam", "--period", "2026-13", stdout=StringIO())


def test_the_overview_page_costs_the_same_queries_for_a_week_and_a_year(may_world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("alice")
    client.get(reverse("collection:index"))  # the session and the menu's first look-ups
    counts = []
    for query in (
        {"period": "2026W20"},
        {"start": "2026-02-15", "end": "2026-05-17"},  # 92 days: whole months and edge days
        {"period": "2025Q2"},
        {"period": "2025"},
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("collection:index"), query).status_code == 200
        counts.append(len(ctx.captured_queries))
    # a week has no whole month and a quarter no edge day: each skips one of the two totals queries,
    # for the place and for its children; a year leaves the data-quality counts to their own page
    week, days_92, quarter, year = counts
    assert days_92 == week + 2 == quarter + 2, counts
    assert year <= days_92 <= 20, counts


def test_the_overview_leaves_long_periods_quality_to_its_page(may_world, client_for):
    quarter = page(client_for, "sam", period="2026Q1")
    assert quarter.context["quality"] is not None and not quarter.context["quality_deferred"]
    year = page(client_for, "sam", period="2025")
    assert year.context["quality"] is None and year.context["quality_deferred"]
    assert reverse("collection:quality") in year.content.decode()
    assert not page(client_for, "hal", period="2025").context["quality_deferred"]
