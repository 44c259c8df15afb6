"""fenlei detect_alarms: look for the alarms that need more than one write to see."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fenlei.collection import detect


class Command(BaseCommand):
    help = "Detect mixed-collection alarms and data-quality findings over recent days (run it daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=28, help="how many days back to look (default 28)")
        parser.add_argument("--until", help="the last day to look at (YYYY-MM-DD; default yesterday)")
        parser.add_argument("--kind", action="append", help="only this kind of alarm (repeatable)")

    def handle(self, *args, days, until, kind, **options):
        try:
            last = (
                datetime.date.fromisoformat(until)
                if until
                else timezone.localdate() - datetime.timedelta(days=1)
            )
        except ValueError:
            raise CommandError(f"--until: {until!r} is not a date (YYYY-MM-DD)") from None
        if days < 1:
            raise CommandError("--days must be at least 1")
        first = last - datetime.timedelta(days=days - 1)
        raised = detect.run(first, last, kinds=kind)
        for k, n in raised.items():
            self.stdout.write(f"{k}: {n} new")
        self.stdout.write(f"looked at {first} … {last}")
