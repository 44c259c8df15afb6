"""Permission-matrix cases of the item dictionary, the queue of answers reported wrong and the
residents' "this answer is wrong" (`fenlei/public/urls_dictionary.py`, `fenlei/public/api_dictionary.py`).

From the rules (`fenlei.core.roles`, `fenlei.core.scoping`): items and reports are reference data
(`Scope(reference=True)`): every role views them (nina, with none, sees an empty list and 404 on a
row); only a role held over the district takes other actions: alice. leo's role has no action but
view and export (403); the street, community, authority, inspector, hauler and site roles may add and
change in general, but not reference data (403). The residents' form and POST feedback/ are public:
everyone, signed in or not, is answered.
"""

from __future__ import annotations

from tests.matrix import API_ANON, Case, row

EVERYONE = row(200, anon=200)
SIGNED_IN = row(200)
SEEN = row(200, nina=404)
OFFICE = row(403, alice=200, nina=404)
OFFICE_SAVES = row(403, alice=302, nina=404)
OFFICE_ADDS = row(403, alice=200)
OFFICE_ADDS_SAVES = row(403, alice=302)


def arow(default, **personas):
    return row(default, anon=API_ANON, **personas)


def _item(w) -> list:
    from fenlei.public.models import Item

    return [Item.objects.get(name="剩菜剩饭").pk]


def _report(w) -> None:
    """An open report on 矿泉水瓶 (answered from the dictionary)."""
    from fenlei.public import services_dictionary

    w.report = services_dictionary.feedback_submit(
        query="矿泉水瓶", suggested="recyclable", client="matrix"
    ).feedback


def _out_of_use(w) -> None:
    from fenlei.public import services_dictionary
    from fenlei.public.models import Item

    services_dictionary.item_deactivate(item=Item.objects.get(name="剩菜剩饭"), by=None)


def _report_pk(w) -> list:
    return [w.report.pk]


def _item_body(w) -> dict:
    return {"name": "矩阵测试物品", "category": "residual", "aliases_text": "矩阵物品", "advice": ""}


def _fix_body(w) -> dict:
    return {"name": "矿泉水瓶", "category": "hazardous", "aliases_text": "", "advice": "", "reply": "已核对"}


