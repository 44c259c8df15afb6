"""Permission-matrix cases of the inspections API and of the notifications inbox.

The world is `tests/inspections_world.py`: ian's inspection of 甲一花园 (w.inspection) with one order
addressed to 甲一花园 (w.order), and the checklist it used (w.template). From the rules:
- inspections and orders at 甲一花园 are seen by the areas above it (alice, leo, sam, cora), by ian
  (inspector of 甲街道) and by mia (甲一花园); not by ada, hal (neither authority nor hauler of it),
  olly (乙街道) or nina (no role);
- inspections are added by the roles that add inspections somewhere (alice, sam, cora, ian, olly;
  olly names a target outside his scope: 400);
- an order's step needs the change action (leo 403) and the step's capacity: the unit addressed
  (mia, and cora for the sites of her community) starts and answers; the verifier (ian, sam over a
  unit below the street, alice) verifies and re-routes; the others get 403;
- checklists are reference data: every role reads them (nina, without a role, 404); only the
  district office (alice) writes a new version;
- targets, the plan and the inbox are the caller's own: 200 for everyone signed in.
"""

from __future__ import annotations

import json

from tests.inspections_world import inspections_world
from tests.matrix import API_ANON, Case, row

_api = lambda route, expect, target="", args=lambda w: [], **kw: Case(  # noqa: E731
    f"inspections-api:{route}", expect, target, args, api=True, setup=kw.pop("setup", inspections_world), **kw
)


def arow(default, **personas):
    return row(default, anon=API_ANON, **personas)


def answered(w) -> None:
    """The world, with mia's answer (an after photo) on w.order: it awaits verification."""
    from django.utils import timezone

    from fenlei.core.testing import files
    from fenlei.inspections import services
    from fenlei.inspections.choices import Step

    inspections_world(w)
    after = services.PhotoIn(
        file=files.upload("after.jpg", files.image_bytes(gps=False), "image/jpeg"),
        taken_at=timezone.now(),
        latitude=31.23,
        longitude=121.47,
    )
    w.order = services.transition(w.order, Step.ANSWER, by=w.mia, photos=[after])


def _photo_of(row, slot):
    from fenlei.core import attachments

    return attachments.of_row(row, slot).order_by("pk").first().pk


def _photo_file():
    from fenlei.core.testing import files

    return files.upload("photo.jpg", files.image_bytes(gps=False), "image/jpeg")


def _submission(w) -> dict:
    """ian's kind of inspection of 甲一花园 with F2 a problem (and its photo), a new draft each time."""
    import uuid

    from django.utils import timezone

    from fenlei.inspections import services
    from fenlei.inspections.choices import TargetType

    site = w.sites["a1_estate"]
    version = services.template_for(TargetType.SITE, site)
    answers = [
        {"code": i.code, "purity": [95]}
        if i.purity
        else {"code": i.code, "result": "fail" if i.code == "F2" else "pass"}
        for i in version.items.all()
    ]
    data = {
        "client_id": str(uuid.uuid4()),
        "target_type": "site",
        "target_id": site.pk,
        "latitude": 31.23,
        "longitude": 121.47,
        "answers": answers,
        "photos": [
            {"code": "F2", "taken_at": timezone.now().isoformat(), "latitude": 31.23, "longitude": 121.47}
        ],
    }
    return {"data": json.dumps(data), "photos": [_photo_file()]}


def _answer(w) -> dict:
    from django.utils import timezone

    meta = {"note": "已清理", "photos": [{"taken_at": timezone.now().isoformat()}]}
    return {"data": json.dumps(meta), "photos": [_photo_file()]}


SIGNED_IN = arow(200)
#: ian's inspection and its order at 甲一花园.
VIEW_A1_ESTATE = arow(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)
#: The unit addressed: mia (the site) and cora (the site's community).
RESPONSIBLE = arow(404, alice=403, leo=403, sam=403, cora=200, ian=403, mia=200)
#: The verifiers: ian (inspector), sam (the street above the site), alice (the district).
VERIFIER = arow(404, alice=200, leo=403, sam=200, cora=403, ian=200, mia=403)
#: Checklists: reference data.
CHECKLIST = arow(200, nina=404)


def _inspection(w):
    return [w.inspection.pk]


def _order(w):
    return [w.order.pk]


def _template(w):
    return [w.template.pk]


