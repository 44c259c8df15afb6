"""Residents' reports: the public form and API (limits, a retried submission kept once, photo checks),
the status page by link (no staff names, no notes), and the office's queue (scoping, turning a
report into an order addressed like any other, declining with a reason, acting twice refused)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fenlei.core import attachments
from fenlei.core.models import AuditEntry, Notification
from fenlei.core.testing import files
from fenlei.facilities.models import DropOffPoint
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import OrderState, Responsible, Step, TargetType
from fenlei.inspections.models import RectificationOrder
from fenlei.inspections.selectors_orders import before_photos
from fenlei.public import reports
from fenlei.public.choices import ReportKind, ReportState
from fenlei.public.models import ResidentReport

pytestmark = pytest.mark.django_db

CLIENT = "digest-of-a-phone"


def photo(name="problem.jpg"):
    return files.upload(name, files.image_bytes(), "image/jpeg")


def file_one(
    world, *, kind=ReportKind.OVERFLOW, site="a1_estate", key="", client=CLIENT, photos=None, **extra
):
    data = reports.ReportIn(
        kind=kind,
        community=world.community_a1.pk,
        site=world.sites[site].pk if site else None,
        description="垃圾桶满了，溢出来了",
        latitude="31.234567",
        longitude="121.470100",
        accuracy_m="12",
        **extra,
    )
    report, created = reports.submit(
        data=data, photos=[photo()] if photos is None else photos, client=client, key=key
    )
    return report


def form_data(world, **extra) -> dict:
    data = {
        "form_key": "k-1",
        "community": world.community_a1.pk,
        "kind": ReportKind.OVERFLOW,
        "target": f"site:{world.sites['a1_estate'].pk}",
        "place": "5号楼东侧",
        "description": "桶满溢",
        "latitude": "31.234567",
        "longitude": "121.470100",
        "accuracy_m": "15",
    }
    data.update(extra)
    return data


# --- the public form ---------------------------------------------------------------------------------


def test_the_form_walks_from_street_to_community_to_the_form_without_a_sign_in(world):
    client = Client()
    url = reverse("reports:new")
    first = client.get(url)
    assert first.status_code == 200 and "甲街道" in first.content.decode()
    second = client.get(url, {"street": world.street_a.pk}).content.decode()
    assert "甲一社区" in second and "甲二社区" in second and "乙一社区" not in second
    form = client.get(url, {"community": world.community_a1.pk}).content.decode()
    assert 'name="kind"' in form and 'type="file"' in form and 'capture="environment"' in form
    # public names only: the sites of the community, nothing of their people or phones
    assert "甲一花园" in form and "甲二饭店" not in form and "甲一物业" not in form


def test_a_report_from_the_form_goes_to_its_status_page_with_the_follow_link(world, tmp_path):
    client = Client()
    client.cookies["fenlei_language"] = "en"
    response = client.post(
        reverse("reports:new"), {**form_data(world), "photo": [photo("a.jpg"), photo("b.jpg")]}
    )
    assert response.status_code == 302
    report = ResidentReport.objects.get()
    assert response["Location"] == reverse("reports:status", args=[report.token]) + "?sent=1"
    assert report.state == ReportState.RECEIVED and report.site == world.sites["a1_estate"]
    assert report.area_path == world.community_a1.path and report.place == "5号楼东侧"
    assert str(report.latitude) == "31.234567" and report.accuracy_m == 15
    assert re.fullmatch(r"JM\d{8}-\d+", report.number)
    stored = list(attachments.of_row(report, "photo"))
    assert len(stored) == 2
    with stored[0].file.open("rb") as f:  # a real file, re-encoded without the camera's EXIF
        assert f.read(3) == b"\xff\xd8\xff"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and report.number in html
    assert f"/report/s/{report.token}/" in html and "Bookmark this page" in html
    assert page["Referrer-Policy"] == "no-referrer" and "noindex" in page["X-Robots-Tag"]
    # an audit entry for the report and each photo, never the token
    entries = AuditEntry.objects.filter(object_id=str(report.pk), content_type__model="residentreport")
    assert entries.count() == 3
    assert all(report.token not in str(e.changes) and CLIENT not in str(e.changes) for e in entries)


def test_the_same_form_sent_twice_makes_one_report(world):
    client = Client()
    first = client.post(reverse("reports:new"), form_data(world))
    again = client.post(reverse("reports:new"), form_data(world))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert ResidentReport.objects.count() == 1
    other = client.post(reverse("reports:new"), form_data(world, form_key="k-2"))
    assert other.status_code == 302 and ResidentReport.objects.count() == 2


def test_the_service_keeps_a_retried_submission_once_even_past_the_limit(world, settings):
    settings.FENLEI_PUBLIC_REPORTS_PER_HOUR = 1
    first = file_one(world, key="same")
    again = file_one(world, key="same")  # the limit is reached, but this is the same report
    assert again.pk == first.pk and ResidentReport.objects.count() == 1
    assert first.token == reports.token_for(CLIENT, "same") != reports.token_for(CLIENT, "other")


def test_the_cameras_time_and_place_are_not_kept_with_a_residents_photo(world):
    import datetime

    taken = datetime.datetime(2026, 3, 1, 8, 30)
    upload = files.upload("p.jpg", files.image_bytes(gps=True, taken_at=taken), "image/jpeg")
    report = file_one(world, photos=[upload])
    (stored,) = attachments.of_row(report, "photo")
    assert stored.taken_at is None and stored.latitude is None and stored.longitude is None


def test_another_sender_with_the_same_key_gets_a_report_of_its_own(world):
    first = file_one(world, key="app-1")
    other = file_one(world, key="app-1", client="another-connection")
    assert other.pk != first.pk and other.token != first.token
    assert ResidentReport.objects.count() == 2


def test_the_limits_per_sender_say_so_clearly(world, settings):
    settings.FENLEI_PUBLIC_REPORTS_PER_HOUR = 2
    settings.FENLEI_PUBLIC_REPORTS_PER_DAY = 3
    client = Client()
    client.cookies["fenlei_language"] = "en"
    for i in range(2):
        assert client.post(reverse("reports:new"), form_data(world, form_key=f"k{i}")).status_code == 302
    refused = client.post(reverse("reports:new"), form_data(world, form_key="k9"))
    assert refused.status_code == 400 and refused.context["limited"]
    assert "Too many sent from this connection in the last hour" in refused.content.decode()
    assert ResidentReport.objects.count() == 2
    # another sender is not held back; the day's limit counts over the hours
    file_one(world, key="x1", client="another")
    file_one(world, key="x2", client="another")
    ResidentReport.objects.filter(client="another").update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    file_one(world, key="x3", client="another")  # the hour is free again: the third of the day
    with pytest.raises(reports.ValidationError) as exc:
        file_one(world, key="x4", client="another")
    assert exc.value.error_dict["__all__"][0].code == "limit"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_kept(world):
    client = Client()
    client.cookies["fenlei_language"] = "en"
    fake = files.upload("photo.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg")
    response = client.post(reverse("reports:new"), {**form_data(world), "photo": [fake]})
    assert response.status_code == 400
    assert response.context["photo_errors"] and "photo.jpg" in " ".join(response.context["photo_errors"])
    assert not ResidentReport.objects.exists()
    with pytest.raises(reports.ValidationError) as exc:
        file_one(world, photos=[photo(), photo(), photo(), photo()])
    assert "photo" in exc.value.message_dict


def test_bad_input_names_the_field(world):
    with pytest.raises(reports.ValidationError) as exc:
        reports.submit(
            data=reports.ReportIn(
                kind="fire",
                community=world.community_b1.pk,
                site=world.sites["a1_estate"].pk,  # not in 乙一社区
                latitude="91",
                longitude="121.4",
            ),
            client=CLIENT,
        )
    assert {"kind", "site", "latitude"} <= set(exc.value.message_dict)
    with pytest.raises(reports.ValidationError) as exc:
        reports.submit(data=reports.ReportIn(kind="overflow", community=world.street_a.pk), client=CLIENT)
    assert set(exc.value.message_dict) == {"community"}  # a street is not a community


def test_new_reports_notify_the_community_and_its_street(world):
    report = file_one(world)
    told = set(
        Notification.objects.filter(key=f"report_new:{report.pk}").values_list("user__username", flat=True)
    )
    assert told == {"cora", "sam"}


# --- the status page ---------------------------------------------------------------------------------


def test_an_unknown_token_is_404_on_the_page_and_the_api(world):
    assert Client().get(reverse("reports:status", args=["no-such-token"])).status_code == 404
    assert APIClient().get(reverse("public-api:report-status", args=["no-such-token"])).status_code == 404


def test_the_status_follows_the_order_and_names_no_staff_and_no_notes(world):
    report = file_one(world)
    order = reports.turn_into_order(
        report=report,
        by=world.sam,
        target_type=TargetType.SITE,
        target_id=world.sites["a1_estate"].pk,
        item_id=_item(world, "F2").pk,
        note="居民反映桶满溢",
    )
    inspections.transition(order, Step.START, by=world.mia, note="内部备注：物业经理马上处理")
    client = Client()
    client.cookies["fenlei_language"] = "en"
    html = client.get(reverse("reports:status", args=[report.token])).content.decode()
    assert 'data-phase="open"' in html and "Waiting for rectification" in html
    assert "Work started" in html and order.deadline.isoformat() in html
    for secret in ("Sam", "sam", "Mia", "mia", "内部备注", order.number):
        assert secret not in html, secret
    body = APIClient().get(reverse("public-api:report-status", args=[report.token])).json()
    assert body["status"] == "ordered" and body["order"]["phase"] == "open"
    assert [s["step"] for s in body["order"]["timeline"]] == [Step.ISSUE, Step.START]
    assert "sam" not in str(body) and "内部备注" not in str(body)


# --- the office's queue ------------------------------------------------------------------------------


def _item(world, code, target_type=TargetType.SITE, target=None):
    version = inspections.template_for(target_type, target or world.sites["a1_estate"])
    return version.items.get(code=code)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 200),
        ("sam", 200),
        ("cora", 200),
        ("ian", 200),
        ("leo", 200),
        ("mia", 404),  # the site reported on learns of it through the order
        ("olly", 404),
        ("ada", 404),
    ],
)
def test_the_report_is_seen_in_its_scope_only(world, client_for, persona, status):
    report = file_one(world)
    assert client_for(persona).get(reverse("reports:detail", args=[report.pk])).status_code == status
    listed = client_for(persona).get(reverse("reports:queue"))
    if listed.status_code == 200:
        assert (report.number in listed.content.decode()) == (status == 200)


def test_the_queue_filters_by_state_kind_and_street(world, client_for):
    a = file_one(world)
    b = file_one(world, kind=ReportKind.MIXED, key="b")
    reports.decline(report=b, by=world.alice, reason="重复反映")
    html = client_for("alice").get(reverse("reports:queue"), {"state": "received"}).content.decode()
    assert a.number in html and b.number not in html
    html = client_for("alice").get(reverse("reports:queue"), {"kind": "mixed"}).content.decode()
    assert b.number in html and a.number not in html
    html = client_for("alice").get(reverse("reports:queue"), {"street": world.street_b.pk}).content.decode()
    assert a.number not in html


def test_the_detail_suggests_the_target_and_the_item_that_fits(world, client_for):
    report = file_one(world)
    response = client_for("sam").get(reverse("reports:detail", args=[report.pk]))
    form = response.context["order_form"]
    assert form.initial["target"] == f"site:{world.sites['a1_estate'].pk}"
    assert form.initial["item"] == str(_item(world, "F2").pk)  # 容器完好、洁净，无满溢
    assert len(response.context["photos"]) == 1
    photo_url = response.context["photos"][0]["url"]
    assert client_for("sam").get(photo_url).status_code == 200
    assert client_for("olly").get(photo_url).status_code == 404


def test_turning_a_report_into_an_order_addresses_it_like_any_order(world, client_for):
    report = file_one(world)
    item = _item(world, "F2")
    response = client_for("sam").post(
        reverse("reports:order", args=[report.pk]),
        {"target": f"site:{world.sites['a1_estate'].pk}", "item": item.pk, "note": "居民反映"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    order = report.order
    assert report.state == ReportState.ORDERED and report.handled_by == world.sam
    assert order.inspection_id is None and order.item == item and order.site == world.sites["a1_estate"]
    assert order.responsible == Responsible.SITE and order.responsible_area == world.community_a1
    assert order.state == OrderState.PENDING and order.issued_by == world.sam
    assert order.deadline == inspections.deadline_for(item.severity, timezone.localdate())
    assert order.latitude == report.latitude and order.summary.endswith("居民反映")
    assert order.events.get().step == Step.ISSUE
    told = set(
        Notification.objects.filter(key=f"order_new:{order.pk}").values_list("user__username", flat=True)
    )
    assert told == {"mia", "cora"}
    assert AuditEntry.objects.filter(object_id=str(report.pk), changes__order__1=order.number).exists()
    # the order's page shows where it came from and the report's photo as its "before"
    page = client_for("mia").get(order.get_absolute_url()).content.decode()
    assert report.number in page and 'id="from-report"' in page
    assert [a.pk for a in before_photos(order)] == [a.pk for a in attachments.of_row(report, "photo")]
    before = before_photos(order).get()
    assert (
        client_for("mia")
        .get(reverse("inspections:order-before-file", args=[order.pk, before.pk]))
        .status_code
        == 200
    )
    # acting again is refused cleanly, and nothing changes
    again = client_for("alice").post(
        reverse("reports:order", args=[report.pk]),
        {"target": f"site:{world.sites['a1_estate'].pk}", "item": item.pk},
    )
    assert again.status_code == 400 and RectificationOrder.objects.count() == 1
    declined = client_for("alice").post(reverse("reports:decline", args=[report.pk]), {"reason": "x"})
    assert declined.status_code == 400
    report.refresh_from_db()
    assert report.state == ReportState.ORDERED


def test_a_report_at_a_dropoff_point_goes_to_the_point_of_the_community(world, client_for):
    point = DropOffPoint.objects.create(
        name="3号投放点", area=world.community_a1, area_path=world.community_a1.path
    )
    report = file_one(world, site=None, kind=ReportKind.CLOSED, dropoff=point.pk)
    assert report.dropoff == point
    form = client_for("cora").get(reverse("reports:detail", args=[report.pk])).context["order_form"]
    item = _item(world, "U1", TargetType.DROPOFF, point)
    assert form.initial == {"note": report.description, "target": f"dropoff:{point.pk}", "item": str(item.pk)}
    order = reports.turn_into_order(
        report=report, by=world.cora, target_type=TargetType.DROPOFF, target_id=point.pk, item_id=item.pk
    )
    assert order.dropoff == point and order.responsible == Responsible.COMMUNITY


def test_the_order_refuses_a_target_outside_the_community_and_an_item_of_another_checklist(world):
    report = file_one(world)
    with pytest.raises(reports.ValidationError) as exc:
        reports.turn_into_order(
            report=report,
            by=world.alice,
            target_type=TargetType.SITE,
            target_id=world.sites["a2_open"].pk,  # 甲二社区
            item_id=_item(world, "F2").pk,
        )
    assert "target" in exc.value.message_dict
    school_item = _item(world, "F1", TargetType.SITE, world.sites["a1_school"])
    with pytest.raises(reports.ValidationError) as exc:
        reports.turn_into_order(
            report=report,
            by=world.alice,
            target_type=TargetType.SITE,
            target_id=world.sites["a1_estate"].pk,
            item_id=school_item.pk,
        )
    assert "item" in exc.value.message_dict
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED and not RectificationOrder.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("leo", 403), ("ian", 403), ("mia", 404), ("olly", 404), ("nina", 404)]
)
def test_only_the_roles_that_change_reports_act_on_them(world, client_for, persona, status):
    report = file_one(world)
    url = reverse("reports:decline", args=[report.pk])
    assert client_for(persona).post(url, {"reason": "不属实"}).status_code == status
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED


def test_declining_needs_a_reason_which_the_reporter_reads(world, client_for):
    report = file_one(world)
    refused = client_for("cora").post(reverse("reports:decline", args=[report.pk]), {"reason": "  "})
    assert refused.status_code == 400
    with pytest.raises(reports.ValidationError):
        reports.decline(report=report, by=world.cora, reason="")
    assert (
        client_for("cora")
        .post(reverse("reports:decline", args=[report.pk]), {"reason": "已于当日清运"})
        .status_code
        == 302
    )
    report.refresh_from_db()
    assert report.state == ReportState.REJECTED and report.reason == "已于当日清运"
    client = Client()
    client.cookies["fenlei_language"] = "en"
    html = client.get(reverse("reports:status", args=[report.token])).content.decode()
    assert "Not taken up" in html and "已于当日清运" in html and "Cora" not in html


def test_an_order_from_a_report_is_a_repeat_of_an_earlier_one(world):
    first = reports.turn_into_order(
        report=file_one(world, key="1"),
        by=world.sam,
        target_type=TargetType.SITE,
        target_id=world.sites["a1_estate"].pk,
        item_id=_item(world, "F2").pk,
    )
    second = reports.turn_into_order(
        report=file_one(world, key="2"),
        by=world.sam,
        target_type=TargetType.SITE,
        target_id=world.sites["a1_estate"].pk,
        item_id=_item(world, "F2").pk,
    )
    assert second.repeat_of == first and second.number != first.number


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_files_a_report_with_a_photo_and_keeps_a_retry_once(world):
    client = APIClient()
    body = {
        "service_code": "overflow",
        "description": "桶满溢",
        "community": world.community_a1.pk,
        "site": world.sites["a1_estate"].pk,
        "lat": "31.234567",
        "long": "121.470100",
        "address_string": "5号楼",
        "client_id": "app-0001",
    }
    created = client.post(reverse("public-api:report-create"), {**body, "media": photo()}, format="multipart")
    assert created.status_code == 201, created.content
    again = client.post(reverse("public-api:report-create"), {**body, "media": photo()}, format="multipart")
    assert again.status_code == 200 and again.json()["number"] == created.json()["number"]
    report = ResidentReport.objects.get()
    assert report.place == "5号楼" and attachments.of_row(report, "photo").count() == 1
    status = client.get(created.json()["api_url"]).json()
    assert status["number"] == report.number and status["status"] == "received" and status["order"] is None
    bad = client.post(reverse("public-api:report-create"), {**body, "service_code": "fire", "client_id": ""})
    assert bad.status_code == 400 and "service_code" in bad.json()
    fake = files.upload("x.jpg", b"not an image", "image/jpeg")
    refused = client.post(
        reverse("public-api:report-create"), {**body, "client_id": "2", "media": fake}, format="multipart"
    )
    assert refused.status_code == 400 and "media" in refused.json()


def test_the_api_answers_429_past_the_limit(world, settings):
    settings.FENLEI_PUBLIC_REPORTS_PER_HOUR = 1
    client = APIClient()
    body = {"service_code": "missing_bin", "community": world.community_a1.pk}
    assert client.post(reverse("public-api:report-create"), body, format="json").status_code == 201
    assert client.post(reverse("public-api:report-create"), body, format="json").status_code == 429


def test_the_api_lists_the_places_by_public_name(world):
    client = APIClient()
    streets = client.get(reverse("public-api:report-places")).json()["streets"]
    a = next(s for s in streets if s["name"] == "甲街道")
    assert {c["name"] for c in a["communities"]} == {"甲一社区", "甲二社区"}
    places = client.get(reverse("public-api:report-places"), {"community": world.community_a1.pk}).json()
    assert {s["name"] for s in places["sites"]} == {"甲一花园", "甲一小学"}
    assert set(places["sites"][0]) == {"id", "name"}
    assert (
        client.get(reverse("public-api:report-places"), {"community": world.street_a.pk}).status_code == 404
    )


# --- the demo ----------------------------------------------------------------------------------------


def test_the_demo_seeds_reports_some_ordered_some_declined(world):
    import random

    from fenlei.public import seeding_reports

    def write(model, objs):  # the seeder writes through the services only
        raise AssertionError("not used")

    audited = seeding_reports.seed(sites=list(world.sites.values()), rng=random.Random(7), write=write)
    states = set(ResidentReport.objects.values_list("state", flat=True))
    assert ResidentReport.objects.count() == seeding_reports.REPORTS and audited > seeding_reports.REPORTS
    assert states == {ReportState.RECEIVED, ReportState.ORDERED, ReportState.REJECTED}
    ordered = ResidentReport.objects.filter(state=ReportState.ORDERED).select_related("order")
    assert all(r.order.inspection_id is None and r.order.area_path == r.area_path for r in ordered)
    again = seeding_reports.seed(sites=list(world.sites.values()), rng=random.Random(7), write=write)
    assert ResidentReport.objects.count() == seeding_reports.REPORTS and again == 0  # kept once


def test_the_queue_reads_a_fixed_number_of_queries_whatever_the_rows(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_for("alice").get(reverse("reports:queue")).status_code == 200
        return len(ctx.captured_queries)

    file_one(world, key="q0")
    queries()  # the first request reads what is cached afterwards (content types, the session)
    one = queries()
    for i in range(1, 6):
        report = file_one(world, key=f"q{i}", client=f"c{i}")
        if i % 2:
            reports.turn_into_order(
                report=report,
                by=world.alice,
                target_type=TargetType.SITE,
                target_id=world.sites["a1_estate"].pk,
                item_id=_item(world, "F2").pk,
            )
    assert queries() == one
