"""Permission-matrix cases of the knowledge contest (`fenlei.public.views_quiz`, `api_quiz`).

From the rules:
- the residents' pages and API are public: everyone, signed in or not, starts a round (302 to it on
  the page, 201 in the API), reads it by its token and sends its answers;
- the participation page and the question list open for every signed-in user (what they list is the
  scoping function's answer: rounds are placed rows, questions reference data); anonymous visitors go
  to the sign-in page. The Excel export needs the export action on rounds somewhere: the district,
  street and community roles have it; the inspector, the hauler and the site manager only view, the
  authority's role reaches no round (rounds name no authority), nina has no role (403);
- questions are reference data (`Scope(reference=True)`): every role reads them; writing one, changing
  one and generating them from the dictionary is for roles held over the district (alice). A role
  without the action is refused (403); nina, who reaches no question at all, finds none to edit (404).

Reference data may be changed only by roles held over a district or the city (the area's level,
whatever the root of the tree), so street administrators are refused like everyone else but alice.
"""

from __future__ import annotations

from tests.matrix import Case, row

EVERYONE = row(200, anon=200)
SIGNED_IN = row(200)
#: the export action over rounds: area roles with it (an authority's role reaches no round: 403)
EXPORT = row(403, alice=200, leo=200, sam=200, cora=200, olly=200)
KEEP = row(403, alice=200)
KEEP_ONE = row(403, alice=200, nina=404)


def _question(w):
    from fenlei.public import quiz
    from fenlei.public.models import Question

    w.question = quiz.question_save(
        question=Question(),
        by=None,
        data={
            "text": "废电池属于哪一类？",
            "options": ["有害垃圾", "干垃圾"],
            "answer": 0,
            "explanation": "",
        },
    )


def _round(w):
    from fenlei.public import quiz

    _question(w)
    w.attempt = quiz.deal(client="matrix", community=w.community_a1.pk)


def _token(w):
    return [w.attempt.token]


CASES = [
    # the residents' pages
    Case("quiz:start", EVERYONE, setup=_question),
    Case(
        "quiz:start",
        row(302, anon=302),
        method="post",
        data=lambda w: {"community": w.community_a1.pk, "school": ""},
        setup=_question,
    ),
    Case("quiz:round", EVERYONE, "a round", _token, setup=_round),
    Case(
        "quiz:round",
        row(302, anon=302),
        "a round",
        _token,
        method="post",
        data=lambda w: {"q1": "0"},
        setup=_round,
    ),
    # the residents' API
    Case(
        "public-api:quiz-rounds",
        row(201, anon=201),
        method="post",
        data=lambda w: {"community": w.community_a1.pk},
        api=True,
        setup=_question,
    ),
    Case("public-api:quiz-round", EVERYONE, "a round", _token, api=True, setup=_round),
    Case(
        "public-api:quiz-answers",
        EVERYONE,
        "a round",
        _token,
        method="post",
        data=lambda w: {"answers": [0]},
        api=True,
        setup=_round,
    ),
    # the office's pages
    Case("quiz:participation", SIGNED_IN, setup=_round),
    Case("quiz:participation", EXPORT, "xlsx", query=lambda w: {"format": "xlsx"}, setup=_round),
    Case("quiz:question-list", SIGNED_IN, setup=_question),
    Case("quiz:question-add", KEEP),
    Case(
        "quiz:question-add",
        row(403, alice=302),
        method="post",
        data=lambda w: {
            "text": "玻璃瓶属于哪一类？",
            "options": "可回收物\n有害垃圾",
            "right": "1",
            "active": "on",
        },
    ),
    Case(
        "quiz:question-edit",
        KEEP_ONE,
        "a written question",
        lambda w: [w.question.pk],
        setup=_question,
    ),
    Case(
        "quiz:question-edit",
        row(403, alice=302, nina=404),
        "a written question",
        lambda w: [w.question.pk],
        method="post",
        data=lambda w: {"text": "废电池属于？", "options": "有害垃圾\n干垃圾", "right": "1"},
        setup=_question,
    ),
    Case("quiz:question-generate", row(405), "GET"),
    Case(
        "quiz:question-generate",
        row(403, alice=302),
        method="post",
        data=lambda w: {},
    ),
]
