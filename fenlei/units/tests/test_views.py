"""The unit ledgers' pages: the per-street overview (worked by hand), filters by commitment state,
the forms for the people who keep the records."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import translation

from fenlei.units.models import InstitutionRecord, RestaurantRecord
from fenlei.units.tests.conftest import save

TODAY = datetime.date(2026, 6, 15)


def _restaurants(world, restaurant):
    """Four restaurants on 2026-06-15: 甲一食堂 (valid), one expiring within 30 days and one never
    signed in 甲二社区, one expired in 乙一社区 with its contract expired."""
    from fenlei.org import services as org
    from fenlei.org.models import Site, SiteKind

    kind = SiteKind.objects.get(code="restaurant")

    def site(name, community):
        return org.site_create(site=Site(name=name, kind=kind, community=community), by=None)

    save(
        RestaurantRecord(
            area=world.community_a2,
            site=world.sites["a2_restaurant"],
            commitment_signed=True,
            commitment_signed_on=datetime.date(2025, 7, 1),
            commitment_expires=datetime.date(2026, 7, 1),
        )
    )
    save(RestaurantRecord(area=world.community_a2, site=site("甲二面馆", world.community_a2)))
    save(
        RestaurantRecord(
            area=world.community_b1,
            site=site("乙一酒家", world.community_b1),
            hauler=world.other_hauler,
            contract_end=datetime.date(2026, 3, 31),
            commitment_signed=True,
            commitment_signed_on=datetime.date(2024, 1, 1),
            commitment_expires=datetime.date(2026, 1, 1),
        )
    )


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0), tick=False)
def test_overview_counts_per_street(world, client_for, school, restaurant):
    _restaurants(world, restaurant)
    save(
        InstitutionRecord(
            area=world.community_b1,
            site=world.sites["b1_school"],
            sorting_lead="钱",
            sorting_status="not_started",
        )
    )
    with translation.override("en"):
        response = client_for("alice").get(reverse("units:index"))
    assert response.status_code == 200
    ctx = response.context
    inst = {
        r["street"].name: (r["total"], r["status_compliant"], r["status_not_started"])
        for r in ctx["institutions"]["rows"]
    }
    assert inst == {"甲街道": (1, 1, 0), "乙街道": (1, 0, 1)}
    rest = {
        r["street"].name: (
            r["total"],
            r["commitment_missing"],
            r["commitment_expired"],
            r["commitment_expiring"],
            r["contract_missing"],
            r["contract_expired"],
        )
        for r in ctx["restaurants"]["rows"]
    }
    # 甲街道: 甲一食堂 (valid, contract to 2026-12-31), 甲二饭店 (expires 2026-07-01: expiring; no
    # contract), 甲二面馆 (nothing). 乙街道: 乙一酒家 (commitment and contract expired).
    assert rest == {"甲街道": (3, 1, 0, 1, 2, 0), "乙街道": (1, 0, 1, 0, 0, 1)}
    assert ctx["restaurants"]["total"]["total"] == 4
    # a street admin's overview counts its own street only
    response = client_for("sam").get(reverse("units:index"))
    assert [r["street"].name for r in response.context["restaurants"]["rows"]] == ["甲街道"]


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0), tick=False)
def test_list_filters_by_commitment_state(world, client_for, restaurant):
    _restaurants(world, restaurant)
    url = reverse("units:restaurant-list")
    names = lambda q: sorted(o.site.name for o in client_for("alice").get(url, q).context["object_list"])  # noqa: E731
    assert names({"commitment": "expiring"}) == ["甲二饭店"]
    assert names({"commitment": "missing"}) == ["甲二面馆"]
    assert names({"commitment": "expired"}) == ["乙一酒家"]
    assert names({"commitment": "valid"}) == ["甲一食堂"]
    assert names({"contract": "missing", "street": world.street_a.pk}) == ["甲二面馆", "甲二饭店"]
    assert names({"q": "食堂"}) == ["甲一食堂"]


def test_community_admin_adds_a_restaurant(world, client_for, restaurant_site):
    response = client_for("cora").post(
        reverse("units:restaurant-add"),
        {
            "area": world.community_a1.pk,
            "site": restaurant_site.pk,
            "seats": "300",
            "hauler": world.hauler.pk,
            "contract_number": "HT-9",
            "contract_start": "2026-01-01",
            "contract_end": "2026-12-31",
            "commitment_signed": "on",
            "commitment_signed_on": "2026-01-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = RestaurantRecord.objects.get(site=restaurant_site)
    assert (record.size, record.hauler, record.commitment_signed) == ("large", world.hauler, True)


def test_the_form_offers_only_restaurants_and_names_errors(world, client_for, restaurant_site):
    url = reverse("units:restaurant-add") + f"?area={world.community_a1.pk}"
    client = client_for("cora")
    client.cookies["fenlei_language"] = "en"
    response = client.post(
        url, {"area": world.community_a1.pk, "site": restaurant_site.pk, "commitment_signed": "on"}
    )
    assert response.status_code == 400
    assert "Give the date the commitment was signed." in response.content.decode()
    assert not RestaurantRecord.objects.exists()
    sites = response.context["form"].fields["site"].queryset
    assert list(sites) == [restaurant_site]


def test_an_authority_updates_its_schools_status(world, client_for, school):
    response = client_for("ada").post(
        reverse("units:institution-edit", args=[school.pk]),
        {
            "area": world.community_a1.pk,
            "site": school.site_id,
            "sorting_status": "model",
            "status_since": "2026-05-01",
            "sorting_lead": "周校长",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    school.refresh_from_db()
    assert school.sorting_status == "model"
    detail = client_for("ada").get(reverse("units:institution-detail", args=[school.pk]))
    assert "区教育局" in detail.content.decode()


def test_a_sites_page_lists_its_rows_in_each_ledger(world, client_for, restaurant):
    from fenlei.facilities.models import DropOffPoint

    save(DropOffPoint(name="食堂门口", area=world.community_a1, site=restaurant.site))
    response = client_for("cora").get(reverse("org:site-detail", args=[restaurant.site_id]))
    ledgers = {str(x["title"]): x for x in response.context["ledgers"]}
    assert set(ledgers) == {"投放点", "餐饮单位"}
    listed = client_for("cora").get(ledgers["餐饮单位"]["url"])
    assert [o.pk for o in listed.context["object_list"]] == [restaurant.pk]
    assert listed.context["narrowed_site"] == restaurant.site
    # a haulier's account reads the restaurant, not the drop-off point
    response = client_for("hal").get(reverse("org:site-detail", args=[restaurant.site_id]))
    assert response.status_code == 404  # a haulier does not see sites at all


def test_the_commitment_scan_is_one_checked_file_read_by_whoever_reads_the_record(
    world, client_for, restaurant
):
    from fenlei.core import attachments
    from fenlei.core.testing import files

    attach = reverse("units:restaurant-attach", args=[restaurant.pk])
    scan = files.upload("承诺书.pdf", files.pdf_bytes(), "application/pdf")
    response = client_for("cora").post(attach, {"slot": "commitment", "files": [scan]})
    assert response.status_code == 302
    (att,) = attachments.of_row(restaurant)
    assert (att.slot, att.name, att.mime_type) == ("commitment", "承诺书.pdf", "application/pdf")
    # one file in the slot: a second is refused; a zip named .pdf is refused whatever its name
    again = files.upload("新承诺书.pdf", files.pdf_bytes(), "application/pdf")
    assert client_for("cora").post(attach, {"slot": "commitment", "files": [again]}).status_code == 400
    fake = files.upload("假.pdf", files.zip_bytes(), "application/pdf")
    assert client_for("sam").post(attach, {"slot": "photo", "files": [fake]}).status_code == 400
    assert attachments.of_row(restaurant).count() == 1
    download = reverse("units:restaurant-file", args=[restaurant.pk, att.pk])
    assert client_for("hal").get(download).status_code == 200  # the haulier on the record reads it
    assert client_for("hal").post(attach, {"slot": "commitment", "files": [scan]}).status_code == 403
    assert client_for("ada").get(download).status_code == 404  # an authority does not reach restaurants


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0), tick=False)
def test_list_and_overview_queries_do_not_grow_with_the_rows(world, client_for, school, restaurant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for("alice")
    c.get(reverse("units:restaurant-list"))  # warm the per-process caches

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("units:restaurant-list"), reverse("units:institution-list"), reverse("units:index")]
    before = [queries(u) for u in urls]
    _restaurants(world, restaurant)  # three more restaurants, in two streets
    save(InstitutionRecord(area=world.community_b1, site=world.sites["b1_school"], sorting_lead="钱"))
    assert [queries(u) for u in urls] == before
