"""Collection fixtures on top of the fixture world: two vehicles of 绿洁环卫 (hal's haulier), one of
清源运输, a transfer station in 甲街道, a plant in the district, and a device of 绿洁环卫 reporting for
the district."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from fenlei.collection import services
from fenlei.collection.models import Device
from fenlei.facilities.models import IntermediateFacility, TerminalFacility, Vehicle

#: Frozen "now" of these tests: 2026-06-15 10:00 in the district's time zone.
NOW = datetime.datetime(2026, 6, 15, 10, 0)


def save(obj):
    obj.full_clean()
    obj.save()
    return obj


@dataclass
class Fleet:
    wet: Vehicle
    dry: Vehicle
    foreign: Vehicle
    transfer: IntermediateFacility
    plant: TerminalFacility
    device: Device
    token: str


@pytest.fixture
def now(time_machine):
    moment = timezone.make_aware(NOW)
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.fixture
def fleet(world, now):
    wet = save(Vehicle(plate="浙A10001", hauler=world.hauler, stream="wet"))
    dry = save(Vehicle(plate="浙A10002", hauler=world.hauler, stream="dry"))
    foreign = save(Vehicle(plate="浙B20001", hauler=world.other_hauler, stream="wet"))
    transfer = save(IntermediateFacility(name="甲街道中转站", kind="sorting_centre", area=world.street_a))
    plant = save(
        TerminalFacility(
            name="东湖湿垃圾处理厂", kind="biochemical", area=world.district, daily_capacity_t=300
        )
    )
    device, token = services.device_create(
        device=Device(name="绿洁地磅一号", kind="weighbridge", area=world.district, hauler=world.hauler),
        by=world.alice,
    )
    return Fleet(wet, dry, foreign, transfer, plant, device, token)


def row(site, stream="wet", kg=120.5, when="2026-06-15T07:30:00+08:00", **extra):
    """A device's record for `site` (a Site, or a dict of other source keys)."""
    data = {"occurred_at": when, "stream": stream, "weight_kg": kg}
    if isinstance(site, dict):
        data.update(site)
    else:
        data["site"] = site.pk
    data.update(extra)
    return data
