"""Benchmark of the collection measures: any measure, any subtree, any period up to a year.

    python -m bench.collection_measures [--runs 300] [--sites 1200]
    python -m bench --only measures          (the same, from `make bench`)

1. Builds (once, in bench/out/var-measures/, or the DATABASE_URL database; delete that folder to
   build it again) a district of its own —
   15 streets × 20 communities × 4 sites = 1,200 sites — and a year of records for it: every site,
   each of the four streams, every day of 2025 (≈1.75 M records). The records are generated in an
   in-memory DuckDB table (deterministic: weights come from a hash of site, day and stream) and fed
   to `fenlei.collection.rollups.apply` a day at a time, exactly as ingest keeps the totals.
2. Times random cases — a random area (the district, a street or a community) and a random period
   (a day, a week, a month, a quarter, the year, or any run of 1–365 days) — through
   `selectors.measures` (tonnage by stream, the previous period, the same period last year, rates,
   reductions) and `selectors.children` (the breakdown by child areas), counting their queries.
3. Answers the same cases with DuckDB scanning the raw records in memory (a columnar engine, two
   threads) and reports the ratio of the two p95 figures.

Writes bench/out/results-measures-<vendor>.json and prints a table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DISTRICT = "测量区"
YEAR = 2025
STREAMS = {"wet": 0.55, "dry": 0.35, "recyclable": 0.09, "hazardous": 0.01}


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["FENLEI_VAR_DIR"] = str(OUT / "var-measures")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the district and its records --------------------------------------------------------------------


def build_places(streets: int, communities: int, sites_each: int, rng: random.Random):
    """The district, its streets and communities and their sites, written in bulk (a benchmark's
    scaffolding: no audit entries)."""
    from fenlei.org.models import Area, Hauler, Site, SiteKind

    last_root = (
        Area.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
    )
    number = int(last_root.split(".")[0]) + 1 if last_root else 1
    district = Area(name=DISTRICT, kind="district", path=f"{number:04d}.", depth=0, population=0)
    district.save()
    street_objs = [
        Area(
            name=f"测量{i + 1}街道",
            kind="street",
            parent=district,
            path=f"{district.path}{i + 1:04d}.",
            depth=1,
        )
        for i in range(streets)
    ]
    Area.objects.bulk_create(street_objs)
    street_objs = list(Area.objects.filter(parent=district).order_by("path"))
    community_objs = [
        Area(name=f"{s.name}{j + 1}社区", kind="community", parent=s, path=f"{s.path}{j + 1:04d}.", depth=2)
        for s in street_objs
        for j in range(communities)
    ]
    Area.objects.bulk_create(community_objs)
    community_objs = list(Area.objects.filter(parent__parent=district).order_by("path"))
    kind = SiteKind.objects.get(code="managed-estate")
    site_objs = []
    for c in community_objs:
        for k in range(sites_each):
            population = rng.randint(300, 3000)
            site_objs.append(
                Site(
                    name=f"{c.name}{k + 1}号小区",
                    kind=kind,
                    community=c,
                    area_path=c.path,
                    households=population // 3,
                    population=population,
                )
            )
    Site.objects.bulk_create(site_objs, batch_size=500)
    # populations add up the tree
    sites = list(
        Site.objects.filter(area_path__startswith=district.path).values_list("id", "area_path", "population")
    )
    totals: dict[str, int] = {}
    for _id, path, population in sites:
        for p in (path, path[:10], path[:5]):
            totals[p] = totals.get(p, 0) + population
    for area in [district, *street_objs, *community_objs]:
        area.population = totals.get(area.path, 0)
        area.households = area.population // 3
    Area.objects.bulk_update(
        [district, *street_objs, *community_objs], ["population", "households"], batch_size=500
    )
    haulers = []
    for i in range(3):
        h = Hauler(name=f"测量环卫{number}-{i + 1}", district=district, area_path=district.path)
        h.save()
        haulers.append(h)
    return district, sites, haulers


def records_table(con, sites, haulers) -> None:
    """The raw records, in DuckDB: one a site, a stream and a day of the year."""
    con.execute("CREATE TABLE sites (site_id BIGINT, path VARCHAR, population INTEGER, hauler_id BIGINT)")
    con.executemany(
        "INSERT INTO sites VALUES (?, ?, ?, ?)",
        [(sid, path, pop, haulers[int(path[5:9]) % len(haulers)].pk) for sid, path, pop in sites],
    )
    con.execute("CREATE TABLE streams (stream VARCHAR, share DOUBLE)")
    con.executemany("INSERT INTO streams VALUES (?, ?)", list(STREAMS.items()))
    # grams = population × 1 kg × the stream's share × a factor between 0.6 and 1.4 (from a hash)
    con.execute(
        f"""
        CREATE TABLE records AS
        SELECT s.site_id, s.path, s.hauler_id, CAST(d.range AS DATE) AS day, t.stream,
               CAST(s.population * 1000 * t.share
                    * (0.6 + 0.8 * ((hash(s.site_id, CAST(d.range AS DATE), t.stream) % 1000) / 1000.0))
                    AS BIGINT) + 1 AS grams
        FROM sites s
        CROSS JOIN range(DATE '{YEAR}-01-01', DATE '{YEAR + 1}-01-01', INTERVAL 1 DAY) d
        CROSS JOIN streams t
        ORDER BY day, site_id, stream
        """
    )


def fill_totals(con) -> tuple[int, float]:
    """Feed the records to the rollups a day at a time; returns (records, seconds)."""
    from django.db import transaction

    from fenlei.collection import rollups

    started = time.perf_counter()
    count = 0
    cursor = con.execute("SELECT day, site_id, path, stream, grams, hauler_id FROM records ORDER BY day")
    day, facts = None, []

    def flush():
        with transaction.atomic():
            rollups.apply(facts)

    while True:
        chunk = cursor.fetchmany(20_000)
        if not chunk:
            break
        for d, site_id, path, stream, grams, hauler_id in chunk:
            if d != day and facts:
                flush()
                facts = []
            day = d
            facts.append((rollups.Fact(d, site_id, path, stream, grams, hauler_id, "", False), 1))
            count += 1
    if facts:
        flush()
    return count, time.perf_counter() - started


# --- the cases ---------------------------------------------------------------------------------------


def random_case(rng: random.Random, areas):
    from fenlei.collection.selectors import Comparison
    from fenlei.core.periods import Period

    area = rng.choice(areas)
    kind = rng.choice(["day", "week", "month", "quarter", "year", "custom"])
    today = datetime.date(YEAR + 1, 1, 15)
    anchor = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    if kind == "custom":
        length = rng.randint(1, 365)
        start = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(366 - length))
        label = f"{length} days"
        return area, Comparison.of(start, start + datetime.timedelta(days=length - 1), today=today), label
    period = Period.of(kind, anchor)
    return area, Comparison.of(period.start, period.end, period=period, today=today), kind


def duck_measure(con, path: str, c):
    w = c.windows
    params = [x for win in w for x in (win.start, win.end)]
    return con.execute(
        """
        SELECT stream,
               sum(grams) FILTER (WHERE day BETWEEN $1 AND $2),
               sum(grams) FILTER (WHERE day BETWEEN $3 AND $4),
               sum(grams) FILTER (WHERE day BETWEEN $5 AND $6)
        FROM records
        WHERE starts_with(path, $7)
          AND (day BETWEEN $1 AND $2 OR day BETWEEN $3 AND $4 OR day BETWEEN $5 AND $6)
        GROUP BY stream
        """,
        [*params, path],
    ).fetchall()


def duck_children(con, path: str, depth: int, c):
    key = "site_id" if depth >= 2 else f"substr(path, 1, {len(path) + 5})"  # a community: its sites
    return con.execute(
        f"""
        SELECT {key}, stream,
               sum(grams) FILTER (WHERE day BETWEEN $1 AND $2),
               sum(grams) FILTER (WHERE day BETWEEN $3 AND $4)
        FROM records
        WHERE starts_with(path, $5) AND (day BETWEEN $1 AND $2 OR day BETWEEN $3 AND $4)
        GROUP BY 1, 2
        """,
        [c.current.start, c.current.end, c.previous.start, c.previous.end, path],
    ).fetchall()


def run(runs: int = 300, sites_target: int = 1200, seed: int = 7) -> dict:
    import duckdb
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.timing import percentile
    from fenlei.collection import selectors
    from fenlei.collection.models import AreaDay, AreaMonth
    from fenlei.org.models import Area, Hauler, Site

    rng = random.Random(seed)
    streets, communities = 15, 20
    sites_each = max(1, round(sites_target / (streets * communities)))
    con = duckdb.connect(":memory:")
    con.execute("SET threads TO 2")
    district = Area.objects.filter(name=DISTRICT, parent__isnull=True).first()
    generated = {}
    if district is None:
        print(
            f"building {DISTRICT}: {streets} streets × {communities} communities × {sites_each} sites …",
            flush=True,
        )
        t0 = time.perf_counter()
        district, sites, haulers = build_places(streets, communities, sites_each, rng)
        generated["places_s"] = round(time.perf_counter() - t0, 1)
    else:
        sites = list(
            Site.objects.filter(area_path__startswith=district.path).values_list(
                "id", "area_path", "population"
            )
        )
        haulers = list(Hauler.objects.filter(area_path=district.path).order_by("pk"))
    t0 = time.perf_counter()
    records_table(con, sites, haulers)
    generated["duckdb_records_s"] = round(time.perf_counter() - t0, 1)
    n_records = con.execute("SELECT count(*) FROM records").fetchone()[0]
    if not AreaMonth.objects.filter(area=district).exists():
        print(f"filling the totals from {n_records:,} records …", flush=True)
        count, seconds = fill_totals(con)
        generated["totals_s"] = round(seconds, 1)
        generated["facts_per_s"] = round(count / seconds)
    areas = list(Area.objects.filter(path__startswith=district.path).order_by("path"))
    # one case in three a street or the district, the rest communities (as users are spread)
    upper = [a for a in areas if a.depth < 2]
    weighted = upper * 20 + [a for a in areas if a.depth >= 2]
    user = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser(username="bench-measures", password=None)
    cases = [random_case(rng, weighted) for _ in range(runs)]
    for area, c, _label in cases[:10]:  # warm the caches of both engines
        selectors.measures(selectors.Subject("area", area, user), c)
        duck_measure(con, area.path, c)
    # wall-clock times, and the CPU time of this thread (SQLite runs in it): the machine is shared,
    # and the CPU figure shows the work itself when other processes take the cores
    times = {k: [] for k in ("measures", "children", "measures_cpu", "children_cpu", "duck_m", "duck_c")}
    queries = set()
    for area, c, _label in cases:
        subject = selectors.Subject("area", area, user)
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.thread_time()
            m = selectors.measures(subject, c)
            [r.kg for r in m.streams], [r.value for r in m.rates], [r.rate for r in m.reductions]
            t1, c1 = time.perf_counter(), time.thread_time()
            kids = selectors.children(subject, c)
            [k.now.food_share for k in kids]
            t2, c2 = time.perf_counter(), time.thread_time()
        queries.add(len(ctx.captured_queries))
        times["measures"].append((t1 - t0) * 1000)
        times["children"].append((t2 - t1) * 1000)
        times["measures_cpu"].append((c1 - c0) * 1000)
        times["children_cpu"].append((c2 - c1) * 1000)
        t0 = time.perf_counter()
        duck_measure(con, area.path, c)
        t1 = time.perf_counter()
        duck_children(con, area.path, area.depth, c)
        t2 = time.perf_counter()
        times["duck_m"].append((t1 - t0) * 1000)
        times["duck_c"].append((t2 - t1) * 1000)
    # a check that both engines agree, on the district over the year
    year = selectors.Comparison.of(
        datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31), today=datetime.date(YEAR + 1, 1, 15)
    )
    ours = selectors.measures(selectors.Subject("area", district, user), year).now.grams
    theirs = {s: g for s, g, _p, _l in duck_measure(con, district.path, year)}
    assert ours == theirs, (ours, theirs)

    def stats(values):
        return {"p50_ms": round(percentile(values, 0.5), 2), "p95_ms": round(percentile(values, 0.95), 2)}

    result = {
        "database": connection.vendor,
        "sites": len(sites),
        "areas": len(areas),
        "records": n_records,
        "area_day_rows": AreaDay.objects.count(),
        "area_month_rows": AreaMonth.objects.count(),
        "runs": runs,
        "generated": generated,
        "queries_per_case": sorted(queries),
        "measures": stats(times["measures"]),
        "children": stats(times["children"]),
        "measures_cpu": stats(times["measures_cpu"]),
        "children_cpu": stats(times["children_cpu"]),
        "duckdb_measures": stats(times["duck_m"]),
        "duckdb_children": stats(times["duck_c"]),
        "load_average": os.getloadavg()[0],
    }
    result["ratio_p95_measures"] = round(
        result["duckdb_measures"]["p95_ms"] / result["measures"]["p95_ms"], 1
    )
    result["ratio_p95_children"] = round(
        result["duckdb_children"]["p95_ms"] / result["children"]["p95_ms"], 1
    )
    return result


def print_table(r: dict) -> None:
    print(
        f"\ncollection measures on {r['database']}: {r['records']:,} records of {r['sites']:,} sites, "
        f"{r['areas']} areas; {r['runs']} random cases (area × period up to a year)"
    )
    print(f"{'':<42} {'p50 ms':>8} {'p95 ms':>8}")
    for key, label in (
        ("measures", "measures (totals, rates, 2 comparisons)"),
        ("measures_cpu", "  the same, CPU time of the thread"),
        ("children", "children (child areas / sites)"),
        ("children_cpu", "  the same, CPU time of the thread"),
        ("duckdb_measures", "DuckDB scan, same measures"),
        ("duckdb_children", "DuckDB scan, same children"),
    ):
        print(f"{label:<42} {r[key]['p50_ms']:>8.2f} {r[key]['p95_ms']:>8.2f}")
    print(
        f"queries per case (measures + children): {r['queries_per_case']}; load average {r['load_average']:.1f}"
    )
    print(
        f"DuckDB p95 ÷ totals p95: measures {r['ratio_p95_measures']}×, children {r['ratio_p95_children']}×"
    )
    if r["generated"]:
        print(f"generation: {r['generated']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.collection_measures")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--sites", type=int, default=1200)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    sys.path.insert(0, str(HERE.parent))
    setup_django()
    result = run(runs=args.runs, sites_target=args.sites)
    path = OUT / f"results-measures-{result['database']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print_table(result)
    print(f"\nwritten to {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
