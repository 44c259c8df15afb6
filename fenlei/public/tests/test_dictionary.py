"""The office keeps the item dictionary and answers the reports: a fix changes the lookup at once and
closes the reports, every change audited; only the district office changes anything."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.public import services_dictionary as services
from fenlei.public.choices import UNKNOWN, FeedbackState
from fenlei.public.lookup import lookup
from fenlei.public.models import Feedback, Item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def entries(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("pk"))


def report(query, client="c1", **kw):
    return services.feedback_submit(query=query, client=client, **kw).feedback


def test_a_fix_changes_the_answer_at_once_and_closes_the_reports(world, client_for):
    battery = Item.objects.get(name="矿泉水瓶")
    was = lookup("矿泉水瓶").category
    new = "recyclable" if was != "recyclable" else "residual"
    first, second = report("矿泉水瓶", "c1"), report("矿泉水瓶", "c2")
    other = report("矿泉水瓶", "c3")  # the same question: closed too
    unrelated = report("塑料瓶", "c1")
    alice = client_for("alice")
    page = alice.get(reverse("dictionary:feedback-fix", args=[first.pk]))
    assert page.status_code == 200
    response = alice.post(
        reverse("dictionary:feedback-fix", args=[first.pk]),
        {
            "name": "矿泉水瓶",
            "category": new,
            "aliases_text": "\n".join(battery.aliases),
            "advice": "",
            "reply": "已改",
        },
    )
    assert response.status_code == 302
    assert lookup("矿泉水瓶").category == new  # at once: the lookup's index sees the change
    for row in (first, second, other):
        row.refresh_from_db()
        assert (row.state, row.reply, row.handled_by) == (FeedbackState.FIXED, "已改", world.alice)
        (entry,) = entries(row)[1:]
        assert entry.changes["state"] == ["open", "fixed"] and entry.face == Face.WEB
    unrelated.refresh_from_db()
    assert unrelated.state == FeedbackState.OPEN
    last = entries(battery)[-1]
    assert (last.action, last.user, last.face) == (AuditAction.UPDATE, world.alice, Face.WEB)
    assert last.changes["category"] == [was, new]
    # the public page answers the new way too
    assert (
        f"category-{new}"
        in client_for(None).get(reverse("public:lookup"), {"q": "矿泉水瓶"}).content.decode()
    )
    # a report answered once cannot be answered again
    with pytest.raises(services.ValidationError):
        services.feedback_dismiss(feedback=first, by=world.alice, reply="x")


def test_a_fix_as_a_new_item_makes_the_lookup_answer_it(world, client_for):
    row = report("量子纠缠态")
    assert row.answered == UNKNOWN
    alice = client_for("alice")
    page = alice.get(reverse("dictionary:feedback-fix", args=[row.pk]))
    assert 'value="量子纠缠态"' in page.content.decode()  # prefilled with the question
    response = alice.post(
        reverse("dictionary:feedback-fix", args=[row.pk]),
        {"name": "量子纠缠态", "category": "other", "aliases_text": "纠缠态", "advice": "", "reply": ""},
    )
    assert response.status_code == 302
    item = Item.objects.get(name="量子纠缠态")
    assert item.aliases == ["纠缠态"] and item.pinyin and item.initials
    assert lookup("纠缠态").category == "other"
    row.refresh_from_db()
    assert row.state == FeedbackState.FIXED
    assert entries(item)[0].action == AuditAction.CREATE


def test_keeping_the_answer_needs_a_reply_and_closes_the_question(world, client_for):
    a, b = report("矿泉水瓶", "c1"), report("矿泉水瓶", "c2")
    alice = client_for("alice")
    url = reverse("dictionary:feedback-dismiss", args=[a.pk])
    assert alice.post(url, {"reply": ""}).status_code == 400
    assert alice.post(url, {"reply": "答案无误"}).status_code == 302
    for row in (a, b):
        row.refresh_from_db()
        assert (row.state, row.reply) == (FeedbackState.DISMISSED, "答案无误")
        assert entries(row)[-1].changes["state"] == ["open", "dismissed"]


def test_the_queue_groups_by_question_newest_first(world, client_for):
    report("矿泉水瓶", "c1")
    report("矿泉水瓶", "c2")
    report("塑料瓶", "c1")
    alice = client_for("alice")
    html = alice.get(reverse("dictionary:feedback-list")).content.decode()
    assert html.index('data-query="塑料瓶" data-count="1"') < html.index(
        'data-query="矿泉水瓶" data-count="2"'
    )
    services.feedback_dismiss(
        feedback=Feedback.objects.filter(query="塑料瓶").get(), by=world.alice, reply="对"
    )
    html = alice.get(reverse("dictionary:feedback-list")).content.decode()
    assert 'data-query="塑料瓶"' not in html  # open reports by default
    html = alice.get(reverse("dictionary:feedback-list"), {"state": "dismissed"}).content.decode()
    assert 'data-query="塑料瓶"' in html and 'data-query="矿泉水瓶"' not in html


def test_items_are_added_changed_taken_out_of_use_and_back_all_audited(world, client_for):
    alice = client_for("alice")
    response = alice.post(
        reverse("dictionary:item-add"),
        {"name": "测试杯", "category": "residual", "aliases_text": "测试杯子，小测试杯", "advice": ""},
    )
    assert response.status_code == 302
    item = Item.objects.get(name="测试杯")
    assert item.aliases == ["小测试杯", "测试杯子"] and item.initials == "csb"
    assert lookup("小测试杯").category == "residual"
    edit = reverse("dictionary:item-edit", args=[item.pk])
    assert (
        alice.post(
            edit, {"name": "测试杯", "category": "recyclable", "aliases_text": "", "advice": "洗净"}
        ).status_code
        == 302
    )
    assert lookup("测试杯").category == "recyclable"
    assert (
        alice.post(reverse("dictionary:item-deactivate", args=[item.pk]), {"note": "重复"}).status_code == 302
    )
    assert lookup("测试杯").item != "测试杯"
    assert alice.post(reverse("dictionary:item-reactivate", args=[item.pk]), {"note": ""}).status_code == 302
    assert lookup("测试杯").item == "测试杯"
    actions = [e.action for e in entries(item)]
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.CLOSE, AuditAction.REOPEN]
    assert all(e.user == world.alice and e.face == Face.WEB for e in entries(item))
    history = alice.get(reverse("dictionary:item-history", args=[item.pk]))
    assert history.status_code == 200


def test_a_taken_name_is_refused_naming_the_field(world, client_for):
    alice = client_for("alice")
    taken = alice.post(
        reverse("dictionary:item-add"), {"name": "矿泉水瓶", "category": "residual", "aliases_text": ""}
    )
    assert taken.status_code == 400 and 'data-field="name"' in taken.content.decode()
    alias = alice.post(
        reverse("dictionary:item-add"), {"name": "测试杯", "category": "residual", "aliases_text": "矿泉水瓶"}
    )
    assert alias.status_code == 400
    assert not Item.objects.filter(name="测试杯").exists()
    assert alias.context["form"].errors["aliases_text"]


def test_the_list_searches_name_alias_pinyin_initials_and_shows_counts_and_rules(world, client_for, settings):
    alice = client_for("alice")
    url = reverse("dictionary:item-list")
    food = Item.objects.get(name="剩菜剩饭")
    alias = food.aliases[0] if food.aliases else None
    for term in filter(None, ["剩菜", "shengcai", "scsf", alias]):
        html = alice.get(url, {"q": term}).content.decode()
        assert 'data-item="剩菜剩饭"' in html, term
    html = alice.get(url, {"category": "hazardous"}).content.decode()
    assert 'data-category="food"' not in html.split('id="items"')[1]
    assert settings.FENLEI_ITEM_RULES in html
    in_use = Item.objects.filter(active=True, category="food").count()
    assert f'data-category="food" data-count="{in_use}"' in html


@pytest.mark.parametrize("persona", ["leo", "cora", "ian", "ada", "hal", "mia"])
def test_other_roles_may_read_but_not_change(world, client_for, persona):
    row = report("矿泉水瓶")
    item = Item.objects.get(name="矿泉水瓶")
    client = client_for(persona)
    assert client.get(reverse("dictionary:item-list")).status_code == 200
    assert client.get(reverse("dictionary:item-detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("dictionary:feedback-detail", args=[row.pk])).status_code == 200
    for name, args, data in [
        ("dictionary:item-add", [], {"name": "测试杯", "category": "residual"}),
        ("dictionary:item-edit", [item.pk], {"name": "矿泉水瓶", "category": "residual"}),
        ("dictionary:item-deactivate", [item.pk], {}),
        ("dictionary:feedback-fix", [row.pk], {"name": "矿泉水瓶", "category": "residual"}),
        ("dictionary:feedback-dismiss", [row.pk], {"reply": "x"}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    api = APIClient()
    api.force_authenticate(world.users[persona])
    assert (
        api.patch(
            reverse("public-api:dictionary-item-detail", args=[item.pk]),
            {"category": "residual"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            reverse("public-api:dictionary-feedback-dismiss", args=[row.pk]), {"reply": "x"}, format="json"
        ).status_code
        == 403
    )
    row.refresh_from_db()
    assert row.state == FeedbackState.OPEN and Item.objects.get(pk=item.pk).category == item.category


def test_a_street_admin_may_not_change_the_dictionary(world, client_for):
    item = Item.objects.get(name="矿泉水瓶")
    assert client_for("sam").get(reverse("dictionary:item-edit", args=[item.pk])).status_code == 403


def test_office_pages_send_anonymous_visitors_to_sign_in(world):
    from django.test import Client

    row = report("矿泉水瓶")
    item = Item.objects.get(name="矿泉水瓶")
    login = reverse("accounts:login")
    for url in [
        reverse("dictionary:item-list"),
        reverse("dictionary:item-add"),
        reverse("dictionary:item-detail", args=[item.pk]),
        reverse("dictionary:item-edit", args=[item.pk]),
        reverse("dictionary:feedback-list"),
        reverse("dictionary:feedback-detail", args=[row.pk]),
        reverse("dictionary:feedback-fix", args=[row.pk]),
    ]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    assert APIClient().get(reverse("public-api:dictionary-item-list")).status_code == 403


def test_the_api_changes_an_item_and_fixes_reports(world):
    api = APIClient()
    api.force_authenticate(world.alice)
    item = Item.objects.get(name="矿泉水瓶")
    was = item.category
    new = "recyclable" if was != "recyclable" else "residual"
    response = api.patch(
        reverse("public-api:dictionary-item-detail", args=[item.pk]), {"category": new}, format="json"
    )
    assert response.status_code == 200 and response.json()["category"] == new
    assert lookup("矿泉水瓶").category == new
    assert entries(item)[-1].face == Face.API
    row = report("矿泉水瓶")
    response = api.post(
        reverse("public-api:dictionary-feedback-fix", args=[row.pk]),
        {"category": was, "reply": "改回"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["closed"] == [row.pk]
    assert lookup("矿泉水瓶").category == was
    row = report("量子纠缠态", "c9")
    missing = api.post(reverse("public-api:dictionary-feedback-fix", args=[row.pk]), {}, format="json")
    assert missing.status_code == 400 and "category" in missing.json()
    made = api.post(
        reverse("public-api:dictionary-feedback-fix", args=[row.pk]), {"category": "other"}, format="json"
    )
    assert made.status_code == 200 and made.json()["item"]["name"] == "量子纠缠态"
    again = api.post(
        reverse("public-api:dictionary-feedback-dismiss", args=[row.pk]), {"reply": "x"}, format="json"
    )
    assert again.status_code == 400
    taken = api.post(
        reverse("public-api:dictionary-item-list"),
        {"name": "矿泉水瓶", "category": "residual"},
        format="json",
    )
    assert taken.status_code == 400 and "name" in taken.json()


def test_api_lists_keep_their_query_count(world, django_assert_max_num_queries):
    for i in range(5):
        report(f"矿泉水瓶{i}号", f"c{i}")
    api = APIClient()
    api.force_authenticate(world.alice)
    with django_assert_max_num_queries(6):
        assert api.get(reverse("public-api:dictionary-item-list"), {"q": "dc"}).status_code == 200
    with django_assert_max_num_queries(6):
        body = api.get(reverse("public-api:dictionary-feedback-list"), {"state": "open"}).json()
    assert body["count"] == 5


def test_an_other_name_another_item_has_is_refused_but_shipped_ones_stay_editable(world):
    from fenlei.public.services_dictionary import _refuse_taken_name

    owner = Item.objects.exclude(aliases=[]).order_by("name").first()
    alias = owner.aliases[0]
    newcomer = Item(name="测试新物品", category="residual", aliases=[alias])
    newcomer.clean()
    with pytest.raises(ValidationError) as refused:
        _refuse_taken_name(newcomer)
    assert "aliases" in refused.value.message_dict
    owner.category = "residual"  # its own other names are not "added" by this change
    _refuse_taken_name(owner)
