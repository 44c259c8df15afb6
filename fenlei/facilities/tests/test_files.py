"""Photos on facility rows: the core attachment mechanism through a real ledger (drop-off points),
its HTML pages, its API, scoping and audit."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from fenlei.core import attachments, audit, services
from fenlei.core.models import Attachment, AuditAction, Face
from fenlei.core.testing import files
from fenlei.facilities.models import DropOffPoint


def url(name, *args):
    return reverse(f"facilities:{name}", args=args)


def api_url(name, *args):
    return reverse(f"facilities-api:{name}", args=args)


@pytest.fixture
def points(world):
    out = {}
    for key, area, site in (
        ("a1", world.community_a1, world.sites["a1_estate"]),
        ("b1", world.community_b1, None),
    ):
        p = DropOffPoint(name=f"{key}号点", area=area, site=site, households_served=100)
        p.full_clean()
        p.save()
        out[key] = p
    return out


def _read(field) -> bytes:
    with field.open("rb") as fh:
        return fh.read()


# --- the service ------------------------------------------------------------------------------------


def test_attach_stores_a_clean_copy_under_a_uuid_name_and_audits_on_the_row(world, points):
    point = points["a1"]
    (att,) = attachments.attach(
        row=point, slot="photo", files=[files.photo("东门 照片.jpg", size=(80, 60))], by=world.cora
    )
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", att.file.name), att.file.name
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", att.thumbnail.name)
    assert att.name == "东门 照片.jpg" and att.mime_type == "image/jpeg"
    assert (att.width, att.height) == (80, 60) and att.uploaded_by == world.cora
    stored = _read(att.file)
    assert att.size == len(stored) and files.CAMERA.encode() not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.size == (80, 60) and not img.getexif()
    entry = audit.history(point).first()
    assert (entry.action, entry.user, entry.changes) == (
        AuditAction.ATTACH,
        world.cora,
        {"photo": [None, att.name]},
    )
    assert entry.area_path == point.area_path


def test_one_bad_file_keeps_nothing_and_names_every_problem(world, points):
    before = set(_listing())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        attachments.attach(
            row=points["a1"],
            slot="photo",
            files=[files.photo("good.jpg"), files.upload("fake.jpg", files.HTML), files.upload("e.png", b"")],
            by=world.cora,
        )
    assert exc.value.message_dict["files"] == [
        "“fake.jpg”: its content is not an accepted type (JPEG/PNG/WebP), whatever its name says.",
        "“e.png”: the file is empty.",
    ]
    assert not Attachment.objects.exists()
    assert set(_listing()) == before
    assert not audit.history(points["a1"]).filter(action=AuditAction.ATTACH).exists()


def _listing() -> list[str]:
    names = []
    if not default_storage.exists("attachments"):
        return names
    for year in default_storage.listdir("attachments")[0]:
        for month in default_storage.listdir(f"attachments/{year}")[0]:
            names += default_storage.listdir(f"attachments/{year}/{month}")[1]
    return names


def test_a_slot_holds_at_most_its_limit(world, points, settings):
    settings.FENLEI_MAX_FILES_PER_SLOT = 2
    attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        attachments.attach(
            row=points["a1"], slot="photo", files=[files.photo(), files.photo()], by=world.cora
        )
    assert exc.value.messages == [
        "Photos holds at most 2 files on one record; it has 1, 2 more would be too many."
    ]
    assert attachments.of_row(points["a1"]).count() == 1


def test_a_closed_row_takes_no_new_files_and_unknown_slots_are_refused(world, points):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        attachments.attach(row=points["a1"], slot="commitment", files=[files.photo()], by=world.cora)
    assert exc.value.messages == ["“commitment” is not a kind of file this record takes."]
    services.close(points["a1"], by=world.cora)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    assert exc.value.messages == ["This record is closed: it takes no new files."]


def test_detach_removes_the_row_and_audits_and_the_file_goes_on_commit(
    world, points, django_capture_on_commit_callbacks
):
    (att,) = attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    name, thumb = att.file.name, att.thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        attachments.detach(attachment=att, row=points["a1"], by=world.sam, note="拍错了")
    assert not Attachment.objects.exists()
    assert not default_storage.exists(name) and not default_storage.exists(thumb)
    entry = audit.history(points["a1"]).first()
    assert (entry.action, entry.user, entry.note) == (AuditAction.DETACH, world.sam, "拍错了")
    assert entry.changes == {"photo": ["IMG_0001.jpg", None]}


def test_detach_refuses_a_file_of_another_row(world, points):
    (att,) = attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    with pytest.raises(ValidationError):
        attachments.detach(attachment=att, row=points["b1"], by=world.alice)
    assert Attachment.objects.filter(pk=att.pk).exists()


def test_selectors_count_and_filter_rows_by_their_files_in_one_query(world, points):
    attachments.attach(row=points["a1"], slot="photo", files=[files.photo(), files.photo()], by=world.cora)
    qs = DropOffPoint.objects.order_by("name")
    with CaptureQueriesContext(connection) as queries:
        counted = {p.name: p.photo_files for p in attachments.with_file_count(qs, slot="photo")}
    assert len(queries) == 1
    assert counted == {"a1号点": 2, "b1号点": 0}
    assert list(attachments.having_file(qs, slot="photo")) == [points["a1"]]
    assert list(attachments.having_file(qs, slot="photo", present=False)) == [points["b1"]]


# --- the pages --------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_gallery_and_the_upload_form_to_who_may_change(world, client_for, points):
    point = points["a1"]
    attachments.attach(row=point, slot="photo", files=[files.photo("门口.jpg")], by=world.cora)
    page = client_for("cora").get(url("dropoff-detail", point.pk)).content.decode()
    assert 'id="files"' in page and "门口.jpg" in page
    assert 'accept="image/*" capture="environment"' in page and "multiple" in page
    assert f'action="{url("dropoff-attach", point.pk)}"' in page
    read_only = client_for("ian").get(url("dropoff-detail", point.pk)).content.decode()
    assert "门口.jpg" in read_only
    assert f'action="{url("dropoff-attach", point.pk)}"' not in read_only and "/remove/" not in read_only


def test_upload_through_the_page_then_download_with_safe_headers(world, client_for, points):
    point = points["a1"]
    c = client_for("cora")
    r = c.post(
        url("dropoff-attach", point.pk),
        {"slot": "photo", "files": [files.photo("a.jpg"), files.upload("b.png", files.image_bytes("PNG"))]},
    )
    assert r.status_code == 302 and r["Location"].endswith("#files")
    first, second = attachments.of_row(point)
    assert [first.name, second.name] == ["a.jpg", "b.png"]
    assert audit.history(point).filter(action=AuditAction.ATTACH, face=Face.WEB).count() == 2
    r = c.get(url("dropoff-file", point.pk, second.pk))
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("inline")
    body = b"".join(r.streaming_content)
    assert body == _read(second.file) and files.CAMERA.encode() not in body
    thumb = c.get(url("dropoff-thumbnail", point.pk, second.pk))
    assert thumb["Content-Type"] == "image/jpeg" and b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_bad_upload_shows_the_page_again_naming_the_file_in_chinese(world, client_for, points):
    r = client_for("cora").post(
        url("dropoff-attach", points["a1"].pk),
        {"slot": "photo", "files": [files.upload("photo.jpg", files.zip_bytes())]},
    )
    assert r.status_code == 400
    message = "“photo.jpg”：文件内容不是可接受的类型（JPEG/PNG/WebP），与文件名无关。"
    assert r.context["attachment_errors"] == [message]
    assert message in r.content.decode()
    assert not Attachment.objects.exists()


def test_another_streets_user_gets_404_and_a_reader_403(world, client_for, points):
    (att,) = attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    a1 = points["a1"].pk
    for name in ("dropoff-file", "dropoff-thumbnail", "dropoff-detach"):
        assert client_for("olly").get(url(name, a1, att.pk)).status_code == 404, name
    assert (
        client_for("olly")
        .post(url("dropoff-attach", a1), {"slot": "photo", "files": [files.photo()]})
        .status_code
        == 404
    )
    # the file's id under a row the user may see, but not that row's file: 404 as well
    assert client_for("olly").get(url("dropoff-file", points["b1"].pk, att.pk)).status_code == 404
    assert client_for("ian").get(url("dropoff-file", a1, att.pk)).status_code == 200
    assert client_for("ian").get(url("dropoff-detach", a1, att.pk)).status_code == 403
    assert (
        client_for("ian")
        .post(url("dropoff-attach", a1), {"slot": "photo", "files": [files.photo()]})
        .status_code
        == 403
    )
    assert client_for(None).get(url("dropoff-file", a1, att.pk)).status_code == 302


def test_remove_through_the_page(world, client_for, points):
    (att,) = attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    c = client_for("sam")
    assert c.get(url("dropoff-detach", points["a1"].pk, att.pk)).status_code == 200
    r = c.post(url("dropoff-detach", points["a1"].pk, att.pk), {"note": "重复"})
    assert r.status_code == 302
    assert not Attachment.objects.exists()
    entry = audit.history(points["a1"]).first()
    assert (entry.action, entry.note, entry.face) == (AuditAction.DETACH, "重复", Face.WEB)
    history = c.get(url("dropoff-history", points["a1"].pk)).content.decode()
    with translation.override("zh-hans"):
        assert str(attachments.PHOTOS.label) in history


def test_nothing_is_served_from_the_media_url(world, client_for, points):
    (att,) = attachments.attach(row=points["a1"], slot="photo", files=[files.photo()], by=world.cora)
    assert client_for("alice").get("/media/" + att.file.name).status_code == 404


# --- the API ----------------------------------------------------------------------------------------


def test_api_upload_list_read_and_delete(world, api_for, points):
    point = points["a1"]
    cora = api_for("cora")
    r = cora.post(
        api_url("dropoff-attachments", point.pk),
        {"slot": "photo", "files": [files.photo("x.jpg"), files.photo("y.jpg")]},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert [f["name"] for f in r.json()] == ["x.jpg", "y.jpg"]
    assert audit.history(point).filter(action=AuditAction.ATTACH, face=Face.API).count() == 2
    listed = cora.get(api_url("dropoff-attachments", point.pk)).json()
    assert [f["name"] for f in listed] == ["x.jpg", "y.jpg"]
    first = listed[0]
    assert first["mime_type"] == "image/jpeg" and first["uploaded_by"] == "cora"
    assert first["url"].endswith(api_url("dropoff-attachment", point.pk, first["id"]))
    r = cora.get(first["url"], HTTP_ACCEPT="image/jpeg")
    assert (
        r.status_code == 200
        and r["Content-Type"] == "image/jpeg"
        and r["X-Content-Type-Options"] == "nosniff"
    )
    r = cora.get(first["thumbnail_url"])
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert cora.delete(api_url("dropoff-attachment", point.pk, first["id"])).status_code == 204
    assert [f["name"] for f in cora.get(api_url("dropoff-attachments", point.pk)).json()] == ["y.jpg"]


def test_api_rejects_lies_and_answers_by_scope(world, api_for, points):
    point = points["a1"]
    with translation.override("en"):
        r = api_for("cora").post(
            api_url("dropoff-attachments", point.pk),
            {"slot": "photo", "files": [files.upload("x.jpg", files.HTML)]},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert r.status_code == 400
    assert r.json() == {
        "files": ["“x.jpg”: its content is not an accepted type (JPEG/PNG/WebP), whatever its name says."]
    }
    (att,) = attachments.attach(row=point, slot="photo", files=[files.photo()], by=world.cora)
    olly = api_for("olly")
    assert olly.get(api_url("dropoff-attachments", point.pk)).status_code == 404
    assert olly.get(api_url("dropoff-attachment", point.pk, att.pk)).status_code == 404
    assert olly.delete(api_url("dropoff-attachment", point.pk, att.pk)).status_code == 404
    assert api_for("ian").delete(api_url("dropoff-attachment", point.pk, att.pk)).status_code == 403
    r = api_for("ian").post(
        api_url("dropoff-attachments", point.pk),
        {"slot": "photo", "files": [files.photo()]},
        format="multipart",
    )
    assert r.status_code == 403
    assert api_for("olly").get(api_url("dropoff-attachment", points["b1"].pk, att.pk)).status_code == 404


def test_api_uploads_are_throttled(world, api_for, points, settings):
    from django.core.cache import cache

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "upload": "2/min"},
    }
    cache.clear()
    codes = [
        api_for("cora")
        .post(
            api_url("dropoff-attachments", points["a1"].pk),
            {"slot": "photo", "files": [files.photo()]},
            format="multipart",
        )
        .status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    # reading is not uploading
    assert api_for("cora").get(api_url("dropoff-attachments", points["a1"].pk)).status_code == 200
    cache.clear()


def test_api_list_query_count_does_not_grow_with_files(world, api_for, points):
    point = points["a1"]
    cora = api_for("cora")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert cora.get(api_url("dropoff-attachments", point.pk)).status_code == 200
        return len(queries)

    attachments.attach(row=point, slot="photo", files=[files.photo()], by=world.cora)
    count()
    few = count()
    attachments.attach(row=point, slot="photo", files=[files.photo() for _ in range(4)], by=world.sam)
    assert count() == few


def test_openapi_schema_of_the_facilities_and_publicity_apis_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(
        patterns=[
            path("api/facilities/", include("fenlei.facilities.api.urls")),
            path("api/publicity/", include("fenlei.publicity.api.urls")),
        ]
    )
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while describing the facilities and publicity APIs"
    upload = schema["paths"]["/api/facilities/dropoff-points/{id}/attachments/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "delete" in schema["paths"]["/api/facilities/dropoff-points/{id}/attachments/{attachment_id}/"]


# --- a document slot (the hook a ledger such as restaurants' commitment letters uses) ---------------


@pytest.fixture
def commitment_slot(monkeypatch):
    """Drop-off points declaring, for this test, a one-file document slot beside their photos."""
    slot = attachments.document_slot("commitment", "承诺书")
    monkeypatch.setattr(DropOffPoint, "attachment_slots", (attachments.PHOTOS, slot))
    return slot


def test_a_document_slot_takes_one_pdf_or_photo_served_as_a_download(
    world, client_for, points, commitment_slot
):
    point = points["a1"]
    assert commitment_slot.max_files == 1 and commitment_slot.accept == "image/*,application/pdf"
    (pdf,) = attachments.attach(
        row=point, slot="commitment", files=[files.upload("承诺书.pdf", files.pdf_bytes())], by=world.cora
    )
    assert pdf.mime_type == "application/pdf" and not pdf.thumbnail and pdf.file.name.endswith(".pdf")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        attachments.attach(row=point, slot="commitment", files=[files.photo()], by=world.cora)
    assert exc.value.messages == [
        "承诺书 holds at most 1 files on one record; it has 1, 1 more would be too many."
    ]
    r = client_for("ian").get(url("dropoff-file", point.pk, pdf.pk))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert (
        r["Content-Disposition"].startswith("attachment;") and "filename*=utf-8''" in r["Content-Disposition"]
    )
    assert b"".join(r.streaming_content) == files.pdf_bytes()
    assert client_for("ian").get(url("dropoff-thumbnail", point.pk, pdf.pk)).status_code == 404
    # the lead's completeness check: which rows hold their commitment letter
    qs = DropOffPoint.objects.order_by("name")
    assert list(attachments.having_file(qs, slot="commitment", present=False)) == [points["b1"]]
