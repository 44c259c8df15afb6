"""The model for names the dictionary does not hold: trained from the dictionary, a calibrated
probability, "not sure" below the threshold, and a near name giving way to a sure model."""

from __future__ import annotations

import pytest

from fenlei.public import model as model_
from fenlei.public.lookup import DICTIONARY, MODEL, Index, index, lookup
from fenlei.public.model import Model, features

pytestmark = pytest.mark.django_db


def test_features_weigh_the_head_of_a_compound():
    got = features("塑料瓶")
    assert got["塑"] == got["料"] == got["瓶"] == 1.0
    assert got["塑料"] == got["料瓶"] == got["塑料瓶"] == 1.0
    assert got["$瓶"] == got["$料瓶"] == model_.HEAD_WEIGHT
    assert got["^塑"] == model_.FIRST_WEIGHT


def test_a_small_model_learns_heads_and_knows_nothing_of_unseen_characters():
    m = Model.train(
        [
            ("塑料瓶", "recyclable"),
            ("玻璃瓶", "recyclable"),
            ("果皮", "food"),
            ("瓜皮", "food"),
            ("菜叶", "food"),
        ]
    )
    guess = m.guess("饮料瓶")
    assert guess.category == "recyclable"
    assert 0.5 < guess.probability <= 1.0
    assert abs(sum(p for _c, p in guess.ranked) - 1.0) < 1e-9
    assert m.guess("香蕉皮").category == "food"
    assert m.guess("量子") is None  # no character it has seen: no guess at all


def test_an_unseen_compound_gets_a_suggestion_from_the_model():
    for query, category in [("旧塑胶饮水瓶子", "recyclable"), ("榴莲果核", "food")]:
        answer = lookup(query)
        assert (answer.source, answer.category, answer.item) == (MODEL, category, "")
        assert model_.THRESHOLD <= answer.confidence <= 1.0


@pytest.mark.parametrize("query", ["量子纠缠态", "呜呜呜呜", "@@@", "asdfgh"])
def test_an_absurd_name_gets_not_sure(query):
    answer = lookup(query)
    assert (answer.category, answer.source) == ("unknown", MODEL)
    assert answer.confidence < model_.THRESHOLD


def test_below_the_threshold_the_model_says_not_sure_with_its_probability():
    idx = index()
    for query in ["量子纠缠态", "旧塑胶饮水瓶子", "榴莲果核", "碎瓷碗片", "菠萝蜜壳", "塑胶饮水瓶子"]:
        answer = lookup(query, idx)
        assert answer.source == MODEL
        guess = idx.model.guess(query)
        assert answer.confidence == (guess.probability if guess else 0.0)
        assert (answer.category == "unknown") == (answer.confidence < model_.THRESHOLD)
        if answer.category != "unknown":
            assert answer.category == guess.category


def _rows(pairs):
    return [(name, category, [], "", "") for name, category in pairs]


def test_a_near_name_gives_way_to_a_sure_model_and_stands_when_it_agrees():
    idx = Index(
        _rows(
            [
                ("纸巾", "residual"),
                ("塑料瓶", "recyclable"),
                ("玻璃瓶", "recyclable"),
                ("饮料瓶", "recyclable"),
                ("酱油瓶", "recyclable"),
                ("香水瓶", "recyclable"),
                ("醋瓶", "recyclable"),
            ]
        )
    )
    # 纸瓶 is one character from 纸巾 (residual), but every …瓶 is recyclable
    guess = idx.model.guess("纸瓶")
    assert guess.category == "recyclable" and guess.probability >= model_.OVERRULE_WEAK
    answer = lookup("纸瓶", idx)
    assert answer.source == MODEL and answer.category in ("recyclable", "unknown")
    # a typo the model agrees with stays the dictionary's answer
    answer = lookup("塑料平", idx)
    assert (answer.source, answer.item, answer.matched_by) == (DICTIONARY, "塑料瓶", "typo")


def test_the_model_is_rebuilt_with_the_dictionary():
    from fenlei.public.models import Item

    before = index()
    item = Item(name="榴莲果核", category="residual")
    item.full_clean()
    item.save()
    after = index()
    assert after is not before and after.model is not before.model
    answer = lookup("榴莲果核")
    assert (answer.source, answer.category) == (DICTIONARY, "residual")


def test_a_weak_near_name_gives_way_sooner_than_a_typo():
    from fenlei.public.lookup import TYPO, Answer, weigh

    idx = Index(_rows([("纸巾", "residual"), ("塑料瓶", "recyclable"), ("塑料盒", "recyclable")]))

    def near(query, name, category):
        return Answer(query, category, TYPO, DICTIONARY, name, "typo", name)

    def guess(category, p):
        return model_.Guess(category, p, ((category, p),))

    unsure, sure, very_sure = (
        0.5 * (model_.THRESHOLD + model_.OVERRULE_WEAK),
        model_.OVERRULE_WEAK,
        model_.OVERRULE,
    )
    weak = near("纸盒", "纸巾", "residual")  # one of two characters changed: maybe another item
    assert weigh(weak, "纸盒", guess("residual", unsure), idx) == weak  # the model agrees
    got = weigh(weak, "纸盒", guess("recyclable", unsure), idx)
    assert (got.category, got.source, got.confidence) == ("unknown", MODEL, unsure)
    got = weigh(weak, "纸盒", guess("recyclable", sure), idx)
    assert (got.category, got.source, got.item) == ("recyclable", MODEL, "")
    typo = near("塑科瓶", "塑料瓶", "recyclable")  # a character no name uses: a resident's typo
    assert weigh(typo, "塑科瓶", guess("food", sure), idx) == typo
    assert weigh(typo, "塑科瓶", guess("food", very_sure), idx).category == "food"


@pytest.mark.parametrize(
    ("query", "weak"),
    [
        ("剩菜剩板", False),  # one of four characters
        ("过其药品", False),
        ("剩菜剩", False),  # one missing
        ("塑料平", False),  # sounds the same as 塑料瓶
        ("一大堆剩菜剩饭", True),  # a phrase holding a name
    ],
)
def test_which_near_names_are_weak_evidence(query, weak):
    from fenlei.public.lookup import _from_dictionary, near_is_weak

    idx = index()
    found = _from_dictionary(query, query, idx)
    assert found is not None and found.near
    assert near_is_weak(query, found, idx) is weak
