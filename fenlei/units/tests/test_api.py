"""The unit ledgers' REST API: create, the computed states, a haulier reading its restaurants."""

from django.urls import reverse

from fenlei.units.models import RestaurantRecord


def test_create_a_restaurant_and_read_its_states(world, api_for, restaurant_site):
    response = api_for("cora").post(
        reverse("units-api:restaurant-list"),
        {
            "area": world.community_a1.pk,
            "site": restaurant_site.pk,
            "seats": 30,
            "hauler": world.hauler.pk,
            "commitment_signed": True,
            "commitment_signed_on": "2026-01-05",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["size"], body["commitment_state"], body["contract_state"]) == ("small", "valid", "valid")
    assert body["hauler"]["name"] == "绿洁环卫"
    assert RestaurantRecord.objects.get(pk=body["id"]).site == restaurant_site


def test_a_bad_body_names_the_field(world, api_for, restaurant_site):
    response = api_for("cora").post(
        reverse("units-api:restaurant-list"),
        {"area": world.community_a1.pk, "site": restaurant_site.pk, "commitment_signed": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["commitment_signed_on"] == ["Give the date the commitment was signed."]


def test_a_haulier_lists_the_restaurants_it_collects_from(world, api_for, restaurant):
    response = api_for("hal").get(reverse("units-api:restaurant-list"))
    assert [r["site"]["name"] for r in response.json()["results"]] == ["甲一食堂"]
    response = api_for("hal").get(reverse("units-api:restaurant-list"), {"commitment": "expired"})
    assert response.json()["results"] == []


def test_an_authority_reads_its_institutions(world, api_for, school):
    body = api_for("ada").get(reverse("units-api:institution-detail", args=[school.pk])).json()
    assert (body["authority"]["name"], body["sorting_status"]) == ("区教育局", "compliant")
