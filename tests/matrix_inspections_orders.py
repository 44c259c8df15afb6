"""Permission-matrix cases of the rectification orders' pages and the inbox.

The orders (tests/inspections_world.py): w.order is addressed to 甲一花园 (甲一社区, 甲街道), with no
authority or hauler. Its rows are read by area (alice, leo, sam, cora, ian), by site (mia); ada and
hal reach orders only through their authority or hauler, olly's street does not hold it: 404.
Steps: mia and cora answer for the site (the responsible unit); ian, sam and alice verify (the
verifier); leo reads only (403). A step of the wrong capacity is 403; a step the state does not allow
(verify before an answer) is 400.
"""

from tests.inspections_world import inspections_world
from tests.matrix import Case, row

#: Who sees w.order (and its files): the areas above it, its site.
SEES_ORDER = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)


def _answer(w) -> dict:
    from django.utils import timezone

    from fenlei.core.testing import files

    return {
        "note": "已清理",
        "photo_0": files.upload("after.jpg", files.image_bytes(gps=False), "image/jpeg"),
        "taken_at_0": timezone.now().isoformat(),
    }


def _order(w):
    return [w.order.pk]


def _answered(w):
    """w.order answered by mia with one after photo (w.after: the photo)."""
    from django.utils import timezone

    from fenlei.core import attachments
    from fenlei.core.testing import files
    from fenlei.inspections import services
    from fenlei.inspections.choices import Step

    inspections_world(w)
    photo = services.PhotoIn(
        file=files.upload("after.jpg", files.image_bytes(gps=False), "image/jpeg"),
        taken_at=timezone.now(),
        latitude=31.23,
        longitude=121.47,
    )
    services.transition(w.order, Step.ANSWER, by=w.mia, photos=[photo])
    w.after = attachments.of_row(w.order, "after").get()


def _before(w):
    from fenlei.inspections.selectors_orders import before_photos

    return [w.order.pk, before_photos(w.order).get().pk]


def _mias_notice(w):
    from fenlei.core.models import Notification

    return [Notification.objects.get(user=w.mia, key=f"order_new:{w.order.pk}").pk]


CASES = [
    # the lists: any role that reaches orders (ada and hal through their own, mia through her site)
    Case("inspections:order-list", row(200, nina=403), setup=inspections_world),
    Case(
        "inspections:order-list",
        row(200, nina=403),
        "mine",
        query=lambda w: {"mine": "on", "phase": "open"},
        setup=inspections_world,
    ),
    Case("inspections:order-escalated", row(200, nina=403), setup=inspections_world),
    Case("inspections:order-detail", SEES_ORDER, args=_order, setup=inspections_world),
    # start: the responsible unit's step (mia, cora); the verifiers lack the capacity (403)
    Case(
        "inspections:order-step",
        row(404, alice=403, leo=403, sam=403, cora=302, ian=403, mia=302),
        "start",
        args=lambda w: [w.order.pk, "start"],
        method="post",
        data=lambda w: {"note": ""},
        setup=inspections_world,
    ),
    # verify before an answer: the verifiers may, but not in this state (400); the unit may not (403)
    Case(
        "inspections:order-step",
        row(404, alice=400, leo=403, sam=400, cora=403, ian=400, mia=403),
        "verify-pending",
        args=lambda w: [w.order.pk, "verify"],
        method="post",
        data=lambda w: {"note": ""},
        setup=inspections_world,
    ),
    # verify an answered order: the verifiers close it
    Case(
        "inspections:order-step",
        row(404, alice=302, leo=403, sam=302, cora=403, ian=302, mia=403),
        "verify",
        args=lambda w: [w.order.pk, "verify"],
        method="post",
        data=lambda w: {"note": "已复核"},
        setup=_answered,
    ),
    # answer with an after photo (and the time the page took it): the responsible unit's step
    Case(
        "inspections:order-step",
        row(404, alice=403, leo=403, sam=403, cora=302, ian=403, mia=302),
        "answer",
        args=lambda w: [w.order.pk, "answer"],
        method="post",
        data=_answer,
        setup=inspections_world,
    ),
    # return an answered order with a reason: the verifiers' step
    Case(
        "inspections:order-step",
        row(404, alice=302, leo=403, sam=302, cora=403, ian=302, mia=403),
        "return",
        args=lambda w: [w.order.pk, "return"],
        method="post",
        data=lambda w: {"note": "桶边仍有散落垃圾"},
        setup=_answered,
    ),
    # re-route to the community with a reason: the verifiers' step
    Case(
        "inspections:order-step",
        row(404, alice=302, leo=403, sam=302, cora=403, ian=302, mia=403),
        "reroute",
        args=lambda w: [w.order.pk, "reroute"],
        method="post",
        data=lambda w: {"responsible": "community", "area": w.community_a1.pk, "note": "开放区域由社区负责"},
        setup=inspections_world,
    ),
    # a GET of a step is 405 before anything is read: nothing of the order shows
    Case(
        "inspections:order-step",
        row(405),
        "get",
        args=lambda w: [w.order.pk, "start"],
        setup=inspections_world,
    ),
    # the after photo and the before photo, read through the order
    Case(
        "inspections:order-file",
        SEES_ORDER,
        args=lambda w: [w.order.pk, w.after.pk],
        setup=_answered,
    ),
    Case(
        "inspections:order-thumbnail",
        SEES_ORDER,
        args=lambda w: [w.order.pk, w.after.pk],
        setup=_answered,
    ),
    Case("inspections:order-before-file", SEES_ORDER, args=_before, setup=inspections_world),
    Case("inspections:order-before-thumbnail", SEES_ORDER, args=_before, setup=inspections_world),
    # the inbox: everyone signed in has one, and reaches only their own notifications
    Case("core:inbox", row(200)),
    Case("core:inbox-read", row(302), method="post", data=lambda w: {"all": "1"}),
    Case("core:inbox-open", row(404, mia=302), args=_mias_notice, setup=inspections_world),
]
