"""The permission matrix: every route × every persona → the status the role rules call for.

One `Case` is one request (a route, its arguments, a method, a body) made by every persona of the
fixture world (see `fenlei.core.testing.world`) and by an anonymous visitor. Its `expect` row is
derived from the rules — `fenlei.core.roles` (ROLE_ACTIONS, ROLE_TARGET) and `fenlei.core.scoping`
(404 outside the scope, 403 for a missing action) — never copied from what the code answers.
Where the code answers otherwise, the case says so in `bugs` ({persona: what the code gives
today}) with a `note`; `test_permission_matrix` asserts that overlay, so a fix shows up as a
failing case whose `bugs` entry must then be deleted.

How to read a row:
    200/201/204  allowed (a page, a list, a created object)
    302          allowed and redirected somewhere other than the sign-in page (a form that saved)
    LOGIN        302 to the sign-in page (an anonymous visitor on an HTML page)
    400          allowed, but the body names something the user may not use (a choice not offered)
    403          the user sees the object (or the place) but its roles lack the action
    404          the object lies outside the user's scope
    405          method not allowed
The scopes in the world, for reference:
    alice  district admin 东湖区: every action on everything in the district
    leo    district leader 东湖区: view and export everything in the district
    sam    street admin 甲街道: keep (view/add/change/close/import/export) 甲街道's areas and sites;
           read authorities, hauliers (registered with the district, viewable from below) and the
           taxonomy
    cora   community admin 甲一社区: keep 甲一社区's sites; view, change and export the area itself;
           read authorities, hauliers and the taxonomy
    ada    authority 区教育局: read the schools it oversees (甲一小学, 乙一中学) and itself
    ian    inspector 甲街道: view 甲街道's areas and sites, the authorities and hauliers
    hal    hauler 绿洁环卫: view and change 绿洁环卫
    mia    site manager 甲一花园: view and change 甲一花园
    olly   street admin 乙街道: like sam, on 乙街道 (the outsider for everything in 甲街道)
    nina   signed in without a role: nothing
    anon   not signed in
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fenlei.core.testing.world import PASSWORD, PERSONAS

ANON = "anon"
#: The columns of every row: the personas of the fixture world, then the anonymous visitor.
COLUMNS: tuple[str, ...] = (*PERSONAS, ANON)
#: A 302 to the sign-in page.
LOGIN = "LOGIN"
#: What the API answers an anonymous request (SessionAuthentication comes first, so 403, not 401).
API_ANON = 403

Args = Callable[[Any], list]
Body = Callable[[Any], dict]


def row(default, *, anon=LOGIN, **personas) -> dict[str, int | str]:
    """A full row: `default` for every persona not named, `anon` for the anonymous visitor."""
    unknown = set(personas) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    out = dict.fromkeys(PERSONAS, default)
    out.update(personas)
    out[ANON] = anon
    return out


@dataclass(frozen=True)
class Case:
    route: str
    expect: Mapping[str, int | str]
    target: str = ""
    args: Args = field(default=lambda w: [])
    method: str = "get"
    data: Body | None = None
    query: Body | None = None
    api: bool = False
    #: An API body sent as multipart (it carries files) rather than JSON.
    multipart: bool = False
    #: Prepares the world before the requests (runs once per case; rolled back with the test).
    setup: Callable[[Any], None] | None = None
    #: Suspected bugs: {persona: what the code answers today instead of `expect`}.
    bugs: Mapping[str, int | str] = field(default_factory=dict)
    note: str = ""
    #: The columns to request, when a view is known to ignore roles and answering for every persona
    #: would only cost time (the OpenAPI schema takes a second to build). Default: all of them.
    only: tuple[str, ...] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.only or COLUMNS

    @property
    def id(self) -> str:
        return f"{self.route}:{self.method.upper()}" + (f":{self.target}" if self.target else "")

    def expected_today(self) -> dict[str, int | str]:
        return {p: self.bugs.get(p, self.expect[p]) for p in self.columns}


# --- world helpers ----------------------------------------------------------------------------------


def _site(key):
    return lambda w: [w.sites[key].pk]


def _kind_pk(code: str) -> int:
    from fenlei.org.models import SiteKind

    return SiteKind.objects.get(code=code).pk


def _assignment_pk(w, username: str) -> int:
    return w.users[username].role_assignments.get(active=True).pk


def _first_category_pk() -> int:
    from fenlei.taxonomy.models import Category

    return Category.objects.order_by("position", "code").first().pk


def _audit_pk(path: str) -> int:
    from fenlei.core.models import AuditEntry

    return AuditEntry.objects.filter(area_path__startswith=path).order_by("pk").first().pk


def outside_district(w) -> None:
    """A second district (西山区 → 丙街道) with its own street admin, xavier: outside alice's scope."""
    from fenlei.accounts import services as accounts
    from fenlei.accounts.models import User
    from fenlei.core.roles import Role
    from fenlei.org import services as org
    from fenlei.org.models import Area

    other = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    w.street_c = org.area_create(area=Area(name="丙街道", kind="street", parent=other), by=None)
    xavier = User.objects.create_user(username="xavier", password=PASSWORD)
    accounts.assign(user=xavier, role=Role.STREET_ADMIN, target=w.street_c, by=None)
    w.users["xavier"] = xavier


