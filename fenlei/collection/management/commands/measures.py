"""fenlei measures: the collection measures of a place over a period, as a user sees them."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from fenlei.collection import quality, selectors
from fenlei.collection.api.measures import measures_data
from fenlei.collection.forms_config import MeasuresQuery
from fenlei.core.cli import actor


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _change(value) -> str:
    return "—" if value is None else f"{value:+.1f}%"


class Command(BaseCommand):
    help = (
        "Print the collection measures (tonnage by stream with the previous period and last year, rates, "
        "reductions; optionally the child units and data quality) of a place over a period, read with a "
        "user's scope. The numbers are those of the overview page and the API."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="username", required=True, help="the user whose scope the figures are read in"
        )
        parser.add_argument("--area", help="an area's number (default: the user's own place)")
        parser.add_argument("--site", help="a site's number")
        parser.add_argument("--hauler", help="a haulier's number")
        parser.add_argument(
            "--period", help="a period code: 2026-05-31, 2026W22, 2026-05, 2026Q2, 2026H1, 2026"
        )
        parser.add_argument("--kind", choices=["day", "week", "month", "quarter", "year"])
        parser.add_argument("--date", help="a day inside the period of --kind (YYYY-MM-DD; default today)")
        parser.add_argument("--start", help="any first day (with --end)")
        parser.add_argument("--end", help="any last day (with --start)")
        parser.add_argument("--children", action="store_true", help="also the child units")
        parser.add_argument(
            "--quality", action="store_true", help="also completeness, timeliness and follow-ups"
        )
        parser.add_argument("--json", action="store_true", help="print JSON (the API's shape)")

    def handle(self, *args, username, children, **options):
        user = actor(username)
        fields = ("area", "site", "hauler", "period", "kind", "date", "start", "end")
        form = MeasuresQuery({k: options[k] for k in fields if options.get(k)})
        if not form.is_valid():
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        try:
            subject = form.subject(user)
        except Http404:
            raise CommandError("that place is outside the user's scope (or does not exist)") from None
        if subject is None:
            raise CommandError(f"{username} holds no role over an area, a haulier or a site")
        comparison = form.comparison()
        m = selectors.measures(subject, comparison)
        kids = selectors.children(subject, comparison) if children else []
        q = quality_of(subject, comparison) if options["quality"] else None
        if options["json"]:
            self.print_json(m, kids, q)
        else:
            self.print_text(m, kids, q)

    def print_json(self, m, kids, q) -> None:
        data = measures_data(m)
        if kids:
            data["children"] = [
                {"id": c.obj.pk, "name": c.obj.name, "kg": c.now.total_kg, "change_pct": c.change}
                for c in kids
            ]
        if q is not None:
            data["quality"] = {
                "expected": q.total.expected,
                "received": q.total.received,
                "on_time": q.total.on_time,
                "completeness": q.total.completeness,
                "timeliness": q.total.timeliness,
                "follow_up": q.total.follow_up,
            }
        self.stdout.write(json_dumps(data))

    def print_text(self, m, kids, q) -> None:
        c = m.comparison
        w = self.stdout.write
        w(f"{m.subject.name}: {c.current.start} … {c.current.end}" + (" (to date)" if c.ongoing else ""))
        w(
            f"previous {c.previous.start} … {c.previous.end}; last year {c.last_year.start} … {c.last_year.end}"
        )
        w(f"{'stream':<16} {'kg':>12} {'previous':>12} {'change':>8} {'last year':>12} {'change':>8}")
        for r in [*m.streams, m.total]:
            w(
                f"{r.label:<16} {r.kg:>12,.1f} {r.previous_kg:>12,.1f} {_change(r.change):>8} "
                f"{r.last_year_kg:>12,.1f} {_change(r.change_last_year):>8}"
            )
        for r in m.rates:
            value = _pct(r.value) if r.unit == "%" else ("—" if r.value is None else f"{r.value:.3f} kg")
            w(f"{r.label}: {value}")
        for r in m.reductions:
            w(f"reduction {r.label} (against {r.baseline_label}): {_pct(r.rate)}")
        for k in kids:
            w(f"  {k.obj.name:<20} {k.now.total_kg:>12,.1f} kg {_change(k.change):>8}")
        if q is not None:
            w(
                f"completeness {_pct(q.total.completeness)} ({q.total.received}/{q.total.expected}), "
                f"timeliness {_pct(q.total.timeliness)} ({q.total.on_time}/{q.total.received}), "
                f"marked for follow-up {q.total.follow_up}"
            )


def quality_of(subject, comparison):
    return quality.quality(subject, comparison.current)


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
