"""Permission-matrix cases of the guide cards (指引卡): office pages, signed in; a site's card and a
community's or a street's batch are read through the scoping function (VIEW on the site or the area),
so outside the scope is 404, for the page and for the PDF alike."""

from __future__ import annotations

from tests.matrix import AREA_A, AREA_A1, SIGNED_IN, SITE_A1_ESTATE, SITE_B1_SCHOOL, Case, row

AREA_B1 = row(404, alice=200, leo=200, olly=200)  # 乙一社区


def _site(key):
    return lambda w: [w.sites[key].pk]


CASES = [
    Case("cards:index", SIGNED_IN),
    Case("cards:site", SITE_A1_ESTATE, "甲一花园", _site("a1_estate")),
    Case("cards:site", SITE_B1_SCHOOL, "乙一中学", _site("b1_school")),
    Case("cards:site-pdf", SITE_A1_ESTATE, "甲一花园", _site("a1_estate")),
    Case("cards:site-pdf", SITE_B1_SCHOOL, "乙一中学", _site("b1_school"), query=lambda w: {"size": "a5"}),
    Case("cards:community", AREA_A1, "甲一社区", lambda w: [w.community_a1.pk]),
    Case("cards:community", AREA_B1, "乙一社区", lambda w: [w.community_b1.pk]),
    Case("cards:community-pdf", AREA_A1, "甲一社区", lambda w: [w.community_a1.pk]),
    Case("cards:street-pdf", AREA_A, "甲街道", lambda w: [w.street_a.pk]),
]
