"""Permission-matrix cases of the residents' which-bin page and API: public, so everyone, signed in
or not, is answered."""

from __future__ import annotations

from tests.matrix import Case, row

EVERYONE = row(200, anon=200)

CASES = [
    Case("public:lookup", EVERYONE, "剩菜剩饭", query=lambda w: {"q": "剩菜剩饭"}),
    Case("public-api:lookup", EVERYONE, "剩菜剩饭", query=lambda w: {"q": "剩菜剩饭"}, api=True),
]

# The office's entry page: any signed-in user (it lists only what their roles reach).
CASES += [Case("residents:index", row(200))]
