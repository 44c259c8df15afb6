"""Real files for tests of uploads: made here with Pillow or written byte by byte, never read from disk."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

#: Where the photo was taken, as a phone writes it into EXIF (a point in 上海).
GPS = {1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 12.0)}
CAMERA = "FenleiPhone"


def image_bytes(
    fmt: str = "JPEG", size=(64, 48), colour="green", *, gps: bool = True, taken_at=None
) -> bytes:
    """An image as a phone would send it: with EXIF naming the camera and, by default, a GPS position
    (and, when given, the local time it was taken, as a camera writes DateTimeOriginal)."""
    img = Image.new("RGB", size, colour)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    if gps:
        exif[0x8825] = GPS
    if taken_at is not None:
        exif[0x8769] = {0x9003: taken_at.strftime("%Y:%m:%d %H:%M:%S")}
    img.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A tiny but complete one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a photo")
    return out.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png(width: int = 12000, height: int = 12000) -> bytes:
    """A real decompression bomb: a valid 1-bit PNG of width × height pixels that compresses to a
    few kilobytes (all pixels black), built without ever holding the decoded image."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An uploaded file as Django hands it to a view (the browser's content type is not trusted)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo(name: str = "IMG_0001.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes(**kwargs), "image/jpeg")