CASES: list[Case] = [
    # checklists
    _api("checklist-list", SIGNED_IN),
    _api("checklist-detail", CHECKLIST, "物业小区", _template),
    _api("checklist-history", CHECKLIST, "物业小区", _template),
    _api("checklist-version", CHECKLIST, "物业小区", lambda w: [w.template.pk, w.template.current.number]),
    _api(
        "checklist-revise",
        arow(403, alice=201, nina=404),
        "物业小区",
        _template,
        method="post",
        data=lambda w: {"items": [{"code": "X1", "concern": "facilities", "text": "桶", "points": 10}]},
    ),
    # targets
    _api("target-list", SIGNED_IN, query=lambda w: {"q": "花园"}),
    _api("target-nearby", SIGNED_IN, query=lambda w: {"lat": 31.23, "lng": 121.47}),
    # inspections
    _api("inspection-list", SIGNED_IN),
    _api(
        "inspection-list",
        arow(403, alice=201, sam=201, cora=201, ian=201, olly=400),
        "of 甲一花园",
        method="post",
        data=_submission,
        multipart=True,
    ),
    _api("inspection-detail", VIEW_A1_ESTATE, "甲一花园", _inspection),
    _api("inspection-history", VIEW_A1_ESTATE, "甲一花园", _inspection),
    _api(
        "inspection-photo",
        VIEW_A1_ESTATE,
        "甲一花园",
        lambda w: [w.inspection.pk, _photo_of(w.inspection, "photo")],
    ),
    _api(
        "inspection-photo-thumbnail",
        VIEW_A1_ESTATE,
        "甲一花园",
        lambda w: [w.inspection.pk, _photo_of(w.inspection, "photo")],
    ),
    # orders
    _api("order-list", SIGNED_IN),
    _api("order-list", SIGNED_IN, "waiting for me", query=lambda w: {"waiting_for_me": "true"}),
    _api("order-escalated", SIGNED_IN),
    _api("order-detail", VIEW_A1_ESTATE, "甲一花园", _order),
    _api("order-history", VIEW_A1_ESTATE, "甲一花园", _order),
    _api("order-events", VIEW_A1_ESTATE, "甲一花园", _order),
    _api(
        "order-step", RESPONSIBLE, "start", lambda w: [w.order.pk, "start"], method="post", data=lambda w: {}
    ),
    _api(
        "order-step",
        RESPONSIBLE,
        "answer",
        lambda w: [w.order.pk, "answer"],
        method="post",
        data=_answer,
        multipart=True,
    ),
    _api(
        "order-step",
        VERIFIER,
        "reroute",
        lambda w: [w.order.pk, "reroute"],
        method="post",
        data=lambda w: {"responsible": "community", "note": "开放区域由社区负责"},
    ),
    _api(
        "order-step",
        VERIFIER,
        "verify",
        lambda w: [w.order.pk, "verify"],
        method="post",
        data=lambda w: {},
        setup=answered,
    ),
    _api(
        "order-step",
        VERIFIER,
        "return",
        lambda w: [w.order.pk, "return"],
        method="post",
        data=lambda w: {"note": "桶边仍有散落垃圾"},
        setup=answered,
    ),
    _api(
        "order-photo",
        VIEW_A1_ESTATE,
        "after",
        lambda w: [w.order.pk, _photo_of(w.order, "after")],
        setup=answered,
    ),
    _api(
        "order-photo-thumbnail",
        VIEW_A1_ESTATE,
        "after",
        lambda w: [w.order.pk, _photo_of(w.order, "after")],
        setup=answered,
    ),
    # the day's plan
    _api("plan-list", SIGNED_IN),
    # the inbox (core)
    Case("notifications-api:notification-list", SIGNED_IN, api=True, setup=inspections_world),
    Case(
        "notifications-api:notification-read",
        SIGNED_IN,
        api=True,
        method="post",
        data=lambda w: {"all": True},
        setup=inspections_world,
    ),
]

#: The measures of 甲街道 and the history of 甲一花园: the area (or site) read through the scoping
#: function first, so the roles that do not see it get 404, whatever their actions.
STREET_A_SEEN = arow(404, alice=200, leo=200, sam=200, ian=200)
A1_ESTATE_SEEN = arow(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)

CASES += [
    _api("measures", STREET_A_SEEN, "甲街道", query=lambda w: {"area": w.street_a.pk, "period": "2026-06"}),
    _api("coverage", STREET_A_SEEN, "甲街道", query=lambda w: {"area": w.street_a.pk}),
    _api("history", A1_ESTATE_SEEN, "甲一花园", lambda w: ["site", w.sites["a1_estate"].pk]),
]
