"""`fenlei campaign daily|create|refresh|snapshot|backfill` — the campaign from the command line.

`daily [--on DATE]` is what the scheduler runs once a day (`services.run_daily`: every running
campaign's units judged, the day's coverage kept, the snapshots of assessment milestones taken,
re-check reminders sent). The others set a campaign up and look after it by hand, through the same
services as the pages, audited as the command line. Bad arguments are refused with a message naming
the argument; a refusal of a service prints its message and exits non-zero.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.campaign import services
from fenlei.campaign.choices import Level
from fenlei.campaign.models import Campaign
from fenlei.core.audit import using_face
from fenlei.core.cli import describe
from fenlei.core.models import Face
from fenlei.org.models import Area


def _date(option: str, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("{option}: “{value}” is not a date (YYYY-MM-DD).").format(option=option, value=value)
        ) from None


def _campaign(value) -> Campaign:
    campaign = (
        Campaign.objects.select_related("area").filter(pk=int(value)).first() if value.isdigit() else None
    )
    if campaign is None:
        raise CommandError(_("--campaign: there is no campaign with the id “{value}”.").format(value=value))
    return campaign


def _area(value: str) -> Area:
    area = Area.objects.filter(code=value).first() if value else None
    if area is None and value.isdigit():
        area = Area.objects.filter(pk=int(value)).first()
    if area is None:
        raise CommandError(_("--area: no area has the code or id “{value}”.").format(value=value))
    return area


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--by: there is no active user “{username}”.").format(username=username))
    return user


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "The full-coverage campaign: the daily job (judge every unit, keep the day's coverage, take "
            "the assessment snapshots, remind of re-checks), and setting up and looking after a campaign."
        )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("daily", help=_("the daily job (run it once a day)"))
        p.add_argument("--on", metavar="YYYY-MM-DD", help=_("the day to run for (YYYY-MM-DD; default today)"))
        p = sub.add_parser(
            "create", help=_("create a campaign with the default phases, milestones and checklist")
        )
        p.add_argument(
            "--area", metavar="CODE_OR_ID", required=True, help=_("the district (or city): its code or id")
        )
        p.add_argument("--year", required=True, type=int, help=_("the campaign's year"))
        p.add_argument("--name", default="", help=_("the campaign's name (default: from the year)"))
        p.add_argument("--by", help=_("the user recorded in the audit log as the author"))
        p = sub.add_parser("refresh", help=_("judge the units of a campaign again, as of today"))
        p.add_argument(
            "--campaign", metavar="ID", help=_("the campaign's id (default: every campaign running today)")
        )
        p = sub.add_parser("snapshot", help=_("freeze every checklist of a campaign as it stood on a day"))
        p.add_argument("--campaign", metavar="ID", required=True, help=_("the campaign's id"))
        p.add_argument(
            "--on", metavar="YYYY-MM-DD", required=True, help=_("the day (YYYY-MM-DD), today or before")
        )
        p.add_argument("--name", required=True, help=_("the snapshot's name, e.g. 半年度考核"))
        p.add_argument("--by", help=_("the user recorded in the audit log as the author"))
        p = sub.add_parser("backfill", help=_("keep the coverage of past days (the burn-up)"))
        p.add_argument("--campaign", metavar="ID", required=True, help=_("the campaign's id"))
        p.add_argument(
            "--from", dest="start", metavar="YYYY-MM-DD", required=True, help=_("the first day (YYYY-MM-DD)")
        )
        p.add_argument(
            "--to", dest="end", metavar="YYYY-MM-DD", help=_("the last day (YYYY-MM-DD; default today)")
        )
        p.add_argument("--every", type=int, default=1, metavar="N", help=_("every how many days (default 1)"))

    def handle(self, *args, subcommand, **options):
        try:
            if subcommand == "daily":
                self.daily(**options)  # the daily job records its changes as the system's
            else:
                with using_face(Face.CLI):
                    getattr(self, subcommand)(**options)
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Permission denied.")) from None

    def daily(self, *, on=None, **_options):
        day = _date("--on", on) or timezone.localdate()
        run = services.run_daily(on=day)
        self.stdout.write(
            _(
                "{day}: {campaigns} campaigns running, {units} units judged, {snapshots} snapshots taken, "
                "{reminders} re-check reminders sent."
            ).format(
                day=day.isoformat(),
                campaigns=run.campaigns,
                units=run.units,
                snapshots=run.snapshots,
                reminders=run.reminders,
            )
        )

    def create(self, *, area, year, name, by=None, **_options):
        user = _user(by)
        where = _area(area)
        if Campaign.objects.filter(
            area=where, year=year
        ).exists():  # the service refuses it too, less clearly
            raise CommandError(
                _("--year: {area} already has a campaign for {year}.").format(area=where.name, year=year)
            )
        campaign = services.create_campaign(area=where, year=year, by=user, name=name)
        self.stdout.write(
            _("Created campaign {id} “{name}”: {start} to {end}, coverage deadline {deadline}.").format(
                id=campaign.pk,
                name=campaign.name,
                start=campaign.starts_on.isoformat(),
                end=campaign.ends_on.isoformat(),
                deadline=campaign.coverage_deadline.isoformat(),
            )
        )

    def refresh(self, *, campaign=None, **_options):
        if campaign:
            campaigns = [_campaign(campaign)]
        else:
            today = timezone.localdate()
            campaigns = list(Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("pk"))
            if not campaigns:
                self.stdout.write(_("No campaign is running today: nothing judged."))
                return
        for c in campaigns:
            n = services.refresh(c)
            self.stdout.write(_("Judged {units} units of “{name}”.").format(units=n, name=c.name))

    def snapshot(self, *, campaign, on, name, by=None, **_options):
        c = _campaign(campaign)
        day = _date("--on", on)
        if not name.strip():
            raise CommandError(_("--name: give the snapshot a name."))
        snap = services.take_snapshot(c, on=day, name=name.strip()[:100], by=_user(by))
        covered = snap.units.filter(level=Level.COMMUNITY, covered=True).count()
        total = snap.units.filter(level=Level.COMMUNITY).count()
        self.stdout.write(
            _("Took snapshot {id} “{name}” of {day}: {covered} of {total} communities covered.").format(
                id=snap.pk, name=snap.name, day=day.isoformat(), covered=covered, total=total
            )
        )

    def backfill(self, *, campaign, start, end=None, every=1, **_options):
        c = _campaign(campaign)
        today = timezone.localdate()
        first = _date("--from", start)
        last = _date("--to", end) or today
        if every < 1:
            raise CommandError(_("--every: give a whole number of days, 1 or more."))
        if last > today:
            raise CommandError(
                _("--to: {day} is still to come; the coverage of a day is kept once it has come.").format(
                    day=last.isoformat()
                )
            )
        if first > last:
            raise CommandError(
                _("--from: {first} comes after the last day {last}.").format(
                    first=first.isoformat(), last=last.isoformat()
                )
            )
        if first < c.starts_on:
            raise CommandError(
                _("--from: {first} is before the campaign starts ({start}).").format(
                    first=first.isoformat(), start=c.starts_on.isoformat()
                )
            )
        done = services.backfill(c, first, last, every=every)
        self.stdout.write(
            _(
                "Kept the coverage of {done} more days of “{name}” ({first} to {last}, every {every} days)."
            ).format(done=done, name=c.name, first=first.isoformat(), last=last.isoformat(), every=every)
        )
