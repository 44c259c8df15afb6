"""Permission-matrix cases of the unit ledgers (public institutions, restaurants).

They follow a plain placed ledger (`ledger_cases`) except for who else reaches a record:
- an institution record is reached by its site's industry authority: ada (区教育局) sees the schools'
  records in 甲一社区 and 乙一社区, may change them and export them, but not add, close or import;
  mia manages 甲一花园, not the school, so she does not see it;
- a restaurant record is read by the haulier named on it: hal (绿洁环卫) reads the one in 甲一社区,
  which names his haulier, and nothing else; mia does not manage the restaurant.
Every form or API post adds a record for a new site (a site holds one open record).
"""

from __future__ import annotations

import itertools

from tests.matrix import Case, row
from tests.matrix_ledgers import EXPORTERS, VIEW_B1, ledger_cases

_n = itertools.count(1)


def _site(w, area, kind, **extra):
    from fenlei.org import services as org
    from fenlei.org.models import Site, SiteKind

    return org.site_create(
        site=Site(name=f"矩阵单位{next(_n)}", kind=SiteKind.objects.get(code=kind), community=area, **extra),
        by=None,
    )


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


# --- public institutions -----------------------------------------------------------------------


def _institution(w, area, site):
    from fenlei.units.models import InstitutionRecord

    school = w.sites["a1_school"] if area == w.community_a1 else w.sites["b1_school"]
    return _save(InstitutionRecord(area=area, site=school, sorting_status="started", sorting_lead="周校长"))


def _institution_body(w):
    site = _site(w, w.community_a1, "government", authority=w.education)
    return {"area": w.community_a1.pk, "site": site.pk, "sorting_status": "started", "sorting_lead": "矩阵"}


I_VIEW_A1 = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, ada=200)
I_KEEP_A1 = row(404, alice=200, leo=403, sam=200, cora=200, ian=403, ada=403)
I_CHANGE_A1 = {**I_KEEP_A1, "ada": 200}
I_VIEW_B1 = {**VIEW_B1, "ada": 200}

# --- restaurants --------------------------------------------------------------------------------


def _restaurant(w, area, site):
    from fenlei.units.models import RestaurantRecord

    hauler = w.hauler if area == w.community_a1 else None
    return _save(RestaurantRecord(area=area, site=_site(w, area, "restaurant"), seats=80, hauler=hauler))


def _restaurant_body(w):
    site = _site(w, w.community_a1, "restaurant")
    return {"area": w.community_a1.pk, "site": site.pk, "seats": "60"}


R_VIEW_A1 = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, hal=200)
R_KEEP_A1 = row(404, alice=200, leo=403, sam=200, cora=200, ian=403, hal=403)

CASES: list[Case] = [
    Case("units:index", row(200)),
    *ledger_cases(
        ns="units",
        name="institution",
        api_ns="units-api",
        api_name="institution",
        make=_institution,
        body=_institution_body,
        api_body=_institution_body,
        view_a1=I_VIEW_A1,
        keep_a1=I_KEEP_A1,
        change_a1=I_CHANGE_A1,
        view_b1=I_VIEW_B1,
        exporters={**EXPORTERS, "ada": 200},
    ),
    *ledger_cases(
        ns="units",
        name="restaurant",
        api_ns="units-api",
        api_name="restaurant",
        make=_restaurant,
        body=_restaurant_body,
        api_body=_restaurant_body,
        view_a1=R_VIEW_A1,
        keep_a1=R_KEEP_A1,
        slot="commitment",
    ),
]
