"""The kitchen-waste chain's part of the test world: 甲二饭店 (a restaurant in 甲二社区) under contract
with 绿洁环卫 for 2026 and a commitment signed on 2026-01-10, and its manager, rita."""

from __future__ import annotations

import datetime

from django.utils import translation

from fenlei.accounts import services as account_services
from fenlei.accounts.models import User
from fenlei.collection import services
from fenlei.collection.choices import EntryFace
from fenlei.core.roles import Role
from fenlei.core.testing.world import PASSWORD

D = datetime.date(2026, 6, 15)


def days_ago(n: int) -> datetime.date:
    return D - datetime.timedelta(days=n)


def at(day: datetime.date, hour: int = 7) -> str:
    return f"{day.isoformat()}T{hour:02d}:30:00+08:00"


def restaurant_record(world, site=None, **fields):
    from fenlei.units.models import RestaurantRecord

    site = site or world.sites["a2_restaurant"]
    data = {
        "seats": 120,
        "hauler": world.hauler,
        "contract_number": "LJ-2026-017",
        "contract_start": datetime.date(2026, 1, 1),
        "contract_end": datetime.date(2026, 12, 31),
        "commitment_signed": True,
        "commitment_signed_on": datetime.date(2026, 1, 10),
        "commitment_expires": datetime.date(2027, 1, 9),
    }
    data.update(fields)
    record = RestaurantRecord(area=site.community, site=site, **data)
    record.full_clean()
    record.save()
    return record


def second_restaurant(world, name="甲一食堂", community=None):
    from fenlei.org import services as org
    from fenlei.org.models import Site, SiteKind

    return org.site_create(
        site=Site(
            name=name,
            kind=SiteKind.objects.get(code="restaurant"),
            community=community or world.community_a1,
        ),
        by=None,
    )


def manager_of(world, site, username="rita"):
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username.title())
    account_services.assign(user=user, role=Role.SITE_MANAGER, target=site, by=None)
    world.users[username] = user
    return user


def send(fleet, rows, *, device=True, by=None, face=EntryFace.DEVICE):
    with translation.override("en"):
        return services.ingest(
            rows,
            face=face,
            device=fleet.device if device else None,
            by=by,
            within=[fleet.device.area_path],
        )