CASES = [
    # residents: public
    Case("dictionary:wrong-answer", EVERYONE, "矿泉水瓶", query=lambda w: {"q": "矿泉水瓶"}),
    Case(
        "dictionary:wrong-answer",
        EVERYONE,
        "矿泉水瓶",
        method="post",
        data=lambda w: {"query": "矿泉水瓶", "suggested": "recyclable", "note": ""},
    ),
    Case(
        "public-api:feedback",
        row(201, anon=201),
        "矿泉水瓶",
        method="post",
        data=lambda w: {"query": "矿泉水瓶", "suggested": "recyclable"},
        api=True,
    ),
    # the dictionary
    Case("dictionary:item-list", SIGNED_IN),
    Case("dictionary:item-list", SIGNED_IN, "search", query=lambda w: {"q": "scsf", "category": "food"}),
    Case("dictionary:item-add", OFFICE_ADDS),
    Case(
        "dictionary:item-add",
        OFFICE_ADDS_SAVES,
        "new item",
        method="post",
        data=_item_body,
    ),
    Case("dictionary:item-detail", SEEN, "剩菜剩饭", _item),
    Case("dictionary:item-history", SEEN, "剩菜剩饭", _item),
    Case("dictionary:item-edit", OFFICE, "剩菜剩饭", _item),
    Case(
        "dictionary:item-edit",
        OFFICE_SAVES,
        "剩菜剩饭",
        _item,
        method="post",
        data=lambda w: {"name": "剩菜剩饭", "category": "food", "aliases_text": "剩饭\n剩菜", "advice": ""},
    ),
    Case("dictionary:item-deactivate", OFFICE, "剩菜剩饭", _item),
    Case(
        "dictionary:item-deactivate",
        OFFICE_SAVES,
        "剩菜剩饭",
        _item,
        method="post",
        data=lambda w: {"note": ""},
    ),
    Case(
        "dictionary:item-reactivate",
        OFFICE,
        "剩菜剩饭 out of use",
        _item,
        setup=_out_of_use,
    ),
    Case(
        "dictionary:item-reactivate",
        OFFICE_SAVES,
        "剩菜剩饭 out of use",
        _item,
        method="post",
        data=lambda w: {"note": ""},
        setup=_out_of_use,
    ),
    # the queue
    Case("dictionary:feedback-list", SIGNED_IN, setup=_report),
    Case(
        "dictionary:feedback-list", SIGNED_IN, "answered", query=lambda w: {"state": "fixed"}, setup=_report
    ),
    Case("dictionary:feedback-detail", SEEN, "矿泉水瓶", _report_pk, setup=_report),
    Case(
        "dictionary:feedback-fix",
        OFFICE,
        "矿泉水瓶",
        _report_pk,
        setup=_report,
    ),
    Case(
        "dictionary:feedback-fix",
        OFFICE_SAVES,
        "矿泉水瓶",
        _report_pk,
        method="post",
        data=_fix_body,
        setup=_report,
    ),
    Case(
        "dictionary:feedback-fix",
        OFFICE_SAVES,
        "矿泉水瓶 as a new item",
        _report_pk,
        method="post",
        query=lambda w: {"new": "1"},
        data=lambda w: {**_fix_body(w), "name": "矿泉水瓶盒", "category": "recyclable"},
        setup=_report,
    ),
    Case(
        "dictionary:feedback-dismiss",
        OFFICE,
        "矿泉水瓶",
        _report_pk,
        setup=_report,
    ),
    Case(
        "dictionary:feedback-dismiss",
        OFFICE_SAVES,
        "矿泉水瓶",
        _report_pk,
        method="post",
        data=lambda w: {"reply": "答案无误"},
        setup=_report,
    ),
    # the API
    Case("public-api:dictionary-item-list", arow(200), api=True),
    Case(
        "public-api:dictionary-item-list",
        arow(403, alice=201),
        "new item",
        method="post",
        data=lambda w: {"name": "矩阵测试物品", "category": "residual", "aliases": ["矩阵物品"]},
        api=True,
    ),
    Case("public-api:dictionary-item-detail", arow(200, nina=404), "剩菜剩饭", _item, api=True),
    Case(
        "public-api:dictionary-item-detail",
        arow(403, alice=200, nina=404),
        "剩菜剩饭",
        _item,
        method="patch",
        data=lambda w: {"aliases": ["剩饭", "剩菜"]},
        api=True,
    ),
    Case("public-api:dictionary-item-history", arow(200, nina=404), "剩菜剩饭", _item, api=True),
    Case(
        "public-api:dictionary-item-close",
        arow(403, alice=200, nina=404),
        "剩菜剩饭",
        _item,
        method="post",
        data=lambda w: {},
        api=True,
    ),
    Case(
        "public-api:dictionary-item-reopen",
        arow(403, alice=200, nina=404),
        "剩菜剩饭 out of use",
        _item,
        method="post",
        data=lambda w: {},
        setup=_out_of_use,
        api=True,
    ),
    Case("public-api:dictionary-feedback-list", arow(200), setup=_report, api=True),
    Case(
        "public-api:dictionary-feedback-detail",
        arow(200, nina=404),
        "矿泉水瓶",
        _report_pk,
        setup=_report,
        api=True,
    ),
    Case(
        "public-api:dictionary-feedback-history",
        arow(200, nina=404),
        "矿泉水瓶",
        _report_pk,
        setup=_report,
        api=True,
    ),
    Case(
        "public-api:dictionary-feedback-fix",
        arow(403, alice=200, nina=404),
        "矿泉水瓶",
        _report_pk,
        method="post",
        data=lambda w: {"category": "hazardous", "reply": "已核对"},
        setup=_report,
        api=True,
    ),
    Case(
        "public-api:dictionary-feedback-dismiss",
        arow(403, alice=200, nina=404),
        "矿泉水瓶",
        _report_pk,
        method="post",
        data=lambda w: {"reply": "答案无误"},
        setup=_report,
        api=True,
    ),
]
