"""Residents' "this answer is wrong": stored with the server's answer, once per open question and
client, refused over the limits; the form on the lookup page, the small page and the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.public import services_dictionary as services
from fenlei.public.choices import UNKNOWN, FeedbackState
from fenlei.public.lookup import lookup
from fenlei.public.models import Feedback

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def test_the_report_holds_the_servers_answer_not_the_senders_claim():
    client = Client()
    response = client.post(
        reverse("dictionary:wrong-answer"),
        # a forged claim of what was answered is no field of the form: it is ignored
        {"query": " 矿泉水瓶 ", "suggested": "recyclable", "note": "小区里说可回收", "answered": "food"},
    )
    assert response.status_code == 200
    row = Feedback.objects.get()
    expected = lookup("矿泉水瓶")
    assert (row.query, row.answered, row.source) == ("矿泉水瓶", expected.category, "dictionary")
    assert row.item is not None and row.item.name == expected.item
    assert (row.suggested, row.note, row.state) == ("recyclable", "小区里说可回收", FeedbackState.OPEN)
    assert len(row.client) == 64 and "127.0.0.1" not in row.client
    entry = AuditEntry.objects.get(object_id=str(row.pk), content_type__model="feedback")
    assert (entry.action, entry.face, entry.user) == (AuditAction.CREATE, Face.WEB, None)


def test_an_unknown_item_is_reported_as_not_sure():
    sent = services.feedback_submit(query="量子纠缠态", client="c1")
    assert sent.created and sent.feedback.answered == UNKNOWN and sent.feedback.item is None


def test_the_same_question_from_the_same_client_is_stored_once_while_open():
    first = services.feedback_submit(query="矿泉水瓶", client="c1")
    again = services.feedback_submit(query="矿泉水瓶", client="c1", note="again")
    assert first.created and not again.created and again.feedback.pk == first.feedback.pk
    other = services.feedback_submit(query="矿泉水瓶", client="c2")
    assert other.created
    assert Feedback.objects.count() == 2
    # the page says so, without a second row
    client = Client()
    client.cookies["fenlei_language"] = "en"
    for _ in range(2):
        response = client.post(reverse("dictionary:wrong-answer"), {"query": "塑料瓶"})
    assert 'data-created="no"' in response.content.decode()
    assert Feedback.objects.filter(query="塑料瓶").count() == 1


def test_once_answered_the_same_question_may_be_reported_again(world):
    first = services.feedback_submit(query="矿泉水瓶", client="c1").feedback
    services.feedback_dismiss(feedback=first, by=world.alice, reply="答案无误")
    assert services.feedback_submit(query="矿泉水瓶", client="c1").created


def test_over_the_limits_a_report_is_refused_with_a_clear_message(settings):
    settings.FENLEI_PUBLIC_FEEDBACK_PER_HOUR = 2
    settings.FENLEI_PUBLIC_FEEDBACK_PER_DAY = 5
    services.feedback_submit(query="矿泉水瓶", client="c1")
    services.feedback_submit(query="塑料瓶", client="c1")
    with pytest.raises(ValidationError) as refused:
        services.feedback_submit(query="剩菜剩饭", client="c1")
    assert refused.value.error_list[0].code == "limit"
    assert services.feedback_submit(query="剩菜剩饭", client="c2").created  # another connection
    client = Client()
    client.cookies["fenlei_language"] = "en"
    for q in ("纸箱", "旧衣服"):
        assert client.post(reverse("dictionary:wrong-answer"), {"query": q}).status_code == 200
    response = client.post(reverse("dictionary:wrong-answer"), {"query": "玻璃瓶"})
    assert response.status_code == 429
    assert "at most 2" in response.content.decode()
    api = APIClient()
    api.cookies["fenlei_language"] = "en"
    response = api.post(reverse("public-api:feedback"), {"query": "玻璃瓶"}, format="json")
    assert response.status_code == 429 and "at most 2" in response.json()["detail"]
    assert not Feedback.objects.filter(query="玻璃瓶").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "字" * 41}, "query"),
        ({"query": "矿泉水瓶", "suggested": "gold"}, "suggested"),
        ({"query": "矿泉水瓶", "note": "长" * 201}, "note"),
    ],
)
def test_bad_input_names_the_field(body, field):
    response = APIClient().post(reverse("public-api:feedback"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Feedback.objects.exists()


def test_the_api_records_a_report_once_and_audits_it_as_api():
    api = APIClient()
    response = api.post(
        reverse("public-api:feedback"), {"query": "矿泉水瓶", "suggested": "recyclable"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "query": "矿泉水瓶",
        "answered": lookup("矿泉水瓶").category,
        "source": "dictionary",
        "created": True,
    }
    again = api.post(reverse("public-api:feedback"), {"query": "矿泉水瓶"}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False
    row = Feedback.objects.get()
    assert AuditEntry.objects.get(object_id=str(row.pk), content_type__model="feedback").face == Face.API


def test_the_form_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("dictionary:wrong-answer"), {"query": "矿泉水瓶"}).status_code == 403
    page = client.get(reverse("dictionary:wrong-answer"), {"q": "矿泉水瓶"})
    token = page.cookies["csrftoken"].value
    assert (
        client.post(
            reverse("dictionary:wrong-answer"), {"query": "矿泉水瓶", "csrfmiddlewaretoken": token}
        ).status_code
        == 200
    )


def test_the_feedback_include_renders_the_form_for_the_question():
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/which-bin/?q=电池")
    html = render_to_string(
        "public/_feedback.html", {"query": "矿泉水瓶", "answer": lookup("矿泉水瓶")}, request=request
    )
    assert reverse("dictionary:wrong-answer") in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="suggested"' in html and 'value="矿泉水瓶"' in html
    assert render_to_string("public/_feedback.html", {"query": ""}).strip() == ""
