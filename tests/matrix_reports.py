"""Permission-matrix cases of residents' reports.

The public form, the status page by link and the public API answer everyone, signed in or not (the
API ignores a session: it is anonymous by design). The queue follows the roles: ResidentReport is
placed at its community (area_path) and seen through the areas only, not by the site it names (the
resident may be reporting the property company). w.report is a report at 甲一花园 (甲一社区, 甲街道), so
alice, leo, sam, cora and ian see it; mia (the site's manager), ada and hal reach reports through
nothing, olly's street does not hold it, nina has no role: 404. Acting on it (turn into an order,
decline) is the change action: alice, sam and cora; leo and ian see it but may not act (403).
"""

from __future__ import annotations

from tests.matrix import Case, row

EVERYONE = row(200, anon=200)
#: Who sees w.report (and its photos).
SEES_REPORT = row(404, alice=200, leo=200, sam=200, cora=200, ian=200)
#: Who acts on w.report: the change action where it is seen.
ACTS = row(404, alice=302, leo=403, sam=302, cora=302, ian=403)


def _photo():
    from fenlei.core.testing import files

    return files.upload("problem.jpg", files.image_bytes(), "image/jpeg")


def reports_world(w) -> None:
    """w.report: a report with one photo (w.report_photo) at 甲一花园."""
    from fenlei.core import attachments
    from fenlei.public import reports

    w.report, _created = reports.submit(
        data=reports.ReportIn(
            kind="overflow", community=w.community_a1.pk, site=w.sites["a1_estate"].pk, description="桶满溢"
        ),
        photos=[_photo()],
        client="matrix",
    )
    w.report_photo = attachments.of_row(w.report, "photo").get()


def _form(w) -> dict:
    return {
        "form_key": "matrix-form",
        "community": w.community_a1.pk,
        "kind": "overflow",
        "target": f"site:{w.sites['a1_estate'].pk}",
        "description": "桶满溢",
        "photo": _photo(),
    }


def _order(w) -> dict:
    from fenlei.inspections import services
    from fenlei.inspections.choices import TargetType

    item = services.template_for(TargetType.SITE, w.sites["a1_estate"]).items.get(code="F2")
    return {"target": f"site:{w.sites['a1_estate'].pk}", "item": item.pk, "note": "居民反映"}


def _api_report(w) -> dict:
    return {
        "service_code": "overflow",
        "community": w.community_a1.pk,
        "description": "桶满溢",
        "lat": "31.234567",
        "long": "121.470100",
        "media": _photo(),
    }


CASES = [
    # the public form: no sign-in; each step of the place, then the form that files the report
    Case("reports:new", EVERYONE),
    Case("reports:new", EVERYONE, "street", query=lambda w: {"street": w.street_a.pk}),
    Case("reports:new", EVERYONE, "form", query=lambda w: {"community": w.community_a1.pk}),
    Case("reports:new", row(302, anon=302), "send", method="post", data=_form),
    # the status page: whoever holds the link
    Case("reports:status", EVERYONE, args=lambda w: [w.report.token], setup=reports_world),
    Case("reports:status", row(404, anon=404), "unknown", args=lambda w: ["no-such-report-token"]),
    # the queue and a report: the roles that reach reports (ada, hal and nina reach none)
    Case("reports:queue", row(200, ada=403, hal=403, mia=403, nina=403), setup=reports_world),
    Case("reports:detail", SEES_REPORT, args=lambda w: [w.report.pk], setup=reports_world),
    Case(
        "reports:file",
        SEES_REPORT,
        args=lambda w: [w.report.pk, w.report_photo.pk],
        setup=reports_world,
    ),
    Case(
        "reports:thumbnail",
        SEES_REPORT,
        args=lambda w: [w.report.pk, w.report_photo.pk],
        setup=reports_world,
    ),
    Case(
        "reports:order",
        ACTS,
        args=lambda w: [w.report.pk],
        method="post",
        data=_order,
        setup=reports_world,
    ),
    Case(
        "reports:decline",
        ACTS,
        args=lambda w: [w.report.pk],
        method="post",
        data=lambda w: {"reason": "已清运"},
        setup=reports_world,
    ),
    # a decline without a reason: refused (400) where the action is allowed
    Case(
        "reports:decline",
        {**ACTS, "alice": 400, "sam": 400, "cora": 400},
        "no-reason",
        args=lambda w: [w.report.pk],
        method="post",
        data=lambda w: {"reason": ""},
        setup=reports_world,
    ),
    # the public API (Open311-style): anonymous by design, throttled
    Case(
        "public-api:report-create",
        row(201, anon=201),
        method="post",
        data=_api_report,
        api=True,
        multipart=True,
    ),
    Case(
        "public-api:report-status", EVERYONE, args=lambda w: [w.report.token], api=True, setup=reports_world
    ),
    Case("public-api:report-places", EVERYONE, api=True),
    Case(
        "public-api:report-places",
        EVERYONE,
        "community",
        query=lambda w: {"community": w.community_a1.pk},
        api=True,
    ),
]
