"""The inspections part of the permission matrix's world (`inspections_world(w)`), shared by the
matrix modules of the inspection pages and API.

It places 甲一花园 (a1_estate) at a position and has ian (inspector, 甲街道) inspect it with one
problem (F2, a site's problem): so there is
    w.inspection   ian's inspection of 甲一花园 (seen by the areas above it, by mia and by ian)
    w.order        its rectification order, addressed to 甲一花园 (mia answers; cora answers for
                   the site too; ian, sam and alice verify)
    w.order_b1     an order at 乙一花园 from alice's inspection (outside 甲街道: olly's side)
    w.template     the checklist used (物业小区检查表)
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal


def inspections_world(w) -> None:
    from django.utils import timezone

    from fenlei.core.testing import files
    from fenlei.inspections import services
    from fenlei.inspections.choices import Result, TargetType

    def visit(user, site):
        site.latitude, site.longitude = Decimal("31.230000"), Decimal("121.470000")
        site.save(update_fields=["latitude", "longitude"])
        version = services.template_for(TargetType.SITE, site)
        answers = [
            services.AnswerIn(code=i.code, purity=[95])
            if i.purity
            else services.AnswerIn(code=i.code, result=Result.FAIL if i.code == "F2" else Result.PASS)
            for i in version.items.all()
        ]
        now = timezone.now()
        photo = services.PhotoIn(
            file=files.upload("F2.jpg", files.image_bytes(gps=False), "image/jpeg"),
            code="F2",
            taken_at=now,
            latitude=31.23,
            longitude=121.47,
        )
        inspection, _ = services.submit(
            by=user,
            target_type=TargetType.SITE,
            target_id=site.pk,
            client_id=uuid.uuid4(),
            answers=answers,
            photos=[photo],
            started_at=now - datetime.timedelta(minutes=10),
            finished_at=now,
            latitude=31.23,
            longitude=121.47,
        )
        return inspection, version

    w.inspection, version = visit(w.ian, w.sites["a1_estate"])
    w.order = w.inspection.orders.get()
    w.template = version.template
    other, _ = visit(w.alice, w.sites["b1_estate"])
    w.order_b1 = other.orders.get()
