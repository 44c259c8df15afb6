"""The inbox: only the user's own notifications, marking read, following a link (local paths only),
and the unread count in the shell."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fenlei.core import notify
from fenlei.core.models import Notification
from fenlei.core.views_inbox import local_path

pytestmark = pytest.mark.django_db

KIND = "test.inbox"
notify.register(KIND, "Order {number} needs you")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["fenlei_language"] = "en"
    return client


@pytest.fixture
def notes(world):
    notify.send([world.mia], KIND, params={"number": "ZG1"}, url="/org/", key="k1")
    notify.send([world.mia], KIND, params={"number": "ZG2"}, url="https://evil.example/", key="k2")
    notify.send([world.sam], KIND, params={"number": "ZG3"}, url="/", key="k3")
    return {n.params["number"]: n for n in Notification.objects.all()}


def test_the_inbox_lists_only_the_users_own(world, notes):
    page = client_for(world.mia).get(reverse("core:inbox"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Order ZG1 needs you" in text and "Order ZG2 needs you" in text and "ZG3" not in text
    assert 'id="inbox-unread">2<' in text
    assert client_for(world.nina).get(reverse("core:inbox")).status_code == 200
    assert Client().get(reverse("core:inbox")).status_code == 302


def test_opening_marks_read_and_follows_local_links_only(world, notes):
    mia = client_for(world.mia)
    response = mia.get(reverse("core:inbox-open", args=[notes["ZG1"].pk]))
    assert response.status_code == 302 and response["Location"] == "/org/"
    notes["ZG1"].refresh_from_db()
    assert notes["ZG1"].read_at is not None
    response = mia.get(reverse("core:inbox-open", args=[notes["ZG2"].pk]))
    assert response["Location"] == reverse("core:inbox")
    assert mia.get(reverse("core:inbox-open", args=[notes["ZG3"].pk])).status_code == 404


def test_mark_read_one_or_all(world, notes):
    mia = client_for(world.mia)
    url = reverse("core:inbox-read")
    assert mia.post(url, {"id": notes["ZG1"].pk}).status_code == 302
    assert notify.unread_count(world.mia) == 1
    assert mia.post(url, {"id": notes["ZG3"].pk}).status_code == 404
    assert mia.post(url, {"id": "x"}).status_code == 400
    assert mia.post(url, {"all": "1"}).status_code == 302
    assert notify.unread_count(world.mia) == 0
    assert notify.unread_count(world.sam) == 1
    assert mia.get(url).status_code == 405


def test_local_path():
    assert local_path("/inspections/orders/3/") == "/inspections/orders/3/"
    for bad in ("", "https://evil.example/", "//evil.example/", "/\\evil", "javascript:alert(1)"):
        assert local_path(bad) == ""


def test_the_menu_offers_inspections(world):
    text = client_for(world.mia).get(reverse("core:inbox")).content.decode()
    assert 'data-nav="inspections"' in text
    assert 'data-nav="inspections"' not in client_for(world.nina).get(reverse("core:inbox")).content.decode()
