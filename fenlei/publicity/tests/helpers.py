"""Helpers of the publicity tests."""

import datetime

from fenlei.core import services
from fenlei.publicity.models import Activity


def make_activity(world, area, *, site=None, by=None, **fields):
    values = {
        "date": datetime.date(2025, 3, 5),
        "organiser": "居委会",
        "kind": "handout",
        "target": "communities",
        **fields,
    }
    return services.create(Activity(area=area, site=site, **values), by=by)
