"""Photo rule: each referenced photo is a real, reasonably sized image inside the folder."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from conftest import Town
from PIL import Image
from tools_photo import jpeg

BRAND = """\
brand:
  name: 样板品牌
  model: 美丽和谐型
  batch: 二期
  photos:
    - file: {file}
      alt: 党员志愿者在村口清扫道路
      consent: true
"""
PHOTO_LINE = 27  # `- file:` in org.yml: 18 fixed lines, 3 of space, 5 of brand


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be huge: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def _with_photo(town: Town, file: str = "photos/a.jpg", brand: str = BRAND) -> None:
    town.add_org("a-cun", brand=brand.format(file=file))


def test_good_photo(town: Town) -> None:
    _with_photo(town)
    town.write("organizations/a-cun/photos/a.jpg", jpeg())
    assert [d for d in town.diagnostics() if d.rule.startswith("photo")] == []


def test_missing_photo_suggests_near_name(town: Town) -> None:
    _with_photo(town, "photos/A.jpg")
    town.write("organizations/a-cun/photos/a.jpg", jpeg())
    [d] = town.diagnostics("photo-missing")
    assert (d.line, d.col) == (PHOTO_LINE, 13) and "photos/a.jpg" in d.fix


def test_a_photo_name_cut_by_a_yaml_comment_gets_quotes_as_the_fix(town: Town) -> None:
    """`file: photos/会议 #1.jpg`: YAML reads " #1.jpg" as a comment; the fix is the quoted name."""
    _with_photo(town, "photos/会议 #1.jpg")
    town.write("organizations/a-cun/photos/会议 #1.jpg", jpeg())
    [d] = town.diagnostics("photo-missing")
    assert (d.line, d.col) == (PHOTO_LINE, 13) and d.found == "photos/会议"
    assert 'file: "photos/会议 #1.jpg"' in d.fix and "注释" in d.fix
    _with_photo(town, '"photos/会议 #1.jpg"')  # as the fix says
    assert [d for d in town.diagnostics() if d.rule.startswith("photo")] == []


@pytest.mark.parametrize("file", ["../b-cun/photos/x.jpg", "/etc/passwd", "photos/link.jpg"])
def test_photo_outside_the_folder(town: Town, file: str) -> None:
    town.add_org("b-cun")
    town.write("organizations/b-cun/photos/x.jpg", jpeg())
    os.symlink(town.root / "organizations/b-cun/photos/x.jpg", town.root / "organizations/b-cun/photos/link-target.jpg")
    (town.root / "organizations/a-cun/photos").mkdir(parents=True)
    os.symlink(town.root / "organizations/b-cun/photos/x.jpg", town.root / "organizations/a-cun/photos/link.jpg")
    _with_photo(town, file)
    [d] = town.diagnostics("photo-outside")
    assert d.line == PHOTO_LINE and "photos/" in d.fix


def test_text_file_named_jpg(town: Town) -> None:
    _with_photo(town)
    town.write("organizations/a-cun/photos/a.jpg", "这不是图片")
    [d] = town.diagnostics("photo-not-image")
    assert d.line == PHOTO_LINE and "JPG" in d.fix


def test_heic_from_a_phone_is_accepted(town: Town) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    _with_photo(town, "photos/a.heic")
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (10, 200, 30))).save(buffer, quality=80)
    town.write("organizations/a-cun/photos/a.heic", buffer.getvalue())
    assert [d for d in town.diagnostics() if d.rule.startswith("photo")] == []
    town.write("organizations/a-cun/photos/a.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
    [d] = town.diagnostics("photo-not-image")
    assert d.line == PHOTO_LINE


def test_unsupported_format(town: Town) -> None:
    _with_photo(town, "photos/a.bmp")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "BMP")
    town.write("organizations/a-cun/photos/a.bmp", buffer.getvalue())
    [d] = town.diagnostics("photo-not-image")
    assert "BMP" in d.message


def test_decompression_bomb(town: Town) -> None:
    _with_photo(town, "photos/bomb.png")
    town.write("organizations/a-cun/photos/bomb.png", _png_header_only(60000, 60000))
    [d] = town.diagnostics("photo-too-many-pixels")
    assert d.line == PHOTO_LINE


def test_over_the_pixel_limit(town: Town) -> None:
    _with_photo(town, "photos/big.png")
    town.write("organizations/a-cun/photos/big.png", _png_header_only(9000, 6000))
    [d] = town.diagnostics("photo-too-many-pixels")
    assert "9000×6000" in d.message


def test_over_the_byte_limit(town: Town) -> None:
    _with_photo(town)
    path = town.write("organizations/a-cun/photos/a.jpg", jpeg())
    with path.open("ab") as stream:
        stream.truncate(21 * 1024 * 1024)
    [d] = town.diagnostics("photo-too-large")
    assert "20 MB" in d.message


def test_alt_text_and_consent_required(town: Town) -> None:
    brand = BRAND.replace("      alt: 党员志愿者在村口清扫道路\n", "").replace("      consent: true\n", "")
    _with_photo(town, brand=brand)
    town.write("organizations/a-cun/photos/a.jpg", jpeg())
    [alt] = town.diagnostics("photo-alt")
    [consent] = town.diagnostics("photo-consent")
    assert alt.line == consent.line == PHOTO_LINE and "alt:" in alt.fix and "consent: true" in consent.fix


def test_photo_of_a_disclosure(town: Town) -> None:
    town.add_org("a-cun")
    town.write(
        "organizations/a-cun/disclosures/2026-11-05-p.md",
        "---\nschema: 1\ntitle: 活动\ncategory: 志愿服务活动\nphotos:\n  - file: photos/none.jpg\n    alt: 活动现场\n    consent: true\n---\n",
    )
    [d] = town.diagnostics("photo-missing")
    assert d.path.endswith("2026-11-05-p.md") and d.line == 6


# ------------------------------------------------------------------ validate decodes the whole photo


def test_truncated_photo_fails_validate_at_its_line(town: Town, cli_run) -> None:
    _with_photo(town)
    whole = jpeg((800, 600))
    town.write("organizations/a-cun/photos/a.jpg", whole[: len(whole) // 2])  # the header is intact
    [d] = town.diagnostics("photo-broken")
    assert (d.path, d.line, d.col) == ("organizations/a-cun/org.yml", PHOTO_LINE, 13)
    assert "损坏" in d.message and "重新导出" in d.fix and "photos/a.jpg" in d.found
    result = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26")
    assert result.code == 1 and "[photo-broken]" in result.out + result.err and "Traceback" not in result.out + result.err


def test_validate_decodes_once_into_the_build_cache(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import images
    from generator.images import CACHE_DIR, prepare_photos
    from generator.site import CACHE_DIR as SITE_CACHE

    assert SITE_CACHE == CACHE_DIR  # the CLI's validate and the build look in the same place
    _with_photo(town)
    town.write("organizations/a-cun/photos/a.jpg", jpeg((800, 600)))
    town.write("organizations/a-cun/photos/unused.jpg", b"\xff\xd8 not referenced, never decoded")
    decoded: list[str] = []
    real = images.decode
    monkeypatch.setattr(images, "decode", lambda source: decoded.append(source.name) or real(source))
    assert town.diagnostics("photo-broken") == []
    assert decoded == ["a.jpg"]
    assert town.diagnostics("photo-broken") == [] and decoded == ["a.jpg"]  # unchanged: not decoded again
    report = prepare_photos(town.validate().dataset, {"a-cun"}, town.root / CACHE_DIR)
    assert (report.processed, report.reused) == (0, 1) and decoded == ["a.jpg"]  # the build reuses it
    town.write("organizations/a-cun/photos/a.jpg", jpeg((800, 600), (0, 0, 255)))
    assert town.diagnostics("photo-broken") == [] and decoded == ["a.jpg", "a.jpg"]  # changed content: decoded


def test_validate_works_with_a_read_only_cache(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from generator import images

    _with_photo(town)
    town.write("organizations/a-cun/photos/a.jpg", jpeg((800, 600)))

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(town.root / ".cache"))

    monkeypatch.setattr(images, "temp_dir", refuse)
    assert town.validate().errors == []  # the photo was decoded; only caching it failed
    assert not list((town.root / ".cache").rglob("*.jpg"))  # nothing was cached
    whole = jpeg((800, 600), (0, 90, 0))
    town.write("organizations/a-cun/photos/a.jpg", whole[: len(whole) // 2])
    assert [d.rule for d in town.validate().errors] == ["photo-broken"]  # decoding still happens


# ------------------------------------------------------------------ "did you mean", bounded


def test_did_you_mean_is_bounded_in_a_large_folder(town: Town) -> None:
    """2,000 missing photos in a folder of 10,000 files (once: more than 5 minutes) completes,
    and near misses still get the right suggestion. Timing: bench/photos.py --suggest."""
    photos = town.root / "organizations/a-cun/photos"
    photos.mkdir(parents=True)
    for i in range(10_000):
        (photos / f"IMG_2026{i:05d}.jpg").touch()
    misses = [f"photos/DSC_{i:05d}_x.jpg" for i in range(1997)] + [
        "photos/IMG_202600123.jpeg",
        "photos/img_202604567.JPG",
        "photos/IMG_2O2609876.jpg",
    ]
    entries = "".join(f"    - file: {f}\n      alt: 照片\n      consent: true\n" for f in misses)
    town.add_org("a-cun", brand=f"brand:\n  name: 样板品牌\n  model: 美丽和谐型\n  batch: 二期\n  photos:\n{entries}")
    found = {d.found: d.fix for d in town.diagnostics("photo-missing")}
    assert len(found) == 2000
    assert "photos/IMG_202600123.jpg" in found["photos/IMG_202600123.jpeg"]  # another extension
    assert "photos/IMG_202604567.jpg" in found["photos/img_202604567.JPG"]  # another case
    assert "photos/IMG_202609876.jpg" in found["photos/IMG_2O2609876.jpg"]  # a letter O for a zero
