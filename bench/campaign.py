"""The full-coverage campaign at city scale (issue 6: "the campaign page for the city-scale seed renders
in ≤ 300 ms server time").

    python -m bench --only campaign [--scale city] [--runs 30] [--daily-runs 3] [--profile]
                    [--campaign-parts daily,overview,pages,judging]

Runs on the seeded database of the scale (bench/out/var-<scale>/, or DATABASE_URL), built once by
`python -m bench`. Sets up, once, a campaign over the world's root — `services.create_campaign`, a
first `services.refresh` of every unit, `services.backfill` from the campaign's start to today every
`--backfill-every` days and `services.record_day` — and times each step; a campaign already there for
that root and year is reused. The campaign is placed around today (`--shift-days`, by default so
that today is 3 August of the campaign's calendar, in the implementation phase).

Then, in this order (the daily job first, so the pages read units judged today; without it, the
units not judged today are brought current first, untimed). The parts are `daily` (1), `overview`
(2), `pages` (3 and the unit page) and `judging` (the rest of 4, and 5):

1. the daily job's parts at the root's scale: `refresh` of every unit, `record_day` (today),
   `backfill` of one past day and `take_snapshot` — seconds, `--daily-runs` times;
2. `selectors.overview` for the root, its first district and that district's first street;
3. the page `campaign:detail` (`?area=`) for the same areas as the district office and for the street
   as its street administrator, through Django's test client (a page not built yet answers 501: it
   is reported as such and not timed);
4. the unit page `campaign:unit` of the street's first community, and `services.refresh` of that one
   community (the unit page judges it afresh);
5. `services.refresh_stale` under a page's area when the first `FENLEI_CAMPAIGN_REFRESH_LIMIT` units
   of it are stale (a page read before the daily job, or after many ledger writes), and under the root
   when two communities far apart are (a day's ledger writes in two districts).

On PostgreSQL the planner's statistics are gathered (`ANALYZE`) before the reads are timed, as a
server's autovacuum would after the set-up's bulk writes. Server times are p50/p95 in ms over `--runs`
runs; queries are counted on one more run. `--profile`
also writes, for each case, the functions that take the time (cProfile, cumulative) and the slowest
queries to bench/out/profile-campaign-<vendor>/. Results: bench/out/results-campaign-<scale>-<vendor>.json.
"""

from __future__ import annotations

import cProfile
import datetime
import io
import logging
import pstats
import statistics
import time
from pathlib import Path

from bench.timing import percentile

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
#: The snapshot the bench takes (and removes again) to time `take_snapshot`.
SNAPSHOT_NAME = "bench: timing take_snapshot"


