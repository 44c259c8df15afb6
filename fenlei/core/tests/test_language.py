"""Chinese by default, whatever the browser asks for; English when the user chooses it."""

from django.urls import reverse


def test_chinese_by_default_even_for_an_english_browser(world, client_for):
    c = client_for("sam")
    r = c.get(reverse("org:area-detail", args=[world.street_a.pk]), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in r.content.decode()


def test_switching_to_english_and_back(world, client_for):
    c = client_for("sam")
    page = reverse("org:area-detail", args=[world.street_a.pk])
    r = c.post(reverse("set_language"), {"language": "en", "next": page})
    assert r.status_code == 302
    r = c.get(page)
    assert r["Content-Language"] == "en" and '<html lang="en">' in r.content.decode()
    assert 'data-lang="zh-hans"' in r.content.decode()
    c.post(reverse("set_language"), {"language": "zh-hans", "next": page})
    assert c.get(page)["Content-Language"] == "zh-hans"


def test_unknown_language_cookie_falls_back_to_chinese(world, client_for):
    c = client_for("sam")
    c.cookies["fenlei_language"] = "fr"
    assert c.get(reverse("org:area-detail", args=[world.street_a.pk]))["Content-Language"] == "zh-hans"
