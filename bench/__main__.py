"""Run the benchmarks: `python -m bench [--scale city|district] [--runs N]
[--only pages|ledgers|measures|inspections|collection-ingest|campaign]`.

Builds (once) a seeded database of the chosen scale in bench/out/ (or uses DATABASE_URL), then
measures the server time and query count of the structure's pages through Django's test client,
as the district office and as a street administrator would open them. Prints a table and writes
bench/out/results-<scale>-<vendor>.json.

The ledger benchmarks (bench/ledgers.py: a 100,000-row list, a 50,000-row import, a 100,000-row
export) add 100,000 drop-off points to that database once, and write
bench/out/results-ledgers-<vendor>.json. `--ledger-parts list,import,export` picks some of them.

The collection-measures benchmark (bench/collection_measures.py: a district-scale year of totals,
random measures against a DuckDB scan of the raw records) runs first, in a process of its own.

The inspections benchmark (bench/inspections.py; only with `--only inspections`) builds a district of
6,000 targets with three months of inspections and orders in a database of its own and times the
inspection measures and coverage selectors.

The collection ingest benchmark (bench/collection_ingest.py; only with `--only collection-ingest`,
and meant for `--scale district` on SQLite) posts a year of generated device batches to a real
server's ingest endpoint and writes bench/out/results-collection-ingest-<vendor>.json.

The campaign benchmark (bench/campaign.py; only with `--only campaign`) sets up a full-coverage
campaign over the seeded world's root (once), times the daily job's parts, the overview, the
campaign and unit pages and the judging of units, and writes
bench/out/results-campaign-<scale>-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=("district", "city"), default="city")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--only",
        choices=("pages", "ledgers", "measures", "inspections", "collection-ingest", "campaign", "lookup"),
        help=(
            "run one benchmark (default: measures, pages and ledgers; collection-ingest and campaign "
            "only when named)"
        ),
    )
    parser.add_argument(
        "--measures-runs", type=int, default=300, help="random cases of the measures benchmark"
    )
    parser.add_argument("--ledger-runs", type=int, default=20, help="runs per ledger list page (default: 20)")
    parser.add_argument(
        "--ledger-parts",
        default="list,import,export",
        help="which ledger benchmarks to run, comma-separated (default: list,import,export)",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace the Python heap of the import and export"
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="collection ingest: parallel clients (default: 4)"
    )
    parser.add_argument(
        "--server",
        choices=("gunicorn", "runserver"),
        default="gunicorn",
        help="collection ingest: the server (default: gunicorn)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="collection ingest: gunicorn workers (default: 2)"
    )
    parser.add_argument(
        "--days", type=int, default=365, help="collection ingest: days of records (default: 365)"
    )
    parser.add_argument("--trips", action="store_true", help="collection ingest: pick-ups name trips")
    parser.add_argument(
        "--keep", action="store_true", help="collection ingest: keep the batches and databases"
    )
    parser.add_argument(
        "--daily-runs", type=int, default=3, help="campaign: runs of each part of the daily job (default: 3)"
    )
    parser.add_argument(
        "--campaign-year", type=int, help="campaign: the campaign's year (default: this year)"
    )
    parser.add_argument(
        "--shift-days",
        type=int,
        help="campaign: days to shift the campaign's dates (default: today falls on its 3 August)",
    )
    parser.add_argument(
        "--backfill-every",
        type=int,
        default=7,
        help="campaign: days between the coverage days kept when it is set up (default: 7)",
    )
    parser.add_argument(
        "--campaign-parts",
        default="daily,overview,pages,judging",
        help="campaign: which parts to run, comma-separated (default: daily,overview,pages,judging)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="campaign: also write cProfile and slowest-query reports to bench/out/profile-campaign-<vendor>/",
    )
    args = parser.parse_args(argv)

    OUT.mkdir(exist_ok=True)
    if args.only in (
        "inspections",
        "lookup",
    ):  # each in a database of its own (bench/inspections.py, bench/lookup.py)
        import subprocess

        return subprocess.call([sys.executable, "-m", f"bench.{args.only}"], cwd=HERE.parent)
    if args.only in (None, "measures"):
        # its own district in its own database (bench/out/var-measures), so it runs in a process of its own
        import subprocess

        code = subprocess.call(
            [sys.executable, "-m", "bench.collection_measures", "--runs", str(args.measures_runs)],
            cwd=HERE.parent,
        )
        if code or args.only == "measures":
            return code
    if not os.environ.get("DATABASE_URL"):
        os.environ["FENLEI_VAR_DIR"] = str(OUT / f"var-{args.scale}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from fenlei.org.models import Area

    if not Area.objects.exists():
        print(f"seeding the {args.scale} world (once) …", flush=True)
        call_command("seed", scale=args.scale, no_progress=True, verbosity=0)

    vendor = connection.vendor
    if args.only == "collection-ingest":
        run_collection_ingest(args, vendor)
        return 0
    if args.only == "campaign":
        run_campaign(args, vendor)
        return 0
    if args.only != "ledgers":
        run_pages(args, vendor)
    if args.only != "pages":
        run_ledgers(args, vendor)
    return 0


def run_collection_ingest(args, vendor: str) -> None:
    from bench import collection_ingest

    results = collection_ingest.run(
        clients=args.clients,
        workers=args.workers,
        server=args.server,
        days=args.days,
        trips=args.trips,
        keep=args.keep,
    )
    path = OUT / f"results-collection-ingest-{vendor}.json"
    path.write_text(
        json.dumps(
            {**results, "scale": args.scale, "database": vendor}, ensure_ascii=False, indent=2, default=str
        )
    )
    collection_ingest.print_table(results)
    print(f"\nwritten to {path.relative_to(HERE.parent)}")


def run_campaign(args, vendor: str) -> None:
    from bench import campaign

    parts = tuple(p.strip() for p in args.campaign_parts.split(",") if p.strip())
    unknown = set(parts) - set(campaign.PARTS)
    if unknown:
        raise SystemExit(f"unknown campaign parts: {', '.join(sorted(unknown))}")
    results = campaign.run(
        runs=args.runs,
        daily_runs=args.daily_runs,
        year=args.campaign_year,
        shift_days=args.shift_days,
        every=args.backfill_every,
        profile_dir=OUT / f"profile-campaign-{vendor}" if args.profile else None,
        parts=parts,
    )
    print(f"\ncampaign, {args.scale} scale on {vendor}")
    campaign.print_table(results)
    path = OUT / f"results-campaign-{args.scale}-{vendor}.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    if not results["build"] and previous.get("build"):  # the campaign was set up by an earlier run
        results.update(build=previous["build"], build_s=previous.get("build_s"), build_reused=True)
    for part in campaign.PARTS:  # a partial run keeps the other parts' last figures
        if part not in results and part in previous:
            results[part] = previous[part]
    path.write_text(
        json.dumps({**results, "scale": args.scale, "database": vendor}, ensure_ascii=False, indent=2)
    )
    print(f"\nwritten to {path.relative_to(HERE.parent)}")


def run_pages(args, vendor: str) -> None:
    from bench import pages

    results = pages.run(runs=args.runs)
    path = OUT / f"results-{args.scale}-{vendor}.json"
    path.write_text(
        json.dumps(
            {"scale": args.scale, "database": vendor, "runs": args.runs, "pages": results},
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\n{args.scale} scale on {vendor}, {args.runs} runs each (server time through the test client)")
    print(f"{'page':<44} {'rows':>7} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for r in results:
        print(f"{r['page']:<44} {r['rows']:>7} {r['queries']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")
    print(f"\nwritten to {path.relative_to(HERE.parent)}")


def run_ledgers(args, vendor: str) -> None:
    from bench import ledgers

    parts = tuple(p.strip() for p in args.ledger_parts.split(",") if p.strip())
    unknown = set(parts) - {"list", "import", "export"}
    if unknown:
        raise SystemExit(f"unknown ledger parts: {', '.join(sorted(unknown))}")
    results = ledgers.run(runs=args.ledger_runs, parts=parts, tracemalloc=args.tracemalloc)
    path = OUT / f"results-ledgers-{vendor}.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    if previous.get("scale") == args.scale:  # a partial run keeps the other parts' last figures
        results = {**previous, **results}
    path.write_text(
        json.dumps(
            {**results, "scale": args.scale, "database": vendor, "runs": args.ledger_runs},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(
        f"\nledgers, {args.scale} scale on {vendor}, {args.ledger_runs} runs per page "
        "(server time through the test client)"
    )
    ledgers.print_table(results)
    print(f"\nwritten to {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    sys.exit(main())
