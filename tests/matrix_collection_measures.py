"""Permission-matrix cases of the collection measures: the overview, the data-quality page, the
office's configuration (baselines, expected reports, validation rules) and the measures' API.

Who reaches what, from the rules:
- the overview and the data-quality page open for every signed-in user on their own place (an area
  role's widest area, a haulier's own totals, a site manager's site; a page saying there is nothing
  for a user whose roles reach none); a place asked for is found through the scoping function, so an
  area outside the user's scope is 404, and a haulier's totals are read by that haulier only;
- a haulier's totals have no expected reports: its data-quality page is 403;
- the configuration is the district office's: every role lists what its scope holds (nothing, for
  most), only alice adds and changes; a row in 甲街道 is seen by the roles over 甲街道 or the district.
"""

from __future__ import annotations

from tests.matrix import API_ANON, Case, row

AREA_A = row(404, alice=200, leo=200, sam=200, ian=200)
SITE_A1_ESTATE = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)
OWN_PLACE = row(200)
OWN_PLACE_API = row(200, ada=404, nina=404, anon=API_ANON)
CONFIG_EDIT_A = row(404, alice=200, leo=403, sam=403, ian=403)


def _create(obj):
    from fenlei.core import services

    obj.area_path = obj.area.path
    return services.create(obj, by=None)


def baseline_a(w) -> None:
    from fenlei.collection.models import Baseline

    w.baseline = _create(Baseline(area=w.street_a, stream="dry", kg_per_day=20, label="2019"))


def expected_a(w) -> None:
    from fenlei.collection.models import ExpectedReport

    w.expected = _create(ExpectedReport(area=w.street_a, stream="wet", frequency="daily"))


def rule_a(w) -> None:
    from fenlei.collection.models import ValidationRule

    w.rule = _create(ValidationRule(area=w.street_a, kind="wet_share", minimum=10, maximum=60))


BODIES = {
    "baseline": lambda w: {"area": w.street_a.pk, "stream": "dry", "kg_per_day": "25", "label": "矩阵"},
    "expectedreport": lambda w: {
        "area": w.street_a.pk,
        "stream": "wet",
        "frequency": "weekly",
        "active": "on",
    },
    "validationrule": lambda w: {
        "area": w.street_a.pk,
        "kind": "per_capita",
        "maximum": "1.5",
        "active": "on",
    },
}
SETUPS = {
    "baseline": (baseline_a, "baseline"),
    "expectedreport": (expected_a, "expected"),
    "validationrule": (rule_a, "rule"),
}


def _config_cases() -> list[Case]:
    cases = []
    for name, body in BODIES.items():
        setup, attr = SETUPS[name]
        pk = lambda w, attr=attr: [getattr(w, attr).pk]  # noqa: E731
        cases += [
            Case(f"collection:{name}-list", row(200)),
            Case(f"collection:{name}-add", row(403, alice=200)),
            Case(f"collection:{name}-add", row(403, alice=302), method="post", data=body),
            Case(f"collection:{name}-edit", CONFIG_EDIT_A, "甲街道", pk, setup=setup),
            Case(
                f"collection:{name}-edit",
                {**CONFIG_EDIT_A, "alice": 302},
                "甲街道",
                pk,
                method="post",
                data=body,
                setup=setup,
            ),
        ]
    return cases


CASES: list[Case] = [
    Case("collection:index", OWN_PLACE),
    Case("collection:index", AREA_A, "甲街道", query=lambda w: {"area": w.street_a.pk}),
    Case("collection:index", SITE_A1_ESTATE, "甲一花园", query=lambda w: {"site": w.sites["a1_estate"].pk}),
    Case("collection:index", row(404, hal=200), "绿洁环卫", query=lambda w: {"hauler": w.hauler.pk}),
    Case("collection:quality", row(200, hal=403)),
    Case("collection:quality", AREA_A, "甲街道", query=lambda w: {"area": w.street_a.pk}),
    *_config_cases(),
    Case("collection-api:measures", OWN_PLACE_API, api=True),
    Case(
        "collection-api:measures",
        {**AREA_A, "anon": API_ANON},
        "甲街道",
        query=lambda w: {"area": w.street_a.pk},
        api=True,
    ),
    Case(
        "collection-api:measures",
        row(404, hal=200, anon=API_ANON),
        "绿洁环卫",
        query=lambda w: {"hauler": w.hauler.pk},
        api=True,
    ),
    Case("collection-api:measures-children", OWN_PLACE_API, api=True),
    Case("collection-api:measures-quality", {**OWN_PLACE_API, "hal": 403}, api=True),
]
