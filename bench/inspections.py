"""Benchmark of the inspection measures and coverage (fenlei.inspections.selectors).

    python -m bench.inspections [--runs 30] [--months 3] [--sites-each 20]
    python -m bench --only inspections          (the same, from `make bench`)

Builds (once, in bench/out/var-inspections/, or the DATABASE_URL database) a district of its own —
15 streets × 20 communities × 20 sites = 6,000 targets — and `--months` months of inspections
(each site twice a month, one in five with a problem and its rectification order, most closed),
written in bulk. Then times `selectors.measures` and `selectors.coverage` for the district, a
street and a community (p50/p95 ms and query counts) and writes
bench/out/results-inspections-<vendor>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
START = datetime.date(2025, 10, 1)


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["FENLEI_VAR_DIR"] = str(OUT / "var-inspections")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(months: int, sites_each: int, rng: random.Random):
    from django.utils import timezone

    from bench.collection_measures import DISTRICT, build_places
    from fenlei.accounts.models import User
    from fenlei.inspections import services
    from fenlei.inspections.choices import OrderState, TargetType
    from fenlei.inspections.models import Inspection, RectificationOrder
    from fenlei.org.models import Area, Site

    district = Area.objects.filter(name=DISTRICT).first()
    if district is not None:
        return district
    district, _sites, _haulers = build_places(15, 20, sites_each, rng)
    user, _ = User.objects.get_or_create(username="bench-inspector")
    sites = list(
        Site.objects.filter(area_path__startswith=district.path).values_list(
            "pk", "community_id", "area_path"
        )
    )
    version = services.template_for(TargetType.SITE, Site.objects.get(pk=sites[0][0]))
    item = version.items.get(code="F2")
    tz = timezone.get_current_timezone()
    days = [START + datetime.timedelta(days=d) for d in range(months * 30)]
    rows, problems = [], []
    for pk, community, path in sites:
        for month in range(months):
            for _visit in range(2):
                day = days[month * 30 + rng.randrange(30)]
                bad = rng.random() < 0.2
                at = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8))), tz
                )
                rows.append(
                    Inspection(
                        client_id=uuid.uuid4(),
                        inspector=user,
                        version=version,
                        started_at=at,
                        finished_at=at,
                        day=day,
                        score=Decimal(90 if not bad else 70),
                        passed=True,
                        problems=int(bad),
                        target_type=TargetType.SITE,
                        site_id=pk,
                        area_id=community,
                        area_path=path,
                    )
                )
                problems.append(bad)
    Inspection.objects.bulk_create(rows, batch_size=2000)
    kept = Inspection.objects.filter(area_path__startswith=district.path, problems__gt=0).values_list(
        "pk", "site_id", "area_id", "area_path", "finished_at", "day"
    )
    orders = []
    for pk, site, area, path, at, day in kept.iterator():
        roll = rng.random()
        deadline = day + datetime.timedelta(days=5)
        answered = at + datetime.timedelta(days=rng.randint(1, 7)) if roll < 0.85 else None
        closed = answered + datetime.timedelta(hours=rng.randint(2, 48)) if answered and roll < 0.8 else None
        orders.append(
            RectificationOrder(
                number=f"B{pk}",
                inspection_id=pk,
                item=item,
                concern=rng.choice(["facilities", "sorting", "signage", "ledgers"]),
                severity="minor",
                summary=item.text,
                responsible="site",
                responsible_area_id=area,
                state=OrderState.CLOSED
                if closed
                else (OrderState.SUBMITTED if answered else OrderState.PENDING),
                deadline=deadline,
                issued_at=at,
                answered_at=answered,
                closed_at=closed,
                target_type=TargetType.SITE,
                site_id=site,
                area_id=area,
                area_path=path,
            )
        )
    RectificationOrder.objects.bulk_create(orders, batch_size=2000)
    return district


def timed(fn, runs: int):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": queries,
    }


def run(runs: int, months: int, sites_each: int) -> dict:
    from django.db import connection

    from fenlei.accounts.models import User
    from fenlei.core.periods import Period
    from fenlei.inspections import selectors
    from fenlei.org.models import Area

    rng = random.Random(5)
    t = time.perf_counter()
    district = build(months, sites_each, rng)
    built_s = round(time.perf_counter() - t, 1)
    root, _ = User.objects.get_or_create(
        username="bench-root", defaults={"is_superuser": True, "is_staff": True}
    )
    street = Area.objects.filter(parent=district).order_by("path").first()
    community = Area.objects.filter(parent=street).order_by("path").first()
    from fenlei.inspections.models import Inspection, RectificationOrder

    counts = {
        "inspections": Inspection.objects.filter(area_path__startswith=district.path).count(),
        "orders": RectificationOrder.objects.filter(area_path__startswith=district.path).count(),
    }
    results = []
    for label, area in (("district", district), ("street", street), ("community", community)):
        for pname, period in (("month", Period.parse("2025-11")), ("quarter", Period.parse("2025Q4"))):
            r = timed(lambda area=area, period=period: selectors.measures(root, area, period), runs)
            results.append({"selector": "measures", "area": label, "period": pname, **r})
        r = timed(lambda area=area: selectors.coverage(root, area, Period.parse("2025-11")), runs)
        results.append({"selector": "coverage", "area": label, "period": "month", **r})
    return {"database": connection.vendor, "build_s": built_s, **counts, "runs": runs, "results": results}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inspections")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--sites-each", type=int, default=20)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    setup_django()
    out = run(args.runs, args.months, args.sites_each)
    path = OUT / f"results-inspections-{out['database']}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    print(
        f"{out['inspections']} inspections, {out['orders']} orders on {out['database']} (built in {out['build_s']} s)"
    )
    print(f"{'selector':<10} {'area':<10} {'period':<8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for r in out["results"]:
        print(
            f"{r['selector']:<10} {r['area']:<10} {r['period']:<8} {r['queries']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}"
        )
    print(f"\nwritten to {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
