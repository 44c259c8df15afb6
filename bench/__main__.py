"""Run the benchmarks: `python -m bench [--scale city|district] [--runs N]`.

Builds (once) a seeded database of the chosen scale in bench/out/ (or uses DATABASE_URL), then
measures the server time and query count of the structure's pages through Django's test client,
as the district office and as a street administrator would open them. Prints a table and writes
bench/out/results-<scale>-<vendor>.json.
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
    args = parser.parse_args(argv)

    OUT.mkdir(exist_ok=True)
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

    from bench import pages

    results = pages.run(runs=args.runs)
    vendor = connection.vendor
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