def superuser(w) -> None:
    """root, a superuser who also holds a role in the district: managed only by superusers."""
    from fenlei.accounts import services as accounts
    from fenlei.accounts.models import User
    from fenlei.core.roles import Role

    root = User.objects.create_superuser(username="root", password=PASSWORD)
    accounts.assign(user=root, role=Role.INSPECTOR, target=w.street_b, by=None)
    w.users["root"] = root


def empty_community(w) -> None:
    """An empty community 甲三社区 under 甲街道 (nothing under it, so it may be closed)."""
    from fenlei.org import services as org
    from fenlei.org.models import Area

    w.community_a3 = org.area_create(area=Area(name="甲三社区", kind="community", parent=w.street_a), by=None)


def closed_community(w) -> None:
    from fenlei.org import services as org

    empty_community(w)
    w.community_a3 = org.area_close(area=w.community_a3, by=None)


def closed_site(w) -> None:
    from fenlei.org import services as org

    w.sites["a1_estate"] = org.site_close(site=w.sites["a1_estate"], by=None)


def closed_spare_authority(w) -> None:
    from fenlei.org import services as org

    spare_authority(w)
    w.spare_authority = org.authority_close(authority=w.spare_authority, by=None)


def closed_hauler(w) -> None:
    from fenlei.org import services as org

    w.hauler = org.hauler_close(hauler=w.hauler, by=None)


def spare_authority(w) -> None:
    """An authority overseeing no site (so it may be closed), not ada's."""
    from fenlei.org import services as org
    from fenlei.org.models import Authority

    w.spare_authority = org.authority_create(
        authority=Authority(name="区城管局", sector="城管", district=w.district), by=None
    )


# --- bodies -----------------------------------------------------------------------------------------


def area_body(name, kind, households=0, population=0):
    return lambda w: {"name": name, "kind": kind, "households": households, "population": population}


def site_body(w) -> dict:
    return {
        "name": "甲一新苑",
        "kind": _kind_pk("managed-estate"),
        "community": w.community_a1.pk,
        "households": 10,
        "population": 20,
    }


def site_edit_body(w) -> dict:
    return {
        "name": "甲一花园",
        "kind": _kind_pk("managed-estate"),
        "community": w.community_a1.pk,
        "households": 200,
        "population": 500,
        "property_company": "甲一物业",
    }


def close_body(w) -> dict:
    return {"on": "", "note": "matrix"}


def org_body(name, **extra):
    return lambda w: {"name": name, "district": w.district.pk, **extra}


def site_workbook():
    """A one-row .xlsx for the site import: a new managed estate in 甲街道 / 甲一社区."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    wb = openpyxl.Workbook()
    wb.active.append(["街道", "社区", "名称", "类型"])
    wb.active.append(["甲街道", "甲一社区", "甲一新苑", "物业小区"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(
        "sites.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


NEW_PASSWORD = "Matrix-pass-7391"


# --- the matrix -------------------------------------------------------------------------------------

# Rows that recur.
SIGNED_IN = row(200)
MANAGER_ONLY = row(403, alice=200)
AREA_A = row(404, alice=200, leo=200, sam=200, ian=200)  # 甲街道 and the areas under it
AREA_A1 = row(404, alice=200, leo=200, sam=200, ian=200, cora=200)  # 甲一社区
AREA_B = row(404, alice=200, leo=200, olly=200)  # 乙街道 and the areas under it
SITE_A1_ESTATE = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)
SITE_B1_SCHOOL = row(404, alice=200, leo=200, ada=200, olly=200)
# Authorities and hauliers are registered with the district and viewable from the areas below it
# (Scope.visible_from_below): every area role reads them; changing them stays with the district.
AUTHORITY_EDU = row(200, hal=404, mia=404, nina=404)
AUTHORITY_HEALTH = row(200, ada=404, hal=404, mia=404, nina=404)
HAULER_OWN = row(200, ada=404, mia=404, nina=404)
HAULER_OTHER = row(200, ada=404, hal=404, mia=404, nina=404)
#: Seen by every area role and by ada, changed only by alice.
AUTHORITY_EDU_KEEP = row(403, hal=404, mia=404, nina=404)
AUTHORITY_OTHER_KEEP = row(403, ada=404, hal=404, mia=404, nina=404)
HAULER_OWN_KEEP = row(403, ada=404, mia=404, nina=404)
HAULER_OTHER_KEEP = row(403, ada=404, hal=404, mia=404, nina=404)


def allow(base: dict, **personas) -> dict:
    """`base` with some personas' answers replaced."""
    return {**base, **personas}


