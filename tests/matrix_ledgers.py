"""Permission-matrix cases of the ledgers built on LedgerFaces and PlacedViewSet.

Every ledger of placed rows has the same routes and the same rules, so one function writes its
cases from the role rules: a ledger row in 甲一社区 at 甲一花园 is seen by the areas above it and by
甲一花园's manager (mia); it is kept (add/change/close/import) by alice, sam and cora; leo, ian and mia
only read it; the authority (ada) and the hauler (hal) do not reach it at all.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.matrix import API_ANON, LOGIN, Case, row

SIGNED_IN = row(200)
#: A row in 甲一社区 at 甲一花园.
VIEW_A1 = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)
KEEP_A1 = row(404, alice=200, leo=403, sam=200, cora=200, ian=403, mia=403)
#: A row in 乙一社区.
VIEW_B1 = row(404, alice=200, leo=200, olly=200)
ADDERS = row(403, alice=200, sam=200, cora=200, olly=200)
EXPORTERS = row(403, alice=200, leo=200, sam=200, cora=200, olly=200)


def _with(expect: dict, allowed: int | str) -> dict:
    """`expect` with every 200 replaced by `allowed` (a form that saved: 302; an API create: 201)."""
    return {k: (allowed if v == 200 else v) for k, v in expect.items()}


def _api(expect: dict) -> dict:
    return {**expect, "anon": API_ANON}


def with_photo(w, row, slot: str = "photo"):
    """A photo kept on `row` in `slot` (as its row's keeper would add it); returns the attachment."""
    from fenlei.core import attachments
    from fenlei.core.testing import files

    (att,) = attachments.attach(row=row, slot=slot, files=[files.photo()], by=None)
    return att


def _photo_body(slot: str):
    def body(w) -> dict:
        from fenlei.core.testing import files

        return {"slot": slot, "files": [files.photo()]}

    return body


def file_cases(
    *,
    ns: str,
    name: str,
    api_ns: str,
    api_name: str,
    setup: Callable,
    row: Callable,
    view: dict,
    keep: dict,
    target: str,
    other: tuple[Callable, dict, str] | None = None,
    slot: str = "photo",
) -> list[Case]:
    """The routes of a row's files (fenlei.core.attachments): `setup(w)` makes the rows, `row(w)` the
    one the cases act on (seen by `view`, kept by `keep`); a photo is put in its `slot` (as `w.photo`).
    `other` = (row, view, target) of a second row whose file the cases also read."""

    def with_file(w):
        setup(w)
        w.photo = with_photo(w, row(w), slot)
        if other is not None:
            w.other_photo = with_photo(w, other[0](w), slot)

    pk = lambda w: [row(w).pk]  # noqa: E731
    both = lambda w: [row(w).pk, w.photo.pk]  # noqa: E731
    r = lambda face: f"{ns}:{name}-{face}"  # noqa: E731
    a = lambda face: f"{api_ns}:{api_name}-{face}"  # noqa: E731
    cases = [
        Case(r("attach"), _with(keep, 302), target, pk, setup=setup, method="post", data=_photo_body(slot)),
        Case(r("file"), view, target, both, setup=with_file),
        Case(r("thumbnail"), view, target, both, setup=with_file),
        Case(r("detach"), keep, target, both, setup=with_file),
        Case(r("detach"), _with(keep, 302), target, both, setup=with_file, method="post", data=lambda w: {}),
        Case(a("attachments"), _api(view), target, pk, setup=with_file, api=True),
        Case(
            a("attachments"),
            _api(_with(keep, 201)),
            target,
            pk,
            setup=setup,
            api=True,
            method="post",
            data=_photo_body(slot),
            multipart=True,
        ),
        Case(a("attachment"), _api(view), target, both, setup=with_file, api=True),
        Case(
            a("attachment"), _api(_with(keep, 204)), target, both, setup=with_file, api=True, method="delete"
        ),
        Case(a("attachment-thumbnail"), _api(view), target, both, setup=with_file, api=True),
    ]
    if other is not None:
        other_row, other_view, other_target = other
        other_both = lambda w: [other_row(w).pk, w.other_photo.pk]  # noqa: E731
        cases += [
            Case(r("file"), other_view, other_target, other_both, setup=with_file),
            Case(a("attachment"), _api(other_view), other_target, other_both, setup=with_file, api=True),
        ]
    return cases


def ledger_cases(
    *,
    ns: str,
    name: str,
    api_ns: str,
    api_name: str,
    make: Callable,
    body: Callable,
    api_body: Callable,
    excel: bool = True,
    view_a1: dict = VIEW_A1,
    keep_a1: dict = KEEP_A1,
    change_a1: dict | None = None,
    view_b1: dict = VIEW_B1,
    exporters: dict = EXPORTERS,
    slot: str | None = None,
) -> list[Case]:
    """`make(w, area, site)` creates a row; `body(w)` is a valid form body placing one in 甲一社区;
    `slot`: the ledger's rows take files in this slot (the routes of `file_cases`, e.g. "photo").

    The expectations default to a plain placed ledger's; a ledger that other targets reach (an
    authority, a haulier) passes its own rows: who sees the row in 甲一社区 (`view_a1`) and in 乙一社区
    (`view_b1`), who may close and reopen it (`keep_a1`) and who may change it and its files
    (`change_a1`, default `keep_a1`).
    """
    VIEW_A1, KEEP_A1, VIEW_B1 = view_a1, keep_a1, view_b1  # noqa: N806
    CHANGE_A1 = change_a1 or keep_a1  # noqa: N806

    def setup(w):
        w.ledger_a1 = make(w, w.community_a1, w.sites["a1_estate"])
        w.ledger_b1 = make(w, w.community_b1, None)

    def setup_closed(w):
        setup(w)
        from fenlei.core import services

        services.close(w.ledger_a1, by=None)

    a1 = lambda w: [w.ledger_a1.pk]  # noqa: E731
    b1 = lambda w: [w.ledger_b1.pk]  # noqa: E731
    r = lambda face: f"{ns}:{name}-{face}"  # noqa: E731
    a = lambda face: f"{api_ns}:{api_name}-{face}"  # noqa: E731
    cases = [
        Case(r("list"), SIGNED_IN, setup=setup),
        Case(r("add"), ADDERS),
        Case(r("add"), {**_with(ADDERS, 302), "olly": 400}, "into 甲一社区", method="post", data=body),
        Case(r("detail"), VIEW_A1, "甲一社区", a1, setup=setup),
        Case(r("detail"), VIEW_B1, "乙一社区", b1, setup=setup),
        Case(r("history"), VIEW_A1, "甲一社区", a1, setup=setup),
        Case(r("edit"), CHANGE_A1, "甲一社区", a1, setup=setup),
        Case(r("close"), KEEP_A1, "甲一社区", a1, setup=setup),
        Case(
            r("close"),
            _with(KEEP_A1, 302),
            "甲一社区",
            a1,
            setup=setup,
            method="post",
            data=lambda w: {"note": "matrix"},
        ),
        Case(r("reopen"), KEEP_A1, "closed, 甲一社区", a1, setup=setup_closed),
        Case(api_case := a("list"), _api(SIGNED_IN), setup=setup, api=True),
        Case(
            api_case,
            _api({**_with(ADDERS, 201), "olly": 404}),
            "into 甲一社区",
            method="post",
            data=api_body,
            api=True,
        ),
        Case(a("detail"), _api(VIEW_A1), "甲一社区", a1, setup=setup, api=True),
        Case(a("detail"), _api(VIEW_B1), "乙一社区", b1, setup=setup, api=True),
        Case(
            a("detail"),
            _api(CHANGE_A1),
            "甲一社区",
            a1,
            setup=setup,
            api=True,
            method="patch",
            data=lambda w: {},
        ),
        Case(a("history"), _api(VIEW_A1), "甲一社区", a1, setup=setup, api=True),
        Case(
            a("close"), _api(KEEP_A1), "甲一社区", a1, setup=setup, api=True, method="post", data=lambda w: {}
        ),
        Case(
            a("reopen"),
            _api(KEEP_A1),
            "closed, 甲一社区",
            a1,
            setup=setup_closed,
            api=True,
            method="post",
            data=lambda w: {},
        ),
    ]
    if slot is not None:
        cases += file_cases(
            ns=ns,
            name=name,
            api_ns=api_ns,
            api_name=api_name,
            setup=setup,
            row=lambda w: w.ledger_a1,
            view=VIEW_A1,
            keep=CHANGE_A1,
            target="甲一社区",
            other=(lambda w: w.ledger_b1, VIEW_B1, "乙一社区"),
            slot=slot,
        )
    if excel:
        cases += [
            Case(r("export"), exporters),
            Case(r("import-template"), ADDERS),
            Case(r("import"), ADDERS),
        ]
    return cases


def _point(w, area, site, name="一号点"):
    from fenlei.facilities.models import DropOffPoint

    point = DropOffPoint(name=name, area=area, site=site, households_served=200)
    point.full_clean()
    point.save()
    return point


def _container(w, area, site):
    from fenlei.facilities.models import Container
    from fenlei.taxonomy.models import Category

    c = Container(area=area, site=site, category=Category.objects.get(code="food"), volume_l=240, count=3)
    c.full_clean()
    c.save()
    return c


def _point_body(w):
    return {
        "name": "矩阵投放点",
        "area": w.community_a1.pk,
        "kind": "scheduled",
        "status": "in_use",
        "households_served": "100",
    }


def _container_body(w):
    from fenlei.taxonomy.models import Category

    return {
        "area": w.community_a1.pk,
        "category": Category.objects.get(code="food").pk,
        "volume_l": "240",
        "count": "2",
        "status": "in_use",
    }


def _container_api_body(w):
    return {"area": w.community_a1.pk, "category": "food", "volume_l": 240, "count": 2}


LEDGER_CASES: list[Case] = [
    Case("org:site-options", {**SIGNED_IN, "anon": LOGIN}, query=lambda w: {"area": w.community_a1.pk}),
    *ledger_cases(
        ns="facilities",
        name="dropoff",
        api_ns="facilities-api",
        api_name="dropoff",
        make=_point,
        body=_point_body,
        api_body=_point_body,
        slot="photo",
    ),
    *ledger_cases(
        ns="facilities",
        name="container",
        api_ns="facilities-api",
        api_name="container",
        make=_container,
        body=_container_body,
        api_body=_container_api_body,
        slot="photo",
    ),
]
