"""The checks on an uploaded file: type by content, size, pixel count, and the clean copy kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from fenlei.core import uploads
from fenlei.core.testing import files


def _check(name, data, types=uploads.IMAGE_TYPES):
    return uploads.check(files.upload(name, data), types=types)


def _reason(name, data, types=uploads.IMAGE_TYPES) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _check(name, data, types)
    (message,) = exc.value.messages
    return message


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", uploads.JPEG), ("PNG", uploads.PNG), ("WEBP", uploads.WEBP)]
)
def test_an_image_is_kept_as_a_clean_copy_without_exif_or_gps(fmt, mime):
    data = files.image_bytes(fmt, size=(64, 48))
    assert files.CAMERA.encode() in data  # the phone's EXIF is in what was sent
    checked = _check("现场照片.JPG", data)
    assert checked.mime_type == mime
    assert (checked.width, checked.height) == (64, 48)
    assert files.CAMERA.encode() not in checked.data
    with Image.open(io.BytesIO(checked.data)) as kept:
        assert kept.format == fmt
        assert dict(kept.getexif()) == {}
        assert kept.getpixel((10, 10))[:3] == pytest.approx((0, 128, 0), abs=8)
    with Image.open(io.BytesIO(checked.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= uploads.THUMBNAIL_EDGE
    # the name shown keeps the uploader's words and takes the extension of what the file is
    assert checked.name == f"现场照片.{uploads.EXTENSION[mime]}"


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    img = Image.new("RGB", (60, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    checked = _check("rotated.jpg", out.getvalue())
    assert (checked.width, checked.height) == (20, 60)


def test_a_large_photo_is_stored_at_the_longest_edge_the_setting_allows(settings):
    settings.FENLEI_IMAGE_MAX_EDGE = 100
    checked = _check("big.jpg", files.image_bytes(size=(400, 300)))
    assert (checked.width, checked.height) == (100, 75)


def test_a_pdf_is_accepted_where_documents_are():
    checked = _check("承诺书.pdf", files.pdf_bytes(), uploads.DOCUMENT_TYPES)
    assert checked.mime_type == uploads.PDF and checked.data == files.pdf_bytes()
    assert checked.thumbnail is None and checked.width is None


def test_a_pdf_is_refused_where_only_images_are():
    assert _reason("scan.pdf", files.pdf_bytes()) == (
        "“scan.pdf”: its content is not an accepted type (JPEG/PNG/WebP), whatever its name says."
    )


@pytest.mark.parametrize(
    "data", [files.zip_bytes(), files.HTML, b"GIF89a" + b"\x00" * 40], ids=["zip", "html", "gif"]
)
def test_a_file_that_lies_about_its_type_is_refused(data):
    assert _reason("photo.jpg", data) == (
        "“photo.jpg”: its content is not an accepted type (JPEG/PNG/WebP), whatever its name says."
    )


def test_a_file_with_an_image_header_but_no_image_is_refused():
    fake = b"\xff\xd8\xff\xe0" + files.HTML
    assert _reason("photo.jpg", fake) == "“photo.jpg”: the image is damaged or incomplete."


def test_a_truncated_photo_is_refused():
    data = files.image_bytes(size=(400, 300), colour="red")
    assert _reason("half.jpg", data[: len(data) // 2]) == "“half.jpg”: the image is damaged or incomplete."


def test_an_incomplete_pdf_is_refused():
    data = files.pdf_bytes()
    assert _reason("cut.pdf", data[:-20], uploads.DOCUMENT_TYPES) == (
        "“cut.pdf”: the PDF is incomplete (it has no end-of-file marker)."
    )


def test_an_empty_file_is_refused():
    assert _reason("nothing.jpg", b"") == "“nothing.jpg”: the file is empty."


def test_an_oversize_file_is_refused_before_it_is_read(settings):
    settings.FENLEI_MAX_UPLOAD_MB = 1
    data = files.image_bytes() + b"\x00" * (1024 * 1024)
    assert _reason("huge.jpg", data) == "“huge.jpg”: the file is larger than 1 MB (1.0 MB)."


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = files.bomb_png(12000, 12000)
    assert len(bomb) < 64 * 1024  # small on disk, 144 million pixels once decoded
    assert _reason("bomb.png", bomb) == (
        "“bomb.png”: the image is too large (12000×12000 pixels; at most 50 million pixels)."
    )


def test_the_shown_name_has_no_folders_or_control_characters():
    assert uploads.display_name("C:\\Users\\x\\..\\证件\x00照.jpeg", uploads.JPEG) == "证件照.jpg"
    assert uploads.display_name("", uploads.PDF) == "file.pdf"
    assert uploads.display_name("a" * 500 + ".png", uploads.PNG) == "a" * 190 + ".png"


def test_an_error_message_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _check("photo.jpg", b"")
    assert "photo.jpg" in exc.value.messages[0] and "empty" not in exc.value.messages[0]
