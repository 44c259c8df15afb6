"""fenlei inspections deadlines|order — rectification orders from the command line.

`deadlines [--today YYYY-MM-DD]` runs the daily deadline pass (`services.run_deadlines`: overdue
orders, escalation to the street and then the district, reminders) and prints the counts; it is
what the scheduler calls once a day.

`order NUMBER STEP --by USERNAME [--note …] [--photo FILE --taken-at ISO …] [--to …]` takes one
step on an order as that user, through `services.transition` like every other face, audited as the
command line. A refusal prints the service's (translated) message and exits non-zero.
"""

from __future__ import annotations

import datetime
import mimetypes
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fenlei.core.audit import using_face
from fenlei.core.cli import actor, describe
from fenlei.core.models import Face
from fenlei.inspections import services
from fenlei.inspections.choices import Responsible, Step
from fenlei.inspections.forms_orders import parse_taken_at
from fenlei.inspections.models import RectificationOrder


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a date (YYYY-MM-DD)") from None


def find_order(number: str) -> RectificationOrder:
    order = RectificationOrder.objects.filter(number=number).first()
    if order is None and number.isdigit():
        order = RectificationOrder.objects.filter(pk=int(number)).first()
    if order is None:
        raise CommandError(f"no rectification order {number!r}")
    return order


def find_area(ref: str):
    from fenlei.org.models import Area

    area = Area.objects.filter(code=ref).first() or Area.objects.filter(name=ref).first()
    if area is None and ref.isdigit():
        area = Area.objects.filter(pk=int(ref)).first()
    if area is None:
        raise CommandError(f"no area {ref!r}")
    return area


def read_photo(path: str, taken_at: str | None, lat: float | None, lng: float | None) -> services.PhotoIn:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    moment = None
    if taken_at:
        moment = parse_taken_at(taken_at)
        if moment is None:
            raise CommandError(f"--taken-at: {taken_at!r} is not a time (ISO 8601, e.g. 2026-06-15T10:30)")
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return services.PhotoIn(
        file=SimpleUploadedFile(file.name, data, kind), taken_at=moment, latitude=lat, longitude=lng
    )


class Command(BaseCommand):
    help = "Run the daily deadline pass of rectification orders, or take a step on one order."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("deadlines", help="mark overdue orders, escalate them, send reminders")
        p.add_argument("--today", type=_day, help="the day to run for (default: today)")
        p = sub.add_parser("order", help="take a step on one order")
        p.add_argument("number", help="the order's number (or id)")
        p.add_argument("step", choices=[s for s in Step.values if s not in (Step.ISSUE,)])
        p.add_argument("--by", required=True, help="the user taking the step")
        p.add_argument("--note", default="", help="a note; the reason for return and reroute")
        p.add_argument("--photo", action="append", default=[], help="an after photo (answer; repeatable)")
        p.add_argument("--taken-at", action="append", default=[], help="when each photo was taken (ISO 8601)")
        p.add_argument("--lat", type=float, help="where the photos were taken: latitude")
        p.add_argument("--lng", type=float, help="where the photos were taken: longitude")
        p.add_argument("--to", choices=Responsible.values, help="reroute: the unit the order goes to")
        p.add_argument("--area", help="reroute: the community or street (code, name or id)")
        p.add_argument("--hauler", type=int, help="reroute: the hauler's id")
        p.add_argument("--authority", type=int, help="reroute: the industry authority's id")

    def handle(self, *args, subcommand, **options):
        try:
            if subcommand == "deadlines":
                with using_face(Face.SYSTEM):
                    self.deadlines(options["today"])
            else:
                with using_face(Face.CLI):
                    self.order(**options)
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "permission denied") from None

    def deadlines(self, today):
        # With --today, the steps are dated that day (at the present time of day): escalated_at then
        # agrees with the day the street's working days are counted to.
        now = None
        if today is not None:
            now = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime().time()))
        run = services.run_deadlines(today=today, now=now)
        self.stdout.write(
            f"overdue: {run.overdue}, escalated to the street: {run.to_street}, "
            f"escalated to the district: {run.to_district}, reminded: {run.reminded}"
        )

    def order(self, *, number, step, by, note, photo, taken_at, lat, lng, to, area, hauler, authority, **_):
        user = actor(by)
        order = find_order(number)
        if len(taken_at) > len(photo):
            raise CommandError("--taken-at: one per --photo")
        photos = [
            read_photo(path, taken_at[i] if i < len(taken_at) else None, lat, lng)
            for i, path in enumerate(photo)
        ]
        order = services.transition(
            order,
            step,
            by=user,
            note=note,
            photos=photos,
            responsible=to,
            responsible_area=find_area(area) if area else None,
            hauler_id=hauler,
            authority_id=authority,
        )
        self.stdout.write(f"{order.number}: {order.get_state_display()}")
