"""Personal data: in full for whoever keeps the ledger, masked for everyone else who may look —
on pages, in the API, in Excel exports, in the history and in searches."""

import openpyxl
import pytest
from django.urls import reverse

from fenlei.core.roles import Action
from fenlei.core.scoping import can
from fenlei.people import services
from fenlei.people.masking import mask_id, mask_personal, mask_phone, with_keeper
from fenlei.people.models import Volunteer
from fenlei.people.tests.conftest import ID_MASKED, ID_NUMBER, PHONE, PHONE_MASKED

#: Who keeps (may change) a row of 甲一社区 at 甲一花园, and who only reads it.
KEEPERS = ("alice", "sam", "cora")
READERS = ("leo", "ian", "mia")


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0571-88001234") == "057******1234"
    assert mask_phone("12345") == "***45"
    assert mask_id("330102199001011234") == "3301**********1234"
    assert mask_phone("") == mask_id("") == ""


def test_the_annotation_answers_as_can_does(world, volunteer):
    other = Volunteer.objects.create(name="乙", area=world.community_b1, area_path=world.community_b1.path)
    for name in ("alice", "leo", "sam", "cora", "ian", "mia", "olly", "nina"):
        user = world.users[name]
        rows = {v.pk: v.viewer_keeps for v in with_keeper(Volunteer.objects.all(), user)}
        assert rows == {v.pk: can(user, Action.CHANGE, v) for v in (volunteer, other)}, name


@pytest.mark.parametrize(("who", "full"), [("cora", True), ("leo", False)])
def test_mask_personal(world, volunteer, who, full):
    shown = mask_personal(world.users[who], Volunteer.objects.get(pk=volunteer.pk))
    assert shown == (
        {"phone": PHONE, "id_number": ID_NUMBER} if full else {"phone": PHONE_MASKED, "id_number": ID_MASKED}
    )


def test_pages(world, client_for, volunteer):
    list_url, detail_url = reverse("people:volunteer-list"), volunteer.get_absolute_url()
    for who in KEEPERS:
        page = client_for(who).get(detail_url).content.decode()
        assert PHONE in page and ID_NUMBER in page, who
        assert PHONE in client_for(who).get(list_url).content.decode(), who
    for who in READERS:
        page = client_for(who).get(detail_url).content.decode()
        assert PHONE_MASKED in page and ID_MASKED in page, who
        assert PHONE not in page and ID_NUMBER not in page, who
        listing = client_for(who).get(list_url).content.decode()
        assert PHONE_MASKED in listing and PHONE not in listing, who


def test_api(world, api_for, volunteer):
    url = f"/api/people/volunteers/{volunteer.pk}/"
    assert api_for("cora").get(url).json()["phone"] == PHONE
    for who in READERS:
        data = api_for(who).get(url).json()
        assert (data["phone"], data["id_number"]) == (PHONE_MASKED, ID_MASKED), who
        listed = api_for(who).get("/api/people/volunteers/").json()["results"][0]
        assert listed["id_number"] == ID_MASKED
    r = api_for("cora").patch(url, {"building": "4幢"}, format="json")  # a keeper's write answers in full
    assert r.status_code == 200 and r.json()["id_number"] == ID_NUMBER


def _cells(response) -> list:
    import io

    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]


def test_exports(world, client_for, volunteer):
    url = reverse("people:volunteer-export")
    keeper = _cells(client_for("sam").get(url))
    assert PHONE in keeper and ID_NUMBER in keeper
    reader = _cells(client_for("leo").get(url))
    assert PHONE_MASKED in reader and ID_MASKED in reader and PHONE not in reader


def test_history(world, client_for, api_for, volunteer):
    services.update(volunteer, by=world.alice, data={"phone": "13900009999"})
    url = reverse("people:volunteer-history", args=[volunteer.pk])
    kept = client_for("cora").get(url).content.decode()
    assert "13900009999" in kept and PHONE in kept
    read = client_for("ian").get(url).content.decode()
    assert "139****9999" in read and PHONE_MASKED in read
    assert "13900009999" not in read and PHONE not in read and ID_NUMBER not in read
    api = f"/api/people/volunteers/{volunteer.pk}/history/"
    assert api_for("mia").get(api).json()["results"][0]["changes"]["phone"] == [PHONE_MASKED, "139****9999"]
    assert api_for("sam").get(api).json()["results"][0]["changes"]["phone"] == [PHONE, "13900009999"]


def test_search_by_number_only_for_keepers(world, client_for, api_for, volunteer):
    for who, found in (("cora", 1), ("leo", 0), ("mia", 0)):
        r = client_for(who).get(reverse("people:volunteer-list"), {"q": "1234"})
        assert r.context["page_obj"].paginator.count == found, who
        assert api_for(who).get("/api/people/volunteers/", {"q": "01011234"}).json()["count"] == found, who
    assert (
        client_for("leo")
        .get(reverse("people:volunteer-list"), {"q": "王"})
        .context["page_obj"]
        .paginator.count
        == 1
    )
