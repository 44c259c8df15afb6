"""Inspection fixtures on top of the fixture world: coordinates for 甲一花园 and a drop-off point in
甲一社区, a wet truck of 绿洁环卫, and helpers that answer a checklist and make timed photos."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from fenlei.core.testing import files
from fenlei.inspections import services
from fenlei.inspections.choices import Result, TargetType

#: Frozen "now" of these tests: Monday 2026-06-15 09:00 in the district's time zone.
NOW = datetime.datetime(2026, 6, 15, 9, 0)
#: 甲一花园's position (a point in 上海).
A1_GARDEN = (Decimal("31.234567"), Decimal("121.470000"))


@pytest.fixture
def now(time_machine):
    moment = timezone.make_aware(NOW)
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.fixture
def garden(world):
    site = world.sites["a1_estate"]
    site.latitude, site.longitude = A1_GARDEN
    site.save(update_fields=["latitude", "longitude"])
    return site


def timed_photo(name="photo.jpg", *, at=None, code="", lat=None, lng=None):
    """A photo as the inspection page sends it: the file, the item it shows, when and where."""
    at = at or timezone.now()
    return services.PhotoIn(
        file=files.upload(name, files.image_bytes(gps=False), "image/jpeg"),
        code=code,
        taken_at=at,
        latitude=lat,
        longitude=lng,
    )


def answers_for(version, *, fail=(), na=(), purity=None):
    """Every item of `version` answered: `fail` codes as problems, `na` not applicable, the rest pass;
    purity items get `purity` (default: two clean bins)."""
    out = []
    for item in version.items.all():
        if item.purity and item.code not in na:
            values = purity if purity is not None else ([60, 95] if item.code in fail else [90, 95])
            out.append(services.AnswerIn(code=item.code, purity=values))
            continue
        result = Result.FAIL if item.code in fail else Result.NA if item.code in na else Result.PASS
        out.append(
            services.AnswerIn(code=item.code, result=result, note="桶满溢" if item.code in fail else "")
        )
    return out


def inspect(user, site, *, fail=(), photos=None, client_id=None, lat=None, lng=None, **kwargs):
    """Submit an inspection of `site` by `user` failing the items `fail` (a photo for each)."""
    version = services.template_for(TargetType.SITE, site)
    lat = site.latitude if lat is None else lat
    lng = site.longitude if lng is None else lng
    if photos is None:
        photos = [timed_photo(f"{code}.jpg", code=code, lat=lat, lng=lng) for code in fail]
    return services.submit(
        by=user,
        target_type=TargetType.SITE,
        target_id=site.pk,
        client_id=client_id or uuid.uuid4(),
        answers=answers_for(version, fail=fail),
        photos=photos,
        started_at=timezone.now() - datetime.timedelta(minutes=20),
        finished_at=timezone.now(),
        latitude=lat,
        longitude=lng,
        accuracy_m=15,
        **kwargs,
    )
