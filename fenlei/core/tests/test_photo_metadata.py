"""Photos keep when and where they were taken: from the page that took them, else from their EXIF
(read before the EXIF is stripped); a timed slot refuses a photo with no time."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from fenlei.core import attachments, uploads
from fenlei.core.testing import files
from fenlei.inspections.models import Inspection


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


def test_exif_time_and_position_are_read_before_they_are_stripped():
    taken = datetime.datetime(2026, 6, 15, 7, 30, 5)
    checked = uploads.check(
        files.upload("a.jpg", files.image_bytes(taken_at=taken)), types=uploads.IMAGE_TYPES
    )
    assert timezone.localtime(checked.taken_at).replace(tzinfo=None) == taken
    assert checked.latitude == pytest.approx(31.234722, abs=1e-5)
    assert checked.longitude == pytest.approx(121.47, abs=1e-5)
    assert b"Exif" not in checked.data and b"FenleiPhone" not in checked.data


def test_a_timed_slot_refuses_a_photo_without_a_time_and_one_from_the_future(db):
    bare = files.upload("bare.jpg", files.image_bytes(gps=False))
    with pytest.raises(ValidationError) as exc:
        attachments.prepare(Inspection, "photo", [bare])
    assert "bare.jpg" in str(exc.value) and "no time" in str(exc.value)
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(ValidationError) as exc:
        attachments.prepare(
            Inspection,
            "photo",
            [files.upload("b.jpg", files.image_bytes())],
            [attachments.Capture(taken_at=later)],
        )
    assert "future" in str(exc.value)


def test_the_page_s_capture_wins_over_the_exif(db):
    page_time = timezone.now() - datetime.timedelta(minutes=5)
    (p,) = attachments.prepare(
        Inspection,
        "photo",
        [files.upload("c.jpg", files.image_bytes(taken_at=datetime.datetime(2026, 1, 1, 8, 0)))],
        [attachments.Capture(taken_at=page_time, latitude=31.2, longitude=121.5, part="F2")],
    )
    assert p.taken_at == page_time and p.latitude == 31.2 and p.part == "F2"
