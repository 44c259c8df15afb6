"""The residents' page and the API answer without a sign-in, and give the command's answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from fenlei.public.lookup import lookup

pytestmark = pytest.mark.django_db


def test_the_page_answers_anyone_with_the_category_advice_and_similar_items():
    client = Client()
    client.cookies["fenlei_language"] = "en"
    response = client.get(reverse("public:lookup"), {"q": "scsf"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "剩菜剩饭" in html and "Wet waste" in html and "Drain liquids" in html
    assert "Similar items:" in html
    unknown = client.get(reverse("public:lookup"), {"q": "量子纠缠态"}).content.decode()
    assert "Not sure where “量子纠缠态” goes." in unknown
    assert client.get(reverse("public:lookup")).status_code == 200  # the empty form


@pytest.mark.parametrize("query", ["剩菜剩饭", "shengcaishengfan", "过其药品", "量子纠缠态"])
def test_the_api_gives_the_lookups_answer(query):
    response = APIClient().get(reverse("public-api:lookup"), {"q": query})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("name", "category", "confidence", "source")} == lookup(query).as_json()


def test_the_api_refuses_an_empty_or_long_question():
    client = APIClient()
    assert client.get(reverse("public-api:lookup")).status_code == 400
    assert client.get(reverse("public-api:lookup"), {"q": "字" * 41}).status_code == 400
