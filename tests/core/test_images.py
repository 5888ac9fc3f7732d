"""Decompression bombs: a PNG of a few kilobytes that declares more than 40 million pixels is
refused from its header, before anything is decoded."""

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tremplin.core import images


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit grayscale PNG of width × height black pixels, compressed row by row so
    that the raw image is never held in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes((width + 7) // 8)  # filter byte "none", then the packed pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def as_upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bombe.png", content, content_type="image/png")


def test_a_144_megapixel_png_of_a_few_kilobytes_is_refused_in_french(monkeypatch):
    bomb = png_bomb(12_000, 12_000)
    assert len(bomb) < 100_000  # a few dozen kilobytes on the wire
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self))

    with pytest.raises(ValidationError) as refused:
        images.image_clean(as_upload(bomb))

    assert "trop de pixels (plus de 40 millions)" in refused.value.messages[0]
    assert decoded == []  # refused from the header: nothing was decoded


def test_a_50_megapixel_png_is_refused_by_the_header_check_below_pillows_own_error():
    # Between 40 and 80 Mpx Pillow only warns: our check is what refuses it.
    with pytest.raises(ValidationError) as refused:
        images.image_clean(as_upload(png_bomb(10_000, 5_000)))

    assert "trop de pixels" in refused.value.messages[0]


def test_an_image_just_under_the_limit_is_accepted():
    # 1-bit 8000 × 5000 = 40 Mpx exactly: accepted, and shrunk to 1600 px.
    result = images.image_clean(as_upload(png_bomb(8_000, 5_000)))

    assert result.startswith(b"\xff\xd8")  # a JPEG


def test_pillows_own_limit_is_coherent_with_ours():
    images.image_clean(as_upload(png_bomb(10, 10)))

    assert Image.MAX_IMAGE_PIXELS == images.MAX_IMAGE_PIXELS == 40_000_000