class Counter:
    """Counts the statements a block sends (`connection.execute_wrapper`), without keeping them."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def counted(fn):
    """Run `fn` once: (its result, the statements it sent, seconds)."""
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        t = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t
    return result, counter.n, seconds


def timed(fn, runs: int, *, before=None) -> dict:
    """p50/p95 ms of `fn` over `runs` runs, and the statements of one more run. `before` runs untimed
    ahead of each run (to put the data back as the case needs it)."""
    if before:
        before()
    _result, queries, _s = counted(fn)
    times = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {
        "queries": queries,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


def seconds(fn, runs: int, *, before=None) -> dict:
    """Seconds of each of `runs` runs of a long job, and its statements (first run)."""
    out, queries = [], None
    for _ in range(runs):
        if before:
            before()
        _result, n, s = counted(fn)
        queries = n if queries is None else queries
        out.append(round(s, 2))
    return {"queries": queries, "runs_s": out, "median_s": round(statistics.median(out), 2)}


def profile(fn, label: str, folder: Path | None, *, before=None) -> None:
    """With `folder`: run `fn` once under cProfile with its queries captured, then read each captured
    SELECT again to the last row (SQLite does a query's work as its rows are fetched, so the time
    Django logs for the statement alone says little) with its plan; write the slowest and the top of
    the profile to `folder`/<label>.txt."""
    if folder is None:
        return
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if before:
        before()
    prof = cProfile.Profile()
    with CaptureQueriesContext(connection) as ctx:
        prof.enable()
        t = time.perf_counter()
        fn()
        total = time.perf_counter() - t
        prof.disable()
    reads = []
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            t = time.perf_counter()
            cursor.execute(sql)
            rows = len(cursor.fetchall())
            took = time.perf_counter() - t
            explain = (
                "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
            )
            cursor.execute(explain + sql)
            plan = "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())
            reads.append((took, rows, sql, plan))
    reads.sort(key=lambda r: -r[0])
    lines = [
        f"{label}: {total * 1000:.1f} ms under the profiler, {len(ctx.captured_queries)} statements; "
        f"the SELECTs read again to their last row take {sum(r[0] for r in reads) * 1000:.1f} ms",
        "",
    ]
    for took, rows, sql, plan in reads[:12]:
        lines += [f"{took * 1000:8.1f} ms  {rows} rows  {sql[:2000]}", plan, ""]
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(45)
    lines.append(text.getvalue())
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(ch if ch.isalnum() else "-" for ch in label).strip("-")
    (folder / f"{name}.txt").write_text("\n".join(lines))


# --- the campaign --------------------------------------------------------------------------------------


def default_shift(year: int, today: datetime.date) -> int:
    """Days to shift a campaign of `year` so that `today` falls on its 3 August."""
    return (today - datetime.date(year, 8, 3)).days


def build(root, *, year: int, shift_days: int, every: int, by) -> tuple[object, dict]:
    """The campaign of `root` for `year`: the one there, or a new one set up and judged (timed)."""
    from fenlei.campaign import services
    from fenlei.campaign.models import Campaign, CoverageDay

    campaign = Campaign.objects.filter(area=root, year=year).first()
    if campaign is not None:
        return campaign, {}
    steps = {}
    campaign, n, s = counted(
        lambda: services.create_campaign(area=root, year=year, by=by, shift_days=shift_days)
    )
    steps["create_campaign"] = {"s": round(s, 2), "queries": n}
    units, n, s = counted(lambda: services.refresh(campaign))
    steps["refresh, first (every unit)"] = {"s": round(s, 2), "queries": n, "units": units}
    today = services.today()
    days, n, s = counted(lambda: services.backfill(campaign, campaign.starts_on, today, every=every))
    steps[f"backfill {campaign.starts_on}..{today} every {every} days"] = {
        "s": round(s, 2),
        "queries": n,
        "days": days,
    }
    _areas, n, s = counted(lambda: services.record_day(campaign))
    steps["record_day (today)"] = {"s": round(s, 2), "queries": n}
    steps["coverage days kept"] = CoverageDay.objects.filter(campaign=campaign).count()
    return campaign, steps


def places(root):
    """The root, its first district (the one the ledgers are seeded in), that district's first street
    and the street's first community."""
    from fenlei.org.choices import AreaLevel
    from fenlei.org.models import Area

    district = root if root.level == AreaLevel.DISTRICT else root.children.order_by("path").first()
    street = Area.objects.filter(parent=district).order_by("path").first()
    community = Area.objects.filter(parent=street).order_by("path").first()
    return district, street, community


