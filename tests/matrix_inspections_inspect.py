"""Permission-matrix cases of the inspector's pages: pick a target, the nearby list, the checklist
form, the submit endpoint, the list of inspections, one inspection and its photos.

The rules, from `fenlei.core.roles` and the scopes of the models:
- inspecting is adding an Inspection, placed at the target's area (`services.inspectable_areas`):
  alice (district), sam and ian (甲街道), cora (甲一社区) and olly (乙街道) may; leo, ada, hal and
  mia only read, nina has no role: the start page, the nearby list and the submit endpoint answer
  them 403;
- the form of 甲一花园 reads the site first: olly, ada, hal and nina do not see it (404); leo and
  mia see it but may not inspect (403);
- an Inspection (Scope: area, site, hauler) of 甲一花园 is seen by the district, 甲街道, 甲一社区
  and the site's manager (mia); hal reaches inspections (a hauler's vehicles') but not this one, so
  the list answers hal 200 and the inspection 404; ada's role reaches no inspection (list 403);
- the submit endpoint takes the target in its body: a target outside the sender's scope is 404.
"""

from __future__ import annotations

import datetime
import json
import uuid

from tests.inspections_world import inspections_world
from tests.matrix import Case, row

INSPECTORS = row(403, alice=200, sam=200, cora=200, ian=200, olly=200)
FORM = row(404, alice=200, sam=200, cora=200, ian=200, leo=403, mia=403)
SUBMIT = row(403, alice=201, sam=201, cora=201, ian=201, olly=404)
LIST = row(200, ada=403, nina=403)
SEEN = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)


def _garden(w):
    return ["site", w.sites["a1_estate"].pk]


def _photo(w):
    from fenlei.core import attachments

    return [w.inspection.pk, attachments.of_row(w.inspection).get().pk]


def _submission(w) -> dict:
    """One whole inspection of 甲一花园, everything passing (a fresh draft id per request)."""
    from django.utils import timezone

    from fenlei.inspections import services
    from fenlei.inspections.choices import TargetType

    site = w.sites["a1_estate"]
    version = services.template_for(TargetType.SITE, site)
    now = timezone.now()
    answers = [
        {"code": i.code, "purity": [95]} if i.purity else {"code": i.code, "result": "pass"}
        for i in version.items.all()
    ]
    return {
        "client_id": str(uuid.uuid4()),
        "target_type": "site",
        "target_id": str(site.pk),
        "version_id": str(version.pk),
        "started_at": (now - datetime.timedelta(minutes=10)).isoformat(),
        "finished_at": now.isoformat(),
        "latitude": "31.23",
        "longitude": "121.47",
        "answers": json.dumps(answers),
        "photo_meta": "[]",
    }


CASES: list[Case] = [
    Case("inspections:inspect-start", INSPECTORS, setup=inspections_world),
    Case(
        "inspections:inspect-nearby",
        INSPECTORS,
        query=lambda w: {"lat": "31.23", "lng": "121.47"},
        setup=inspections_world,
    ),
    Case("inspections:inspect-form", FORM, "甲一花园", args=_garden, setup=inspections_world),
    Case(
        "inspections:inspect-submit",
        SUBMIT,
        "甲一花园",
        method="post",
        data=_submission,
        setup=inspections_world,
    ),
    Case("inspections:inspect-submit", row(405), "read", setup=inspections_world, only=("ian", "alice")),
    Case("inspections:inspection-list", LIST, setup=inspections_world),
    Case(
        "inspections:inspection-detail",
        SEEN,
        "甲一花园",
        args=lambda w: [w.inspection.pk],
        setup=inspections_world,
    ),
    Case("inspections:inspection-file", SEEN, "甲一花园", args=_photo, setup=inspections_world),
    Case("inspections:inspection-thumb", SEEN, "甲一花园", args=_photo, setup=inspections_world),
]
