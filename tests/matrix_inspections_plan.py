"""Permission-matrix cases of the inspection plan, coverage, measures, target-history, checklist and
quota pages.

From the rules:
- plan, coverage and measures open for every signed-in user on its own place (a page saying there is
  nothing for a user whose roles reach no area); an area asked for is read through the scoping
  function: 甲街道 is seen by alice, leo, sam and ian, 404 for the others;
- planning a day (POST) is the district office's and the streets' (plan.PLANNERS): alice and sam
  plan 甲街道; leo and ian see it but may not (403);
- a target's history is read like the target: 甲一花园 by alice, leo, sam, cora, ian and mia;
- checklists are reference data: every role reads them (nina, with no role, finds none: 404 on one);
  only the office (alice) revises them; quotas: every role lists what its scope holds, only alice
  adds and changes; a quota at 甲街道 is seen by the roles over 甲街道 or the district.
"""

from __future__ import annotations

from tests.matrix import Case, row

STREET_A = row(404, alice=200, leo=200, sam=200, ian=200)
SITE_A1_ESTATE = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)
REFERENCE_ONE = row(200, nina=404)
OFFICE_ONLY = row(403, alice=200, nina=404)


def _street(w):
    return {"area": w.street_a.pk}


def _quota_a(w) -> None:
    from fenlei.inspections.models import InspectionQuota

    w.quota = InspectionQuota.objects.create(area=w.street_a, area_path=w.street_a.path, per_month=3)


def _template(w):
    from fenlei.inspections.models import ChecklistTemplate

    return [ChecklistTemplate.objects.get(name="投放点日常检查表").pk]


def _revise_body(w):
    return {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-code": "X1",
        "items-0-concern": "facilities",
        "items-0-text": "矩阵检查项",
        "items-0-points": "10",
        "items-0-severity": "minor",
        "items-0-responsible": "site",
        "scoring": "points",
        "pass_mark": "60",
        "note": "矩阵",
    }


CASES = [
    Case("inspections:plan-today", row(200)),
    Case("inspections:plan-make", row(405)),
    Case(
        "inspections:plan-make",
        row(404, alice=302, sam=302, leo=403, ian=403),
        method="post",
        data=lambda w: {"area": w.street_a.pk, "day": "2026-06-16"},
    ),
    Case("inspections:coverage", row(200)),
    Case("inspections:coverage", STREET_A, target="street", query=_street),
    Case("inspections:measures", row(200)),
    Case("inspections:measures", STREET_A, target="street", query=_street),
    Case(
        "inspections:target-history",
        SITE_A1_ESTATE,
        args=lambda w: ["site", w.sites["a1_estate"].pk],
    ),
    Case("inspections:template-list", row(200)),
    Case("inspections:template-detail", REFERENCE_ONE, args=_template),
    Case("inspections:template-version", REFERENCE_ONE, args=lambda w: [*_template(w), 1]),
    Case("inspections:template-revise", OFFICE_ONLY, args=_template),
    Case(
        "inspections:template-revise",
        row(403, alice=302, nina=404),
        args=_template,
        method="post",
        data=_revise_body,
    ),
    Case("inspections:quota-list", row(200)),
    Case("inspections:quota-add", row(403, alice=200)),
    Case(
        "inspections:quota-add",
        row(403, alice=302),
        method="post",
        data=lambda w: {"area": w.community_a1.pk, "target_type": "site", "per_month": "4"},
    ),
    Case(
        "inspections:quota-edit",
        row(404, alice=200, leo=403, sam=403, ian=403),
        args=lambda w: [w.quota.pk],
        setup=_quota_a,
    ),
    Case(
        "inspections:quota-edit",
        row(404, alice=302, leo=403, sam=403, ian=403),
        args=lambda w: [w.quota.pk],
        setup=_quota_a,
        method="post",
        data=lambda w: {"area": w.street_a.pk, "target_type": "site", "per_month": "5"},
    ),
]