def analyze() -> bool:
    """On PostgreSQL, gather the planner's statistics before the reads are timed: a server's autovacuum
    does so after bulk writes like the set-up's (a test server may run without it). SQLite keeps none
    unless told, and Django never tells it: it is left as it is."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def page(client, url: str, runs: int) -> dict:
    """A page through the test client: its status, and when it answers 200 its server time and queries.
    (Django logs every 5xx answer; a stub's 501 is expected here, and an exception in the view reaches
    the bench anyway: the test client raises it.)"""
    log = logging.getLogger("django.request")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        response, queries, _s = counted(lambda: client.get(url))
    finally:
        log.setLevel(level)
    status = response.status_code
    if status == 501:
        return {"status": status, "note": "not built yet"}
    if status != 200:
        return {"status": status, "note": "not measured: the page did not answer 200"}
    return {"status": status, **timed(lambda: client.get(url), runs), "queries": queries}


#: The parts of the benchmark, in the order they run.
PARTS = ("daily", "overview", "pages", "judging")


def run(
    *,
    runs: int,
    daily_runs: int,
    year: int | None,
    shift_days: int | None,
    every: int,
    profile_dir: Path | None,
    parts: tuple[str, ...] = PARTS,
) -> dict:
    from django.test import Client
    from django.urls import reverse

    from fenlei.accounts.models import User
    from fenlei.campaign import selectors, services
    from fenlei.campaign.choices import Level
    from fenlei.campaign.models import CoverageDay, Item, Unit
    from fenlei.org.models import Area, Site

    today = services.today()
    year = year or today.year
    shift_days = default_shift(year, today) if shift_days is None else shift_days
    root = Area.objects.filter(parent__isnull=True).order_by("path").first()
    superuser, _new = User.objects.get_or_create(
        username="bench-root", defaults={"is_superuser": True, "is_staff": True}
    )
    t = time.perf_counter()
    campaign, build_steps = build(root, year=year, shift_days=shift_days, every=every, by=superuser)
    build_s = round(time.perf_counter() - t, 1)
    district, street, community = places(root)
    units = Unit.objects.filter(campaign=campaign)
    world = {
        "root": root.name,
        "districts": Area.objects.filter(parent=root).count() if district != root else 1,
        "streets": units.filter(level=Level.STREET).count(),
        "communities": units.filter(level=Level.COMMUNITY).count(),
        "sites": Site.objects.count(),
        "items": Item.objects.filter(unit__campaign=campaign).count(),
        "coverage_days": CoverageDay.objects.filter(campaign=campaign).count(),
        "campaign": {
            "pk": campaign.pk,
            "year": campaign.year,
            "starts_on": str(campaign.starts_on),
            "coverage_deadline": str(campaign.coverage_deadline),
            "ends_on": str(campaign.ends_on),
        },
        "today": str(today),
    }
    areas = (("root", root), ("district", district), ("street", street))
    out = {"world": world, "build_s": build_s, "build": build_steps, "runs": runs, "daily_runs": daily_runs}
    if "daily" in parts:
        out["daily"] = daily_job(campaign, daily_runs, by=superuser, profile_dir=profile_dir)
    # every unit judged today, as after the daily job (a no-op when it just ran)
    services.refresh(campaign, services.stale(campaign))
    out["analyzed"] = analyze()
    if "overview" in parts:
        out["overview"] = []
        for label, area in areas:
            fn = lambda area=area: selectors.overview(campaign, area)  # noqa: E731
            communities = selectors.units_in(campaign, area).filter(level=Level.COMMUNITY).count()
            out["overview"].append(
                {"area": label, "name": area.name, "communities": communities, **timed(fn, runs)}
            )
            profile(fn, f"overview {label}", profile_dir)
    if "pages" in parts:
        clients = {}
        for who, username in (("district office", "district_admin"), ("street admin", "street_admin")):
            # the seed's district office is over the root; its street administrator over the first street
            clients[who] = Client()
            clients[who].force_login(
                User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
            )
        detail = reverse("campaign:detail", args=[campaign.pk])
        unit_url = reverse("campaign:unit", args=[campaign.pk, community.pk])
        cases = [
            ("district office", f"campaign page, {label}", f"{detail}?area={area.pk}")
            for label, area in areas
        ]
        cases += [
            ("street admin", "campaign page, street (own)", f"{detail}?area={street.pk}"),
            ("district office", "unit page, community", unit_url),
            ("street admin", "unit page, community", unit_url),
        ]
        out["pages"] = []
        for who, label, url in cases:
            result = page(clients[who], url, runs)
            out["pages"].append({"page": label, "as": who, "url": url, **result})
            if result["status"] == 200:
                profile(lambda who=who, url=url: clients[who].get(url), f"{label} as {who}", profile_dir)
    if "judging" in parts:
        out["judging"] = judging(campaign, areas, community, runs, profile_dir)
    return out


def daily_job(campaign, runs: int, *, by, profile_dir) -> list[dict]:
    """The daily job's parts at the campaign's scale, in seconds."""
    from fenlei.campaign import services
    from fenlei.campaign.models import CoverageDay, Snapshot, Unit

    today = services.today()
    out = []
    fn = lambda: services.refresh(campaign)  # noqa: E731
    units = Unit.objects.filter(campaign=campaign).count()
    out.append({"part": "refresh (every unit)", "units": units, **seconds(fn, runs)})
    profile(fn, "daily refresh every unit", profile_dir)
    out.append({"part": "record_day (today)", **seconds(lambda: services.record_day(campaign), runs)})
    past = today - datetime.timedelta(days=1)

    def forget_past_day():
        CoverageDay.objects.filter(campaign=campaign, day=past).delete()

    fn = lambda: services.backfill(campaign, past, past)  # noqa: E731
    out.append({"part": f"backfill (one day, {past})", **seconds(fn, runs, before=forget_past_day)})
    profile(fn, "daily backfill one day", profile_dir, before=forget_past_day)
    day = past
    while Snapshot.objects.filter(campaign=campaign, on=day).exclude(name=SNAPSHOT_NAME).exists():
        day -= datetime.timedelta(days=1)

    def forget_snapshot():
        Snapshot.objects.filter(campaign=campaign, on=day, name=SNAPSHOT_NAME).delete()

    fn = lambda: services.take_snapshot(campaign, on=day, name=SNAPSHOT_NAME, by=by)  # noqa: E731
    out.append({"part": f"take_snapshot ({day})", **seconds(fn, runs, before=forget_snapshot)})
    profile(fn, "daily take_snapshot", profile_dir, before=forget_snapshot)
    forget_snapshot()
    return out


def judging(campaign, areas, community, runs: int, profile_dir) -> list[dict]:
    """Judging one community afresh (the unit page), and a page's catch-up on the stale units under its
    area: `refresh_stale` when the first FENLEI_CAMPAIGN_REFRESH_LIMIT units there are stale (before the
    daily job has run), and when two communities far apart are (a day's ledger writes)."""
    from django.conf import settings

    from fenlei.campaign import selectors, services
    from fenlei.campaign.choices import Level
    from fenlei.campaign.models import Unit

    out = []
    one = Unit.objects.filter(campaign=campaign, area=community)
    fn = lambda: services.refresh(campaign, one)  # noqa: E731
    out.append({"case": "refresh of one community", "units": 1, **timed(fn, runs)})
    profile(fn, "refresh one community", profile_dir)
    limit = settings.FENLEI_CAMPAIGN_REFRESH_LIMIT
    for label, area in areas:
        # refresh_stale takes the stale units in path order: these are the ones it judges
        first = list(
            selectors.units_in(campaign, area).order_by("area_path").values_list("pk", flat=True)[:limit]
        )

        def stale_again(first=first):
            Unit.objects.filter(pk__in=first).update(dirty=True)

        fn = lambda area=area: services.refresh_stale(campaign, area.path)  # noqa: E731
        r = timed(fn, max(3, runs // 3), before=stale_again)
        out.append(
            {"case": f"refresh_stale under the {label} ({len(first)} stale units)", "units": len(first), **r}
        )
        profile(fn, f"refresh_stale {label}", profile_dir, before=stale_again)
    # a day's ledger writes in two districts (each marks its community): the city's page judges them
    root = areas[0][1]
    ends = Unit.objects.filter(campaign=campaign, level=Level.COMMUNITY).order_by("area_path")
    apart = [ends.first().pk, ends.last().pk]

    def two_stale():
        Unit.objects.filter(pk__in=apart).update(dirty=True)

    fn = lambda: services.refresh_stale(campaign, root.path)  # noqa: E731
    r = timed(fn, runs, before=two_stale)
    out.append({"case": "refresh_stale under the root (2 stale units far apart)", "units": 2, **r})
    profile(fn, "refresh_stale root two apart", profile_dir, before=two_stale)
    return out


def print_table(results: dict) -> None:
    w = results["world"]
    print(
        f"{w['root']}: {w['districts']} districts, {w['streets']} streets, {w['communities']} communities, "
        f"{w['sites']} sites, {w['items']} checklist items, {w['coverage_days']} coverage days; "
        f"campaign {w['campaign']['starts_on']}..{w['campaign']['ends_on']}, today {w['today']}"
    )
    if results["build"]:
        when = "by an earlier run" if results.get("build_reused") else "by this run"
        print(f"\nthe campaign was set up {when}, in {results['build_s']} s:")
        for step, r in results["build"].items():
            shown = ", ".join(f"{k} {v}" for k, v in r.items()) if isinstance(r, dict) else r
            print(f"  {step:<52} {shown}")
    if results.get("daily"):
        print_daily(results)
    print(f"\nserver time ({results['runs']} runs)")
    print(f"{'case':<58} {'rows':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for r in results.get("overview", []):
        print(
            f"{'overview, ' + r['area']:<58} {r['communities']:>6} {r['queries']:>7} "
            f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}"
        )
    for r in results.get("pages", []):
        label = f"{r['page']} ({r['as']})"
        if r["status"] != 200:
            print(f"{label:<58} {'':>6} {'':>7} {r['status']}: {r['note']}")
        else:
            print(f"{label:<58} {'':>6} {r['queries']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")
    for r in results.get("judging", []):
        print(f"{r['case']:<58} {r['units']:>6} {r['queries']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")


def print_daily(results: dict) -> None:
    print(f"\nthe daily job's parts ({results['daily_runs']} runs)")
    print(f"{'part':<44} {'queries':>7} {'median s':>9}  runs")
    for r in results["daily"]:
        print(f"{r['part']:<44} {r['queries']:>7} {r['median_s']:>9.2f}  {r['runs_s']}")
