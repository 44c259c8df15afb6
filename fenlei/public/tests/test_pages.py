"""The residents' page and the API answer without a sign-in, and give the command's answers."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from fenlei.public.lookup import lookup
from fenlei.public.models import Item

pytestmark = pytest.mark.django_db


def _client() -> Client:
    client = Client()
    client.cookies["fenlei_language"] = "en"
    return client


def test_the_page_answers_anyone_with_the_category_advice_and_similar_items():
    client = _client()
    response = client.get(reverse("public:lookup"), {"q": "scsf"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "剩菜剩饭" in html and "Wet waste" in html and "Drain liquids" in html
    assert "Similar items:" in html
    assert 'data-source="dictionary"' in html and "A suggestion" not in html
    unknown = client.get(reverse("public:lookup"), {"q": "量子纠缠态"}).content.decode()
    assert "Not sure where “量子纠缠态” goes." in unknown
    assert client.get(reverse("public:lookup")).status_code == 200  # the empty form


def test_the_page_shows_the_rules_the_dictionary_follows(settings):
    settings.FENLEI_ITEM_RULES = "某市生活垃圾分类目录（2025）"
    html = _client().get(reverse("public:lookup")).content.decode()
    assert "某市生活垃圾分类目录（2025）" in html
    assert "Shanghai's 2019" not in html


def test_a_model_answer_is_marked_as_a_suggestion_with_its_confidence():
    html = _client().get(reverse("public:lookup"), {"q": "旧塑胶饮水瓶子"}).content.decode()
    answer = lookup("旧塑胶饮水瓶子")
    assert 'data-source="model"' in html and 'data-category="recyclable"' in html
    assert "A suggestion, not in the dictionary" in html
    assert f"{round(answer.confidence * 100)}% sure" in html
    assert "Similar items in the dictionary:" in html


def _page(client, query) -> dict:
    html = client.get(reverse("public:lookup"), {"q": query}).content.decode()
    got = re.search(r'data-source="(\w+)" data-category="(\w+)" data-confidence="([\d.]+)"', html)
    source, category, confidence = got.groups()
    return {"name": query, "category": category, "confidence": float(confidence), "source": source}


def test_the_page_the_api_and_the_command_agree():
    alias = Item.objects.exclude(aliases=[]).order_by("name").first().aliases[0]
    queries = [
        "剩菜剩饭",
        "shengcaishengfan",
        "scsf",
        alias,
        "过其药品",
        "一大堆剩菜剩饭",
        "旧塑胶饮水瓶子",
        "量子纠缠态",
    ]
    client, api = _client(), APIClient()
    out = io.StringIO()
    call_command("lookup", *queries, "--json", stdout=out)
    command = [json.loads(line) for line in out.getvalue().splitlines()]
    for query, from_command in zip(queries, command, strict=True):
        body = api.get(reverse("public-api:lookup"), {"q": query}).json()
        from_api = {k: body[k] for k in ("name", "category", "confidence", "source")}
        assert _page(client, query) == from_api == from_command == lookup(query).as_json(), query
    sources = {(c["source"], c["category"] == "unknown") for c in command}
    assert sources == {("dictionary", False), ("model", False), ("model", True)}


@pytest.mark.parametrize("query", ["剩菜剩饭", "shengcaishengfan", "过其药品", "量子纠缠态", "榴莲果核"])
def test_the_api_gives_the_lookups_answer(query):
    response = APIClient().get(reverse("public-api:lookup"), {"q": query})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("name", "category", "confidence", "source")} == lookup(query).as_json()
    assert body["rules"]
    if body["source"] == "model":
        assert body["item"] == ""
    if body["category"] != "unknown":
        assert body["advice"]


def test_the_api_refuses_an_empty_or_long_question():
    client = APIClient()
    assert client.get(reverse("public-api:lookup")).status_code == 400
    assert client.get(reverse("public-api:lookup"), {"q": "字" * 41}).status_code == 400
