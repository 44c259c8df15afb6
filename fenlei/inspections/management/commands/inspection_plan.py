"""fenlei inspection_plan: give each inspector its list of targets for a day (run it each morning)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from fenlei.core.audit import using_face
from fenlei.core.models import Face
from fenlei.inspections.plan import make_plan
from fenlei.org.models import Area


class Command(BaseCommand):
    help = "Plan the inspectors' visits for a day: the targets most behind their monthly quota first."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day to plan (YYYY-MM-DD; default today)")
        parser.add_argument("--area", help="the area to plan, by code or id (default: every top area)")

    def handle(self, *args, day, area, **options):
        try:
            when = datetime.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--day: {day!r} is not a date (YYYY-MM-DD)") from None
        if area:
            match = Q(code=area) | (Q(pk=int(area)) if area.isdigit() else Q())
            found = list(Area.objects.filter(match, closed_on__isnull=True)[:2])
            if len(found) != 1:
                raise CommandError(f"--area: no single open area has the code or id {area!r}")
            areas = found
        else:
            areas = list(Area.objects.filter(parent__isnull=True, closed_on__isnull=True))
        with using_face(Face.CLI):
            for a in areas:
                run = make_plan(day=when, area=a, by=None)
                self.stdout.write(
                    f"{when} {a.name}: {run.created} new visits for {run.inspectors} inspectors"
                )
                for username, n in sorted(run.per_inspector.items()):
                    self.stdout.write(f"  {username}: {n}")