HTML_CASES: list[Case] = [
    # core
    Case("core:home", row(302, nina=200)),
    Case("core:audit-list", MANAGER_ONLY),
    Case("core:audit-detail", MANAGER_ONLY, "in scope", lambda w: [_audit_pk(w.street_a.path)]),
    Case(
        "core:audit-detail",
        row(403, alice=404),
        "other district",
        lambda w: [_audit_pk(w.street_c.path)],
        setup=outside_district,
    ),
    # org: search and areas
    Case("org:search", SIGNED_IN, query=lambda w: {"q": "甲"}),
    Case("org:area-list", SIGNED_IN),
    Case("org:area-detail", AREA_A, "甲街道", lambda w: [w.street_a.pk]),
    Case("org:area-detail", AREA_A1, "甲一社区", lambda w: [w.community_a1.pk]),
    Case("org:area-detail", AREA_B, "乙街道", lambda w: [w.street_b.pk]),
    Case("org:area-history", AREA_A, "甲街道", lambda w: [w.street_a.pk]),
    Case("org:area-history", AREA_B, "乙街道", lambda w: [w.street_b.pk]),
    Case("org:area-add", row(404, alice=200, leo=403, sam=200, ian=403), "甲街道", lambda w: [w.street_a.pk]),
    Case("org:area-add", row(404, alice=200, leo=403, olly=200), "乙街道", lambda w: [w.street_b.pk]),
    Case(
        "org:area-add",
        row(404, alice=302, leo=403, sam=302, ian=403),
        "甲街道",
        lambda w: [w.street_a.pk],
        method="post",
        data=area_body("甲九社区", "community"),
    ),
    Case(
        "org:area-edit", row(404, alice=200, leo=403, sam=200, ian=403), "甲街道", lambda w: [w.street_a.pk]
    ),
    Case(
        "org:area-edit",
        row(404, alice=200, leo=403, sam=200, ian=403, cora=200),
        "甲一社区",
        lambda w: [w.community_a1.pk],
    ),
    Case("org:area-edit", row(404, alice=200, leo=403, olly=200), "乙街道", lambda w: [w.street_b.pk]),
    Case(
        "org:area-edit",
        row(404, alice=302, leo=403, sam=302, ian=403, cora=302),
        "甲一社区",
        lambda w: [w.community_a1.pk],
        method="post",
        data=area_body("甲一社区", "community", 1000, 2500),
    ),
    # Closing, reopening and moving an area is decided one level up (the close action on its parent).
    Case(
        "org:area-close",
        row(404, alice=200, leo=403, sam=200, ian=403, cora=403),
        "甲一社区",
        lambda w: [w.community_a1.pk],
    ),
    Case(
        "org:area-close", row(404, alice=200, leo=403, sam=403, ian=403), "甲街道", lambda w: [w.street_a.pk]
    ),
    Case(
        "org:area-close",
        row(404, alice=302, leo=403, sam=302, ian=403),
        "empty 甲三社区",
        lambda w: [w.community_a3.pk],
        method="post",
        data=close_body,
        setup=empty_community,
    ),
    Case(
        "org:area-reopen",
        row(404, alice=200, leo=403, sam=200, ian=403),
        "closed 甲三社区",
        lambda w: [w.community_a3.pk],
        setup=closed_community,
    ),
    Case(
        "org:area-reopen",
        row(404, alice=302, leo=403, sam=302, ian=403),
        "closed 甲三社区",
        lambda w: [w.community_a3.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_community,
    ),
    Case(
        "org:area-move",
        row(404, alice=200, leo=403, sam=200, ian=403, cora=403),
        "甲一社区",
        lambda w: [w.community_a1.pk],
    ),
    Case("org:area-move", row(404, alice=200, leo=403, olly=403), "乙街道", lambda w: [w.street_b.pk]),
    # sam may take 甲一社区 out of 甲街道 but not put it into 乙街道: the new parent is not offered (400).
    Case(
        "org:area-move",
        row(404, alice=302, leo=403, sam=400, ian=403, cora=403),
        "甲一社区 → 乙街道",
        lambda w: [w.community_a1.pk],
        method="post",
        data=lambda w: {"new_parent": w.street_b.pk},
    ),
    # org: sites
    Case("org:site-list", SIGNED_IN),
    Case("org:site-add", row(403, alice=200, sam=200, cora=200, olly=200)),
    Case(
        "org:site-add",
        row(404, alice=200, leo=403, sam=200, cora=200, ian=403),
        "into 甲一社区",
        query=lambda w: {"community": w.community_a1.pk},
    ),
    Case(
        "org:site-add",
        row(403, alice=302, sam=302, cora=302, olly=400),
        "into 甲一社区",
        method="post",
        data=site_body,
    ),
    Case("org:site-detail", SITE_A1_ESTATE, "甲一花园", _site("a1_estate")),
    Case("org:site-detail", SITE_B1_SCHOOL, "乙一中学", _site("b1_school")),
    Case("org:site-history", SITE_A1_ESTATE, "甲一花园", _site("a1_estate")),
    Case("org:site-history", SITE_B1_SCHOOL, "乙一中学", _site("b1_school")),
    Case(
        "org:site-edit",
        row(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=200),
        "甲一花园",
        _site("a1_estate"),
    ),
    Case("org:site-edit", row(404, alice=200, leo=403, ada=403, olly=200), "乙一中学", _site("b1_school")),
    Case(
        "org:site-edit",
        row(404, alice=302, leo=403, sam=302, cora=302, ian=403, mia=302),
        "甲一花园",
        _site("a1_estate"),
        method="post",
        data=site_edit_body,
    ),
    Case(
        "org:site-close",
        row(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=403),
        "甲一花园",
        _site("a1_estate"),
    ),
    Case("org:site-close", row(404, alice=200, leo=403, ada=403, olly=200), "乙一中学", _site("b1_school")),
    Case(
        "org:site-close",
        row(404, alice=302, leo=403, sam=302, cora=302, ian=403, mia=403),
        "甲一花园",
        _site("a1_estate"),
        method="post",
        data=close_body,
    ),
    Case(
        "org:site-reopen",
        row(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=403),
        "closed 甲一花园",
        _site("a1_estate"),
        setup=closed_site,
    ),
    Case(
        "org:site-reopen",
        row(404, alice=302, leo=403, sam=302, cora=302, ian=403, mia=403),
        "closed 甲一花园",
        _site("a1_estate"),
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_site,
    ),
    # org: sites in Excel. Export needs the export action somewhere, import and its template the import action.
    Case("org:site-export", row(403, alice=200, leo=200, sam=200, cora=200, ada=200, olly=200)),
    Case("org:site-import-template", row(403, alice=200, sam=200, cora=200, olly=200)),
    Case("org:site-import", row(403, alice=200, sam=200, cora=200, olly=200)),
    # Uploading a one-row workbook placing a site in 甲一社区 makes an import job and leads to its page
    # (olly's job lists the community as a problem there: tests/matrix_imports.py, fenlei/core/tests).
    Case(
        "org:site-import",
        row(403, alice=302, sam=302, cora=302, olly=302),
        "dry run into 甲一社区",
        method="post",
        data=lambda w: {"file": site_workbook()},
    ),
    # org: industry authorities
    Case("org:authority-list", SIGNED_IN),
    Case("org:authority-add", row(403, alice=200)),
    Case("org:authority-add", row(403, alice=302), method="post", data=org_body("区城管局", sector="城管")),
    Case("org:authority-detail", AUTHORITY_EDU, "区教育局", lambda w: [w.education.pk]),
    Case("org:authority-detail", AUTHORITY_HEALTH, "区卫健委", lambda w: [w.health.pk]),
    Case("org:authority-history", AUTHORITY_EDU, "区教育局", lambda w: [w.education.pk]),
    Case("org:authority-history", AUTHORITY_HEALTH, "区卫健委", lambda w: [w.health.pk]),
    Case("org:authority-edit", allow(AUTHORITY_EDU_KEEP, alice=200), "区教育局", lambda w: [w.education.pk]),
    Case(
        "org:authority-edit",
        allow(AUTHORITY_EDU_KEEP, alice=302),
        "区教育局",
        lambda w: [w.education.pk],
        method="post",
        data=org_body("区教育局", sector="教育"),
    ),
    Case("org:authority-close", allow(AUTHORITY_EDU_KEEP, alice=200), "区教育局", lambda w: [w.education.pk]),
    Case(
        "org:authority-close",
        allow(AUTHORITY_OTHER_KEEP, alice=302),
        "区城管局 (no sites)",
        lambda w: [w.spare_authority.pk],
        method="post",
        data=close_body,
        setup=spare_authority,
    ),
    Case(
        "org:authority-reopen",
        allow(AUTHORITY_OTHER_KEEP, alice=200),
        "closed 区城管局",
        lambda w: [w.spare_authority.pk],
        setup=closed_spare_authority,
    ),
    Case(
        "org:authority-reopen",
        allow(AUTHORITY_OTHER_KEEP, alice=302),
        "closed 区城管局",
        lambda w: [w.spare_authority.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_spare_authority,
    ),
    # org: hauliers
    Case("org:hauler-list", SIGNED_IN),
    Case("org:hauler-add", row(403, alice=200)),
    Case("org:hauler-add", row(403, alice=302), method="post", data=org_body("清风运输")),
    Case("org:hauler-detail", HAULER_OWN, "绿洁环卫", lambda w: [w.hauler.pk]),
    Case("org:hauler-detail", HAULER_OTHER, "清源运输", lambda w: [w.other_hauler.pk]),
    Case("org:hauler-history", HAULER_OWN, "绿洁环卫", lambda w: [w.hauler.pk]),
    Case("org:hauler-history", HAULER_OTHER, "清源运输", lambda w: [w.other_hauler.pk]),
    Case("org:hauler-edit", allow(HAULER_OWN_KEEP, alice=200, hal=200), "绿洁环卫", lambda w: [w.hauler.pk]),
    Case("org:hauler-edit", allow(HAULER_OTHER_KEEP, alice=200), "清源运输", lambda w: [w.other_hauler.pk]),
    Case(
        "org:hauler-edit",
        allow(HAULER_OWN_KEEP, alice=302, hal=302),
        "绿洁环卫",
        lambda w: [w.hauler.pk],
        method="post",
        data=org_body("绿洁环卫", phone="138 0000 9999"),
        note="HaulerForm offers as district only the districts the user may view (for_user on Area); a hauler's "
        "account sees no area, so hal can never save his own company's form (the API lets him change "
        "its contact fields).",
    ),
    Case("org:hauler-close", allow(HAULER_OWN_KEEP, alice=200), "绿洁环卫", lambda w: [w.hauler.pk]),
    Case(
        "org:hauler-close",
        allow(HAULER_OWN_KEEP, alice=302),
        "绿洁环卫",
        lambda w: [w.hauler.pk],
        method="post",
        data=close_body,
    ),
    Case(
        "org:hauler-reopen",
        allow(HAULER_OWN_KEEP, alice=200),
        "closed 绿洁环卫",
        lambda w: [w.hauler.pk],
        setup=closed_hauler,
    ),
    Case(
        "org:hauler-reopen",
        allow(HAULER_OWN_KEEP, alice=302),
        "closed 绿洁环卫",
        lambda w: [w.hauler.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_hauler,
    ),
    # accounts: one's own pages
    Case("accounts:login", row(302, anon=200)),
    Case(
        "accounts:login",
        row(302, anon=302),
        method="post",
        data=lambda w: {"username": "nina", "password": PASSWORD},
    ),
    Case("accounts:logout", row(405, anon=405)),
    Case("accounts:logout", row(LOGIN), method="post"),
    Case("accounts:password-change", SIGNED_IN),
    Case(
        "accounts:password-change",
        row(302),
        method="post",
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    Case("accounts:password-change-done", SIGNED_IN),
    Case("accounts:profile", SIGNED_IN),
    Case("accounts:profile", row(302), method="post", data=lambda w: {"token": "create"}),
    # accounts: user management (the manage action: only alice; xavier lies in another district)
    Case("accounts:user-list", MANAGER_ONLY),
    Case("accounts:user-add", MANAGER_ONLY),
    Case(
        "accounts:user-add",
        row(403, alice=302),
        method="post",
        data=lambda w: {"username": "newbie", "display_name": "Newbie"},
    ),
    Case("accounts:user-detail", MANAGER_ONLY, "sam", lambda w: [w.sam.pk]),
    Case(
        "accounts:user-detail",
        row(403, alice=404),
        "xavier (other district)",
        lambda w: [w.xavier.pk],
        setup=outside_district,
    ),
    Case(
        "accounts:user-detail",
        row(403, alice=302),
        "sam: assign",
        lambda w: [w.sam.pk],
        method="post",
        data=lambda w: {"role": "inspector", "target": f"area:{w.street_b.pk}"},
    ),
    Case(
        "accounts:user-detail",
        row(403, alice=404),
        "root (superuser)",
        lambda w: [w.root.pk],
        setup=superuser,
    ),
    Case("accounts:user-edit", MANAGER_ONLY, "sam", lambda w: [w.sam.pk]),
    Case(
        "accounts:user-edit",
        row(403, alice=404),
        "xavier (other district)",
        lambda w: [w.xavier.pk],
        setup=outside_district,
    ),
    Case(
        "accounts:user-edit",
        row(403, alice=302),
        "sam",
        lambda w: [w.sam.pk],
        method="post",
        data=lambda w: {"display_name": "Sam", "is_active": "on"},
    ),
    Case("accounts:user-password", MANAGER_ONLY, "sam", lambda w: [w.sam.pk]),
    Case(
        "accounts:user-password",
        row(403, alice=302),
        "sam",
        lambda w: [w.sam.pk],
        method="post",
        data=lambda w: {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    Case("accounts:user-history", MANAGER_ONLY, "sam", lambda w: [w.sam.pk]),
    Case(
        "accounts:user-history",
        row(403, alice=404),
        "xavier (other district)",
        lambda w: [w.xavier.pk],
        setup=outside_district,
    ),
    Case("accounts:assignment-remove", row(405, anon=405), "sam's", lambda w: [_assignment_pk(w, "sam")]),
    Case(
        "accounts:assignment-remove",
        row(403, alice=302),
        "sam's",
        lambda w: [_assignment_pk(w, "sam")],
        method="post",
    ),
    Case(
        "accounts:assignment-remove",
        row(403, alice=404),
        "xavier's (other district)",
        lambda w: [_assignment_pk(w, "xavier")],
        method="post",
        setup=outside_district,
    ),
    Case(
        "accounts:assignment-remove",
        row(403, alice=404),
        "root's (superuser)",
        lambda w: [_assignment_pk(w, "root")],
        method="post",
        setup=superuser,
    ),
    # taxonomy: everyone with a role reads the categories; only the district office edits them
    Case("taxonomy:index", SIGNED_IN),
    Case(
        "taxonomy:category-edit",
        row(403, alice=200, nina=404),
        "first category",
        lambda w: [_first_category_pk()],
    ),
    Case(
        "taxonomy:category-edit",
        row(403, alice=302, nina=404),
        "first category",
        lambda w: [_first_category_pk()],
        method="post",
        data=lambda w: {"colour": "#123456", "description": ""},
    ),
    # the API's schema and its docs page
    Case(
        "api-schema",
        row(200, anon=API_ANON),
        only=("alice", "nina", ANON),
        note="drf-spectacular serves the schema to anyone (SERVE_PERMISSIONS defaults to AllowAny).",
    ),
    Case(
        "api-docs",
        row(200, anon=API_ANON),
        note="drf-spectacular serves the docs page to anyone (SERVE_PERMISSIONS defaults to AllowAny).",
    ),
]


# --- the REST API ---------------------------------------------------------------------------------


def api(route, expect, target="", args=lambda w: [], **kwargs) -> Case:
    return Case(route, expect, target, args, api=True, **kwargs)


def arow(default, **personas) -> dict[str, int | str]:
    """A row of the API: the anonymous caller gets API_ANON."""
    return row(default, anon=API_ANON, **personas)


def _api(expect: dict) -> dict:
    """An HTML row of reads as the API answers it (the anonymous caller gets API_ANON)."""
    return {**expect, ANON: API_ANON}


def _first_site_kind_pk() -> int:
    from fenlei.org.models import SiteKind

    return SiteKind.objects.order_by("position", "code").first().pk


def _first_stream_code() -> str:
    from fenlei.taxonomy import naming

    return naming.streams()[0].code


API_SIGNED_IN = arow(200)
API_MANAGER_ONLY = arow(403, alice=200)


API_CASES: list[Case] = [
    # org: areas
    api("org-api:area-list", API_SIGNED_IN),
    api(
        "org-api:area-list",
        arow(403, alice=201, sam=201, olly=404),
        "甲九社区 under 甲街道",
        method="post",
        data=lambda w: {
            "name": "甲九社区",
            "kind": "community",
            "parent": w.street_a.pk,
            "households": 0,
            "population": 0,
        },
    ),
    api("org-api:area-detail", _api(AREA_A), "甲街道", lambda w: [w.street_a.pk]),
    api("org-api:area-detail", _api(AREA_B), "乙街道", lambda w: [w.street_b.pk]),
    api(
        "org-api:area-detail",
        arow(404, alice=200, leo=403, sam=200, ian=403, cora=200),
        "甲一社区",
        lambda w: [w.community_a1.pk],
        method="patch",
        data=lambda w: {"households": 1001},
    ),
    api("org-api:area-history", _api(AREA_A), "甲街道", lambda w: [w.street_a.pk]),
    api("org-api:area-children", _api(AREA_A), "甲街道", lambda w: [w.street_a.pk]),
    api("org-api:area-children", _api(AREA_B), "乙街道", lambda w: [w.street_b.pk]),
    api(
        "org-api:area-close",
        arow(404, alice=200, leo=403, sam=200, ian=403),
        "empty 甲三社区",
        lambda w: [w.community_a3.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=empty_community,
    ),
    api(
        "org-api:area-reopen",
        arow(404, alice=200, leo=403, sam=200, ian=403),
        "closed 甲三社区",
        lambda w: [w.community_a3.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_community,
    ),
    api(
        "org-api:area-move",
        arow(404, alice=200, leo=403, sam=403, ian=403, cora=403),
        "甲一社区 → 乙街道",
        lambda w: [w.community_a1.pk],
        method="post",
        data=lambda w: {"new_parent": w.street_b.pk},
    ),
    # org: sites
    api("org-api:site-list", API_SIGNED_IN),
    api(
        "org-api:site-list",
        arow(403, alice=201, sam=201, cora=201, olly=404),
        "into 甲一社区",
        method="post",
        data=lambda w: {
            "name": "甲一新苑",
            "kind": _kind_pk("managed-estate"),
            "community": w.community_a1.pk,
            "households": 10,
            "population": 20,
        },
    ),
    api("org-api:site-detail", _api(SITE_A1_ESTATE), "甲一花园", _site("a1_estate")),
    api("org-api:site-detail", _api(SITE_B1_SCHOOL), "乙一中学", _site("b1_school")),
    api(
        "org-api:site-detail",
        arow(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=200),
        "甲一花园",
        _site("a1_estate"),
        method="patch",
        data=lambda w: {"households": 201},
    ),
    api(
        "org-api:site-detail",
        arow(404, alice=200, leo=403, ada=403, olly=200),
        "乙一中学",
        _site("b1_school"),
        method="patch",
        data=lambda w: {"population": 901},
    ),
    api("org-api:site-history", _api(SITE_A1_ESTATE), "甲一花园", _site("a1_estate")),
    api(
        "org-api:site-close",
        arow(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=403),
        "甲一花园",
        _site("a1_estate"),
        method="post",
        data=lambda w: {"note": "matrix"},
    ),
    api(
        "org-api:site-reopen",
        arow(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=403),
        "closed 甲一花园",
        _site("a1_estate"),
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_site,
    ),
    # org: site kinds (reference data: every role reads them)
    api("org-api:sitekind-list", API_SIGNED_IN),
    api("org-api:sitekind-detail", arow(200, nina=404), "first kind", lambda w: [_first_site_kind_pk()]),
    api("org-api:sitekind-history", arow(200, nina=404), "first kind", lambda w: [_first_site_kind_pk()]),
    # org: industry authorities
    api("org-api:authority-list", API_SIGNED_IN),
    api(
        "org-api:authority-list",
        arow(403, alice=201),
        "区城管局",
        method="post",
        data=lambda w: {"name": "区城管局", "sector": "城管", "district": w.district.pk},
    ),
    api("org-api:authority-detail", _api(AUTHORITY_EDU), "区教育局", lambda w: [w.education.pk]),
    api("org-api:authority-detail", _api(AUTHORITY_HEALTH), "区卫健委", lambda w: [w.health.pk]),
    api(
        "org-api:authority-detail",
        _api(allow(AUTHORITY_EDU_KEEP, alice=200)),
        "区教育局",
        lambda w: [w.education.pk],
        method="patch",
        data=lambda w: {"contact_person": "李科长"},
    ),
    api("org-api:authority-history", _api(AUTHORITY_EDU), "区教育局", lambda w: [w.education.pk]),
    api(
        "org-api:authority-close",
        _api(allow(AUTHORITY_OTHER_KEEP, alice=200)),
        "区城管局 (no sites)",
        lambda w: [w.spare_authority.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=spare_authority,
    ),
    api(
        "org-api:authority-reopen",
        _api(allow(AUTHORITY_OTHER_KEEP, alice=200)),
        "closed 区城管局",
        lambda w: [w.spare_authority.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_spare_authority,
    ),
    # org: hauliers (a hauler changes its own contact fields)
    api("org-api:hauler-list", API_SIGNED_IN),
    api(
        "org-api:hauler-list",
        arow(403, alice=201),
        "清风运输",
        method="post",
        data=lambda w: {"name": "清风运输", "district": w.district.pk},
    ),
    api("org-api:hauler-detail", _api(HAULER_OWN), "绿洁环卫", lambda w: [w.hauler.pk]),
    api("org-api:hauler-detail", _api(HAULER_OTHER), "清源运输", lambda w: [w.other_hauler.pk]),
    api(
        "org-api:hauler-detail",
        _api(allow(HAULER_OWN_KEEP, alice=200, hal=200)),
        "绿洁环卫: contacts",
        lambda w: [w.hauler.pk],
        method="patch",
        data=lambda w: {"phone": "138 0000 9999"},
    ),
    api(
        "org-api:hauler-detail",
        _api(allow(HAULER_OWN_KEEP, alice=200)),
        "绿洁环卫: name",
        lambda w: [w.hauler.pk],
        method="patch",
        data=lambda w: {"name": "绿洁环卫集团"},
    ),
    api("org-api:hauler-history", _api(HAULER_OWN), "绿洁环卫", lambda w: [w.hauler.pk]),
    api(
        "org-api:hauler-close",
        _api(allow(HAULER_OWN_KEEP, alice=200)),
        "绿洁环卫",
        lambda w: [w.hauler.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
    ),
    api(
        "org-api:hauler-reopen",
        _api(allow(HAULER_OWN_KEEP, alice=200)),
        "closed 绿洁环卫",
        lambda w: [w.hauler.pk],
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=closed_hauler,
    ),
    # accounts: the caller, users and role assignments (the manage action: only alice)
    api("accounts-me", API_SIGNED_IN),
    api("accounts-user-list", API_MANAGER_ONLY),
    api(
        "accounts-user-list",
        arow(403, alice=201),
        "newbie",
        method="post",
        data=lambda w: {"username": "newbie", "display_name": "Newbie"},
    ),
    api("accounts-user-detail", API_MANAGER_ONLY, "sam", lambda w: [w.sam.pk]),
    api(
        "accounts-user-detail",
        arow(403, alice=404),
        "xavier (other district)",
        lambda w: [w.xavier.pk],
        setup=outside_district,
    ),
    api(
        "accounts-user-detail",
        API_MANAGER_ONLY,
        "sam",
        lambda w: [w.sam.pk],
        method="patch",
        data=lambda w: {"display_name": "Sam"},
    ),
    api(
        "accounts-user-set-password",
        arow(403, alice=204),
        "sam",
        lambda w: [w.sam.pk],
        method="post",
        data=lambda w: {"password": NEW_PASSWORD},
    ),
    api("accounts-user-history", API_MANAGER_ONLY, "sam", lambda w: [w.sam.pk]),
    api(
        "accounts-user-history",
        arow(403, alice=404),
        "xavier (other district)",
        lambda w: [w.xavier.pk],
        setup=outside_district,
    ),
    api("accounts-assignment-list", API_MANAGER_ONLY),
    api(
        "accounts-assignment-list",
        arow(403, alice=201),
        "sam: inspector of 乙街道",
        method="post",
        data=lambda w: {"user": w.sam.pk, "role": "inspector", "target": w.street_b.pk},
    ),
    api("accounts-assignment-detail", API_MANAGER_ONLY, "sam's", lambda w: [_assignment_pk(w, "sam")]),
    api(
        "accounts-assignment-detail",
        arow(403, alice=404),
        "xavier's (other district)",
        lambda w: [_assignment_pk(w, "xavier")],
        setup=outside_district,
    ),
    api(
        "accounts-assignment-detail",
        arow(403, alice=204),
        "sam's",
        lambda w: [_assignment_pk(w, "sam")],
        method="delete",
    ),
    api(
        "accounts-user-detail",
        arow(403, alice=404),
        "root (superuser)",
        lambda w: [w.root.pk],
        setup=superuser,
    ),
    api(
        "accounts-assignment-detail",
        arow(403, alice=404),
        "root's (superuser)",
        lambda w: [_assignment_pk(w, "root")],
        setup=superuser,
    ),
    api("accounts-assignment-history", API_MANAGER_ONLY, "sam's", lambda w: [_assignment_pk(w, "sam")]),
    # taxonomy: reference data every role reads
    api("taxonomy-category-list", API_SIGNED_IN),
    api("taxonomy-category-detail", arow(200, nina=404), "first category", lambda w: [_first_category_pk()]),
    api("taxonomy-category-history", arow(200, nina=404), "first category", lambda w: [_first_category_pk()]),
    api("taxonomy-stream-list", API_SIGNED_IN),
    api("taxonomy-stream-detail", arow(200, nina=404), "first stream", lambda w: [_first_stream_code()]),
    # core: the audit log (the audit action: only alice)
    api("core-audit-list", API_MANAGER_ONLY),
    api("core-audit-detail", API_MANAGER_ONLY, "in scope", lambda w: [_audit_pk(w.street_a.path)]),
    api(
        "core-audit-detail",
        arow(403, alice=404),
        "other district",
        lambda w: [_audit_pk(w.street_c.path)],
        setup=outside_district,
    ),
]


def _all_cases() -> list[Case]:
    """The cases of the structure here, and every ledger app's from its own module
    (tests/matrix_<app>.py defining CASES)."""
    import importlib
    import pkgutil

    import tests
    from tests.matrix_ledgers import LEDGER_CASES

    more: list[Case] = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("matrix_") and module.name != "matrix_ledgers":
            more += importlib.import_module(f"tests.{module.name}").CASES
    return [*HTML_CASES, *API_CASES, *LEDGER_CASES, *more]


CASES: list[Case] = _all_cases()
