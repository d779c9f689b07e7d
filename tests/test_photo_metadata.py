"""No metadata carrier of a source photo reaches a reader: not in a rendition, not in a PDF.

Every carrier (EXIF with GPS and MakerNote, XMP in JPEG/PNG/WebP, ICC, JPEG COM, JPEG APP13/IPTC,
PNG tEXt/zTXt/iTXt, GIF comment, TIFF tags) holds a unique secret; the output bytes are searched
for it, and the output files are walked to check they hold nothing but pixels.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from conftest import TODAY, Town
from photo_carriers import ID_NUMBER, carried, carriers, leaks
from PIL import Image

from generator import printing
from generator.images import prepare_photos
from generator.validate import validate

JPEG_ALLOWED = {0xD8, 0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA, 0xD9}  # SOI APP0 DQT SOFn DHT DRI SOS EOI


def _brand(files: list[str]) -> str:
    photos = "".join(f"    - file: photos/{f}\n      alt: 活动现场\n      consent: true\n" for f in files)
    return f"brand:\n  name: 样板品牌\n  model: 美丽和谐型\n  batch: 二期\n  photos:\n{photos}"


def _jpeg_markers(data: bytes) -> list[int]:
    """Every marker of a JPEG, in order, skipping entropy-coded data."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [0xD8], 2
    while at < len(data):
        assert data[at] == 0xFF, at
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xD9:
            break
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        at += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart
            while not (data[at] == 0xFF and data[at + 1] not in (0x00, *range(0xD0, 0xD8))):
                at += 1
    return markers


def _webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, at = [], 12
    while at + 8 <= len(data):
        kind, length = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        chunks.append(kind)
        if kind == b"VP8X":
            flags = data[at + 8]
            assert not flags & (0x20 | 0x08 | 0x04), f"VP8X announces ICC/EXIF/XMP: {flags:#x}"
        at += 8 + length + (length & 1)
    return chunks


def assert_pixels_only(file: Path) -> None:
    data = file.read_bytes()
    assert leaks(data) == [], (file, leaks(data))
    if file.suffix == ".jpg":
        assert set(_jpeg_markers(data)) <= JPEG_ALLOWED, (file, [hex(m) for m in _jpeg_markers(data)])
        assert data[6:11] == b"JFIF\x00"
    else:
        assert set(_webp_chunks(data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}, file
    with Image.open(file) as image:
        kept = set(image.info) - {
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "dpi",
            "progressive",
            "progression",
            "loop",
            "background",
            "duration",
            "timestamp",
        }
        assert kept == set(), (file, kept)
        assert not image.getexif()


def test_every_carrier_is_in_the_sources(tmp_path: Path) -> None:
    """The fixtures themselves: each carries the secret, or the tests below would prove nothing."""
    for name, data in carriers().items():
        assert carried(data), name


def test_no_carrier_reaches_any_rendition(town: Town, tmp_path: Path) -> None:
    photos = carriers()
    town.add_org("a-cun", brand=_brand(sorted(photos)))
    for name, data in photos.items():
        town.write(f"organizations/a-cun/photos/{name}", data)
    result = validate(town.root, TODAY)
    assert result.errors == [], result.errors
    report = prepare_photos(result.dataset, {"a-cun"}, tmp_path / "cache")
    assert len(report.sets) == len(photos)
    checked = 0
    for photo in report.sets.values():
        assert {r.ext for r in photo.renditions} == {"jpg", "webp"}
        for rendition in photo.renditions:
            assert_pixels_only(rendition.file)
            checked += 1
    assert checked >= 2 * len(photos)
    # what validation rendered into the town's own cache is the same: pixels only
    cached = list((town.root / ".cache/party365/photos").rglob("*.jpg")) + list((town.root / ".cache/party365/photos").rglob("*.webp"))
    assert len(cached) == checked
    for file in cached:
        assert_pixels_only(file)


def _pdf_streams(pdf: bytes) -> tuple[bytes, int, str]:
    """Every object of the PDF, streams decompressed, the number of images, and the document info."""
    import io

    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out, images = [], 0
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if obj is None:  # a free object
            continue
        out.append(repr(obj).encode())
        if isinstance(obj, pypdf.generic.StreamObject):
            out.append(obj.get_data())
            out.append(obj._data)
            if obj.get("/Subtype") == "/Image":
                images += 1
    return b"\n".join(out), images, repr(dict(reader.metadata or {}))


def _typeset(html: str) -> bytes:
    try:
        return printing.render_pdf(html)
    except printing.PrintUnavailable as exc:
        pytest.skip(str(exc))


def test_booklet_pdf_embeds_only_stripped_renditions(town: Town, tmp_path: Path) -> None:
    photos = sorted(n for n in carriers() if n.startswith(("jpeg-", "png-text", "gif-")))
    data = carriers()
    slugs = [f"org{i}-cun" for i in range(0, len(photos), 2)]  # a booklet shows two photos per case
    for slug, start in zip(slugs, range(0, len(photos), 2), strict=True):
        town.add_org(slug, brand=_brand(photos[start : start + 2]))
        for name in photos[start : start + 2]:
            town.write(f"organizations/{slug}/photos/{name}", data[name])
    cases = "".join(f"  - org: {slug}\n" for slug in slugs)
    town.write("content/_town/collections/xuanbian.yml", f"schema: 1\ntitle: 汇编\ndate: 2026-11-01\nintro: 编者按\ncases:\n{cases}")
    result = validate(town.root, TODAY)
    assert result.errors == [], result.errors
    report = prepare_photos(result.dataset, set(slugs), tmp_path / "cache")
    pdf = _typeset(printing.booklet_html(result.dataset, "xuanbian", report, demo=True))
    content, images, info = _pdf_streams(pdf)
    assert images == len(photos)  # every photo is in the booklet
    assert leaks(pdf) == [] and leaks(content) == [], leaks(content)
    assert "SECRET" not in info and ID_NUMBER not in info and "Producer" in info


def test_pdf_never_loads_a_source_photo_or_any_other_file(town: Town, tmp_path: Path) -> None:
    source = town.write("organizations/a-cun/photos/com.jpg", carriers()["jpeg-com.jpg"])
    outside = town.write("secret.txt", "SECRET-GPS-31.7 " + ID_NUMBER)
    html = (
        f'<html><body><p>正文</p><img src="{source.as_uri()}"><img src="{source}">'
        f'<object data="{outside.as_uri()}"></object><img src="https://example.org/x.jpg">'
        f'<div style="background: url({source.as_uri()})">背景</div></body></html>'
    )
    content, images, _ = _pdf_streams(_typeset(html))
    assert images == 0 and leaks(content) == []
