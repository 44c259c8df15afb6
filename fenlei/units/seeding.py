"""Demo data for the unit ledgers: a record for every public institution and restaurant site.

Most institutions have started sorting, some meet the standard, a few are model units and a few
have not started; most restaurants have a haulier, a contract and a signed commitment, and some
have let one lapse or never signed, so the overview has something to show. Dates are relative to
the day of seeding (the demo should look current); deterministic for a given generator and day.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from fenlei.org.models import Hauler, SiteKind
from fenlei.units.choices import SortingStatus
from fenlei.units.models import InstitutionRecord, RestaurantRecord

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_POSTS = ("办公室主任", "后勤处长", "总务主任", "副校长", "副院长", "行政科长")
_STATUSES = (
    (SortingStatus.NOT_STARTED, 0.05),
    (SortingStatus.STARTED, 0.45),
    (SortingStatus.COMPLIANT, 0.40),
    (SortingStatus.MODEL, 0.10),
)


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    today = timezone.localdate()
    kinds = {k.pk: k for k in SiteKind.objects.all()}
    haulers: dict[str, list[Hauler]] = {}
    for h in Hauler.objects.filter(closed_on__isnull=True).select_related("district").order_by("pk"):
        haulers.setdefault(h.district.path, []).append(h)
    institutions, restaurants = [], []
    for site in sites:
        kind = kinds[site.kind_id]
        placed = {"area_id": site.community_id, "site": site, "area_path": site.area_path}
        if kind.public_institution:
            status = rng.choices([s for s, _w in _STATUSES], weights=[w for _s, w in _STATUSES])[0]
            institutions.append(
                InstitutionRecord(
                    **placed,
                    sorting_status=status,
                    status_since=today - datetime.timedelta(days=rng.randint(30, 900)),
                    staff=rng.randint(20, 600),
                    sorting_lead=rng.choice(_SURNAMES) + rng.choice(("主任", "老师", "科长")),
                    sorting_lead_post=rng.choice(_POSTS),
                )
            )
        elif kind.restaurant:
            seats = rng.choice((24, 40, 60, 90, 120, 180, 300, 520))
            record = RestaurantRecord(**placed, seats=seats, size=RestaurantRecord.size_for_seats(seats))
            choices = next((hs for path, hs in haulers.items() if site.area_path.startswith(path)), [])
            if choices and rng.random() < 0.9:
                start = today - datetime.timedelta(days=rng.randint(30, 700))
                record.hauler = rng.choice(choices)
                record.contract_number = f"CC-{start.year}-{site.pk:05d}"
                record.contract_start = start
                record.contract_end = start + datetime.timedelta(days=rng.choice((365, 730)))
            if rng.random() < 0.85:
                signed = today - datetime.timedelta(days=rng.randint(20, 760))
                record.commitment_signed = True
                record.commitment_signed_on = signed
                record.commitment_expires = signed + datetime.timedelta(days=365 * 2)
            restaurants.append(record)
    return write(InstitutionRecord, institutions) + write(RestaurantRecord, restaurants)
