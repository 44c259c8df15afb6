"""The taxonomy page and API: local naming, the district's scheme, the office's colour edit."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from fenlei.core.models import AuditAction, AuditEntry
from fenlei.core.testing.world import PERSONAS
from fenlei.taxonomy import naming
from fenlei.taxonomy.choices import CategoryKind
from fenlei.taxonomy.models import Category

INDEX = reverse("taxonomy:index")
CATEGORIES = "/api/taxonomy/categories/"
STREAMS = "/api/taxonomy/streams/"
WITH_ROLE = [p for p in PERSONAS if p != "nina"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("name", WITH_ROLE)
def test_every_role_reads_the_taxonomy(world, client_for, name):
    response = client_for(name).get(INDEX)
    assert response.status_code == 200
    overview = response.context["overview"]
    assert [c.code for c in overview.majors] == ["recyclable", "hazardous", "food", "residual"]
    assert {s.code for c in overview.majors for s in c.subs} >= {"paper", "battery", "kitchen"}
    assert "bulky" in {c.code for c in overview.specials}
    html = response.content.decode()
    assert "可回收物" in html and "--chip:#1F5FAD" in html
    assert str(naming.PROFILE_LABELS["shanghai"]) in html


def test_no_role_no_categories(world, client_for):
    response = client_for("nina").get(INDEX)
    assert response.status_code == 200
    assert response.context["overview"].empty
    assert b'class="empty"' in response.content
    assert "可回收物" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(world):
    assert Client().get(INDEX).status_code == 302
    assert APIClient().get(CATEGORIES).status_code in (401, 403)
    assert APIClient().get(STREAMS).status_code in (401, 403)


@pytest.mark.parametrize(
    ("profile", "food", "residual"),
    [
        ("national", "厨余垃圾", "其他垃圾"),
        ("shanghai", "湿垃圾", "干垃圾"),
        ("beijing", "厨余垃圾", "其他垃圾"),
        ("hangzhou", "易腐垃圾", "其他垃圾"),
    ],
)
def test_labels_follow_the_naming_setting(world, client_for, api_for, settings, profile, food, residual):
    settings.FENLEI_NAMING = profile
    html = client_for("sam").get(INDEX).content.decode()
    assert food in html and residual in html
    assert f'data-profile="{profile}"' in html
    data = api_for("sam").get(f"{CATEGORIES}?kind=major").json()["results"]
    labels = {c["code"]: c["label"] for c in data}
    assert labels["food"] == food and labels["residual"] == residual
    assert {c["code"]: c["name"] for c in data}["food"] == "厨余垃圾"  # the national name stays
    for other in {"湿垃圾", "易腐垃圾"} - {food}:
        assert other not in labels.values()


def test_labels_in_english(world, api_for, settings):
    settings.FENLEI_NAMING = "hangzhou"
    with translation.override("en"):
        data = api_for("sam").get(f"{CATEGORIES}?kind=major", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {c["code"]: c["label"] for c in data}["food"] == "Perishable waste"


def test_two_stream_scheme(world, client_for, api_for, settings):
    settings.FENLEI_SCHEME = "two_stream"
    settings.FENLEI_NAMING = "shanghai"
    streams = {s["code"]: s for s in api_for("cora").get(STREAMS).json()}
    assert streams["wet"]["category"]["code"] == "food" and not streams["wet"]["centrally_collected"]
    assert streams["dry"]["category"]["code"] == "residual" and not streams["dry"]["centrally_collected"]
    assert streams["recyclable"]["centrally_collected"] and streams["hazardous"]["centrally_collected"]
    assert streams["wet"]["label"] == "湿垃圾"
    html = client_for("cora").get(INDEX).content.decode()
    assert 'data-stream="wet" data-category="food" data-central="no"' in html
    assert 'data-stream="dry" data-category="residual" data-central="no"' in html
    assert 'data-stream="recyclable" data-category="recyclable" data-central="yes"' in html
    assert 'data-stream="hazardous" data-category="hazardous" data-central="yes"' in html
    # a sub-category is collected in its parent's stream
    kitchen = api_for("cora").get(CATEGORIES, {"page_size": 100}).json()["results"]
    assert {c["code"]: c["stream"] for c in kitchen}["kitchen"] == "wet"
    assert api_for("cora").get(f"{STREAMS}dry/").json()["category"]["code"] == "residual"
    assert api_for("cora").get(f"{STREAMS}nonsense/").status_code == 404


def test_two_stream_names_follow_the_profile(world, api_for, settings):
    settings.FENLEI_SCHEME = "two_stream"
    settings.FENLEI_NAMING = "hangzhou"
    streams = {s["code"]: s for s in api_for("cora").get(STREAMS).json()}
    assert streams["wet"]["label"] == "易腐垃圾" and streams["dry"]["label"] == "其他垃圾"


def test_four_category_scheme(world, api_for, settings):
    settings.FENLEI_SCHEME = "four"
    streams = api_for("hal").get(STREAMS).json()
    assert [s["code"] for s in streams] == ["recyclable", "hazardous", "food", "residual"]
    assert not any(s["centrally_collected"] for s in streams)


@pytest.mark.parametrize("name", WITH_ROLE)
def test_categories_api_for_every_role(world, api_for, name):
    response = api_for(name).get(CATEGORIES, {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == Category.objects.count()
    food = Category.objects.get(code="kitchen")
    detail = api_for(name).get(f"{CATEGORIES}{food.pk}/").json()
    assert detail["parent"]["code"] == "food" and detail["kind"] == CategoryKind.SUB


def test_categories_api_without_a_role(world, api_for):
    client = api_for("nina")
    assert client.get(CATEGORIES).json()["count"] == 0
    assert client.get(f"{CATEGORIES}{Category.objects.first().pk}/").status_code == 404
    assert client.get(STREAMS).json() == []


def test_categories_api_is_read_only(world, api_for):
    food = Category.objects.get(code="food")
    assert api_for("alice").patch(f"{CATEGORIES}{food.pk}/", {"colour": "#000000"}).status_code == 405
    assert api_for("alice").post(CATEGORIES, {"code": "x"}).status_code == 405


def test_categories_list_query_count_does_not_grow(world, api_for):
    client = api_for("sam")
    food = Category.objects.get(code="food")

    def count():
        client.get(CATEGORIES)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(CATEGORIES, {"page_size": 500}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    Category.objects.bulk_create(
        [
            Category(
                code=f"extra-{i}", kind=CategoryKind.SUB, parent=food, name=f"子类{i}", name_en=f"Sub {i}"
            )
            for i in range(30)
        ]
    )
    assert count() == small


# --- the office's edit --------------------------------------------------------------------------------


def test_district_office_edits_colour_and_description(world, client_for, settings):
    settings.FENLEI_NAMING = "national"
    bulky = Category.objects.get(code="bulky")
    url = reverse("taxonomy:category-edit", args=[bulky.pk])
    client = client_for("alice")
    assert url.encode() in client.get(INDEX).content
    assert client.get(url).status_code == 200
    assert client.post(url, {"colour": "red", "description": ""}).status_code == 400
    response = client.post(url, {"colour": "#123456", "description": "每月第一个周六收运"})
    assert response.status_code == 302
    bulky.refresh_from_db()
    assert bulky.colour == "#123456" and bulky.description == "每月第一个周六收运"
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Category),
        object_id=str(bulky.pk),
        action=AuditAction.UPDATE,
    )
    assert entry.user == world.alice and entry.changes["colour"] == ["#7A5C3E", "#123456"]
    html = client.get(INDEX).content.decode()
    assert "--chip:#123456" in html and "每月第一个周六收运" in html


def test_profile_colour_override_is_explained(world, client_for, settings):
    settings.FENLEI_NAMING = "shanghai"
    food = Category.objects.get(code="food")
    response = client_for("alice").get(reverse("taxonomy:category-edit", args=[food.pk]))
    assert "#8B5A2B" in response.context["form"].fields["colour"].help_text


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("leo", 403),
        ("sam", 403),
        ("cora", 403),
        ("ada", 403),
        ("ian", 403),
        ("hal", 403),
        ("mia", 403),
        ("olly", 403),
        ("nina", 404),
    ],
)
def test_only_the_district_office_edits_categories(world, client_for, name, status):
    food = Category.objects.get(code="food")
    url = reverse("taxonomy:category-edit", args=[food.pk])
    assert client_for(name).get(url).status_code == status
    assert client_for(name).post(url, {"colour": "#000000", "description": ""}).status_code == status
    assert (
        reverse("taxonomy:category-edit", args=[food.pk]).encode() not in client_for(name).get(INDEX).content
    )
    food.refresh_from_db()
    assert food.colour == "#2E8B3A"
