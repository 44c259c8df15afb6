"""The which-bin lookup on the shipped dictionary: a name, an alias, pinyin, initials, a typo, a
phrase holding a name; the command's JSON lines; the office's edit seen at once."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from fenlei.public.lookup import lookup
from fenlei.public.model import THRESHOLD
from fenlei.public.models import Item

pytestmark = pytest.mark.django_db


def test_the_dictionary_is_there_after_the_migrations():
    assert Item.objects.count() > 3000
    assert Item.objects.get(name="剩菜剩饭").category == "food"
    assert Item.objects.get(name="剩菜剩饭").initials == "scsf"


@pytest.mark.parametrize(
    ("query", "category", "how"),
    [
        ("剩菜剩饭", "food", "name"),
        ("  剩菜 剩饭 ", "food", "name"),
        ("shengcaishengfan", "food", "pinyin"),
        ("ShengCai ShengFan", "food", "pinyin"),
        ("scsf", "food", "initials"),
        ("剩菜剩", "food", "typo"),  # one character missing
        ("剩菜剩板", "food", "typo"),  # one character wrong
        ("过期药品", "hazardous", "name"),
        ("过其药品", "hazardous", "typo"),
        ("一大堆剩菜剩饭", "food", "contained"),
    ],
)
def test_a_name_pinyin_initials_a_typo_or_a_phrase_finds_the_item(query, category, how):
    answer = lookup(query)
    assert (answer.category, answer.matched_by, answer.source) == (category, how, "dictionary")
    assert answer.confidence > 0.5


def test_an_alias_finds_its_item():
    item = Item.objects.exclude(aliases=[]).first()
    answer = lookup(item.aliases[0])
    assert (answer.item, answer.category, answer.matched_by) == (item.name, item.category, "alias")


def test_nothing_known_is_said_honestly():
    answer = lookup("量子纠缠态")
    assert (answer.category, answer.source) == ("unknown", "model")
    assert answer.confidence < THRESHOLD
    assert lookup("   ").as_json() == {
        "name": "   ",
        "category": "unknown",
        "confidence": 0.0,
        "source": "dictionary",
    }


def test_an_office_edit_is_seen_at_once():
    assert lookup("剩菜剩饭").category == "food"
    item = Item.objects.get(name="剩菜剩饭")
    item.category = "residual"
    item.save()
    assert lookup("剩菜剩饭").category == "residual"


def test_the_command_prints_a_json_line_per_name(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("剩菜剩饭\nscsf\n\n旧塑胶饮水瓶子\n量子纠缠态\n"))
    out = io.StringIO()
    call_command("lookup", "--stdin", "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[:2] == [
        {"name": "剩菜剩饭", "category": "food", "confidence": 1.0, "source": "dictionary"},
        {"name": "scsf", "category": "food", "confidence": 0.9, "source": "dictionary"},
    ]
    assert rows[2:] == [lookup("旧塑胶饮水瓶子").as_json(), lookup("量子纠缠态").as_json()]
    assert [(r["category"], r["source"]) for r in rows[2:]] == [("recyclable", "model"), ("unknown", "model")]
    assert set(rows[2]) == {"name", "category", "confidence", "source"}
