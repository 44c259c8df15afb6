"""Checking an uploaded file before it is kept: size, type by content, and for images a clean copy.

The type is read from the file's first bytes, never from its name or from what the browser says.
Images (JPEG, PNG, WebP) are decoded with Pillow and stored as a fresh encoding of their pixels: the
uploader's metadata (EXIF, GPS position, comments, embedded profiles) is not kept, and a file that
only looks like an image at its start cannot survive the round trip. An image whose pixel count is
too large is refused *before* it is decoded (a decompression bomb is a few kilobytes on disk and
gigabytes in memory). A PDF must begin with its header and end with its end-of-file marker.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"

IMAGE_TYPES = frozenset({JPEG, PNG, WEBP})
DOCUMENT_TYPES = frozenset({JPEG, PNG, WEBP, PDF})

#: How each accepted type is named to people, and the extension a stored file gets.
TYPE_LABEL = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF"}
EXTENSION = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}
PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}

THUMBNAIL_EDGE = 320


@dataclass
class CheckedFile:
    """A file that passed the checks, ready to be stored: `data` is what is kept (re-encoded images)."""

    name: str
    mime_type: str
    data: bytes
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None
    #: When and where the camera says the photo was taken (its EXIF, read before it is stripped).
    taken_at: datetime.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def extension(self) -> str:
        return EXTENSION[self.mime_type]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(head: bytes) -> str | None:
    """The type the first bytes of a file show, among those fenlei accepts (None: none of them)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def display_name(raw: str, mime_type: str) -> str:
    """The uploader's file name as it is shown and offered on download: no folders, no control
    characters, at most 200 characters, and the extension of what the file really is."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip() or "file"
    return f"{stem[:190]}.{EXTENSION[mime_type]}"


def _types_text(types) -> str:
    order = [JPEG, PNG, WEBP, PDF]
    return "/".join(TYPE_LABEL[t] for t in order if t in types)


def _problem(name: str, reason: str) -> ValidationError:
    return ValidationError(_("“{name}”: {reason}").format(name=name, reason=reason), code="upload")


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file (Django's UploadedFile), refusing one over the size limit
    before reading it (the size is what was received, not what the client claimed)."""
    limit_mb = settings.FENLEI_MAX_UPLOAD_MB
    name = getattr(upload, "name", "") or _("(no name)")
    if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
        raise _problem(
            name,
            _("the file is larger than {limit} MB ({size:.1f} MB).").format(
                limit=limit_mb, size=upload.size / 1024 / 1024
            ),
        )
    upload.seek(0)
    data = upload.read(limit_mb * 1024 * 1024 + 1)
    if len(data) > limit_mb * 1024 * 1024:
        raise _problem(name, _("the file is larger than {limit} MB.").format(limit=limit_mb))
    return data


def check(upload, *, types: frozenset[str]) -> CheckedFile:
    """Check one uploaded file against the accepted `types`; a ValidationError names the file and why."""
    raw_name = getattr(upload, "name", "") or ""
    shown = raw_name or _("(no name)")
    data = read_upload(upload)
    if not data:
        raise _problem(shown, _("the file is empty."))
    kind = sniff(data[:16])
    if kind is None or kind not in types:
        raise _problem(
            shown,
            _("its content is not an accepted type ({types}), whatever its name says.").format(
                types=_types_text(types)
            ),
        )
    name = display_name(raw_name, kind)
    if kind == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise _problem(shown, _("the PDF is incomplete (it has no end-of-file marker)."))
        return CheckedFile(name=name, mime_type=PDF, data=data)
    return _clean_image(data, kind, name, shown)


def _clean_image(data: bytes, kind: str, name: str, shown: str) -> CheckedFile:
    limit = settings.FENLEI_MAX_IMAGE_MEGAPIXELS
    width = height = None
    try:
        with warnings.catch_warnings():  # opening reads the header only; the size is checked next
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            width, height = probe.size
            if probe.format != PILLOW_FORMAT[kind]:
                raise _problem(shown, _("the image is damaged or not what it claims to be."))
            if width * height > limit * 1_000_000:
                raise _too_large(shown, width, height, limit)
            probe.verify()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                taken_at, latitude, longitude = camera_metadata(img)
                img = ImageOps.exif_transpose(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(shown, width, height, limit) from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError …) for a bad file
        raise _problem(shown, _("the image is damaged or incomplete.")) from None
    edge = settings.FENLEI_IMAGE_MAX_EDGE
    if edge and max(img.size) > edge:
        img.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    stored = _encode(img, kind)
    return CheckedFile(
        name=name,
        mime_type=kind,
        data=stored,
        width=img.width,
        height=img.height,
        thumbnail=_thumbnail(img),
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )


_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


def camera_metadata(img: Image.Image) -> tuple[datetime.datetime | None, float | None, float | None]:
    """When and where the camera says `img` was taken, from its EXIF (time in the server's zone when
    the camera gives none). Anything unreadable counts as absent."""
    from django.utils import timezone

    try:
        exif = img.getexif()
    except Exception:
        return None, None, None
    if not exif:
        return None, None, None
    taken_at = None
    try:
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if raw:
            naive = datetime.datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
            taken_at = timezone.make_aware(naive)
    except Exception:
        taken_at = None
    latitude = longitude = None
    try:
        gps = exif.get_ifd(_GPS_IFD)
        if gps and 2 in gps and 4 in gps:
            latitude = _degrees(gps[2], gps.get(1, "N"), "S")
            longitude = _degrees(gps[4], gps.get(3, "E"), "W")
    except Exception:
        latitude = longitude = None
    return taken_at, latitude, longitude


def _degrees(dms, ref, negative: str) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    return round(-value if str(ref).upper().startswith(negative) else value, 6)


def _too_large(shown: str, width: int | None, height: int | None, limit: int) -> ValidationError:
    if width is None:
        return _problem(
            shown, _("the image is too large (at most {limit} million pixels).").format(limit=limit)
        )
    return _problem(
        shown,
        _("the image is too large ({width}×{height} pixels; at most {limit} million pixels).").format(
            width=width, height=height, limit=limit
        ),
    )


def _encode(img: Image.Image, kind: str) -> bytes:
    """A fresh encoding of the pixels alone: no EXIF, no GPS, no comments, no text chunks."""
    out = io.BytesIO()
    if kind == JPEG:
        if img.mode not in ("RGB", "L", "CMYK"):
            img = img.convert("RGB")
        img.save(out, "JPEG", quality=85, optimize=True)
    elif kind == PNG:
        if img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            img = img.convert("RGBA")
        img.save(out, "PNG", optimize=True)
    else:
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
        img.save(out, "WEBP", quality=85)
    return out.getvalue()


def _thumbnail(img: Image.Image) -> bytes:
    """A small JPEG for galleries; transparent parts on white."""
    small = img.copy()
    small.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
    if small.mode in ("RGBA", "LA", "P"):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    elif small.mode != "RGB":
        small = small.convert("RGB")
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()
