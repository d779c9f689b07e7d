"""Photo renditions: what a reader downloads is upright, sRGB, small, and tells nothing of where it was taken."""

from __future__ import annotations

import errno
import io
import multiprocessing
from pathlib import Path

import pytest
from conftest import TODAY, Town
from PIL import Image, ImageCms

from generator.images import WIDTHS, cache_key, prepare_photos
from generator.validate import validate

BRAND = """\
brand:
  name: 样板品牌
  model: 美丽和谐型
  batch: 二期
  photos:
    - file: photos/{name}
      alt: 活动现场
      consent: true
"""


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = {1: "N", 2: (31.0, 46.0, 16.32), 3: "E", 4: (119.0, 57.0, 48.24)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def _phone_photo() -> bytes:
    """A landscape-stored JPEG, flagged "rotate 90", with GPS, XMP and a marker column on its left."""
    image = Image.new("RGB", (1200, 800), (40, 120, 200))
    image.paste((255, 0, 0), (0, 0, 100, 800))  # red column on the stored left edge
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="31,46.27N"/></rdf:RDF></x:xmpmeta>'
    image.save(buffer, "JPEG", exif=_gps_exif(), xmp=xmp, quality=90)
    return buffer.getvalue()


def _cmyk_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("CMYK", (640, 480), (0, 255, 255, 0)).save(buffer, "JPEG")  # pure red ink
    return buffer.getvalue()


def _prepare(town: Town, name: str, data: bytes, cache: Path, **kwargs):
    town.add_org("a-cun", brand=BRAND.format(name=name))
    town.write(f"organizations/a-cun/photos/{name}", data)
    result = validate(town.root, TODAY)
    assert result.errors == [], result.errors
    return prepare_photos(result.dataset, {"a-cun"}, cache, **kwargs)


def _metadata(file: Path) -> list[str]:
    with Image.open(file) as image:
        found = [key for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "photoshop", "iptc") if key in image.info]
        if image.getexif():
            found.append("getexif")
    raw = file.read_bytes()
    found += [marker for marker in (b"Exif\x00\x00", b"GPS", b"xmpmeta", b"PhoneMaker") if marker in raw]  # type: ignore[misc]
    return found


def test_no_gps_or_other_metadata_in_any_rendition_and_upright(town: Town, tmp_path: Path) -> None:
    report = _prepare(town, "phone.jpg", _phone_photo(), tmp_path / "cache")
    [photo] = report.sets.values()
    assert len(photo.renditions) == 2 * len([w for w in WIDTHS if w < 800]) + 2  # 480 and the 800 px original, two formats
    for rendition in photo.renditions:
        assert _metadata(rendition.file) == [], rendition.file
        with Image.open(rendition.file) as image:
            assert image.height > image.width  # stored 1200×800, displayed 800×1200
            top = image.convert("RGB").getpixel((image.width // 2, 2))
            assert top[0] > 200 and top[2] < 80  # the red column is now at the top


def test_cmyk_becomes_srgb(town: Town, tmp_path: Path) -> None:
    report = _prepare(town, "scan.jpg", _cmyk_photo(), tmp_path / "cache")
    [photo] = report.sets.values()
    with Image.open(photo.largest.file) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((10, 10))
        assert red > 180 and green < 90 and blue < 90


def test_icc_profile_is_applied_then_dropped(town: Town, tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 30, 40)).save(buffer, "JPEG", icc_profile=srgb.tobytes(), quality=95)
    report = _prepare(town, "icc.jpg", buffer.getvalue(), tmp_path / "cache")
    [photo] = report.sets.values()
    for rendition in photo.renditions:
        with Image.open(rendition.file) as image:
            assert "icc_profile" not in image.info
            red, green, blue = image.convert("RGB").getpixel((10, 10))
            assert abs(red - 200) < 12 and green < 50 and blue < 60


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("alpha.png", lambda: Image.new("RGBA", (300, 200), (0, 0, 0, 0))),
        ("palette.gif", lambda: Image.new("P", (300, 200), 0)),
        ("deep.png", lambda: Image.new("I;16", (300, 200), 65535)),
    ],
)
def test_transparent_palette_and_16_bit_come_out_white_rgb(town: Town, tmp_path: Path, name: str, make) -> None:
    image = make()
    buffer = io.BytesIO()
    options = {"transparency": 0} if image.mode == "P" else {}
    image.save(buffer, name.rsplit(".", 1)[1].upper().replace("JPG", "JPEG"), **options)
    report = _prepare(town, name, buffer.getvalue(), tmp_path / "cache")
    [photo] = report.sets.values()
    with Image.open(photo.largest.file) as out:
        assert out.mode == "RGB"
        assert min(out.getpixel((5, 5))) > 240  # transparent over white, and 16-bit white stays white


def test_animation_keeps_its_first_frame(town: Town, tmp_path: Path) -> None:
    frames = [Image.new("RGB", (200, 100), color) for color in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    report = _prepare(town, "anim.gif", buffer.getvalue(), tmp_path / "cache")
    [photo] = report.sets.values()
    with Image.open(photo.largest.file) as out:
        red, _, blue = out.convert("RGB").getpixel((10, 10))
        assert red > 200 and blue < 60


def test_truncated_photo_is_a_diagnostic_at_its_yaml_line(town: Town, tmp_path: Path) -> None:
    whole = _phone_photo()
    town.add_org("a-cun", brand=BRAND.format(name="cut.jpg"))
    town.write("organizations/a-cun/photos/cut.jpg", whole[: len(whole) // 3])
    result = validate(town.root, TODAY)
    [v] = result.errors  # validate decodes the whole photo: the build is not the first to know
    report = prepare_photos(result.dataset, {"a-cun"}, tmp_path / "cache")  # and the build says the same
    [d] = report.diagnostics
    for found in (v, d):
        assert (found.rule, found.path, found.line, found.col) == ("photo-broken", "organizations/a-cun/org.yml", 27, 13)
        assert "重新导出" in found.fix and "损坏" in found.message
    assert report.sets == {}


def test_second_run_processes_nothing(town: Town, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _prepare(town, "phone.jpg", _phone_photo(), cache)
    result = validate(town.root, TODAY)
    second = prepare_photos(result.dataset, {"a-cun"}, cache)
    assert (first.processed, first.reused) == (1, 0)
    assert (second.processed, second.reused) == (0, 1)
    assert [r.file for r in second.sets[("a-cun", "photos/phone.jpg")].renditions] == [
        r.file for r in first.sets[("a-cun", "photos/phone.jpg")].renditions
    ]


def test_changed_photo_gets_a_new_key(tmp_path: Path) -> None:
    a = tmp_path / "a.jpg"
    a.write_bytes(_phone_photo())
    key = cache_key(a)
    a.write_bytes(_cmyk_photo())
    assert cache_key(a) != key


def _race(args: tuple[str, str]) -> int:
    root, cache = args
    result = validate(Path(root), TODAY)
    return prepare_photos(result.dataset, {"a-cun"}, Path(cache), workers=1).processed


def test_two_builds_at_once_share_the_cache_safely(town: Town, tmp_path: Path) -> None:
    town.add_org("a-cun", brand=BRAND.format(name="phone.jpg"))
    town.write("organizations/a-cun/photos/phone.jpg", _phone_photo())
    cache = tmp_path / "cache"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        processed = pool.map(_race, [(str(town.root), str(cache))] * 2)
    assert 1 <= sum(processed) <= 2
    entries = [p for p in cache.rglob("renditions.json")]
    assert len(entries) == 1 and not list(cache.rglob(".tmp-*"))
    result = validate(town.root, TODAY)
    again = prepare_photos(result.dataset, {"a-cun"}, cache)
    assert again.processed == 0 and len(again.sets) == 1


# ------------------------------------------------------------------ memory: pixels in flight, not workers


def test_renders_are_bounded_by_pixels_in_flight_not_by_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from generator import images

    sizes = {f"big{i}.png": 45_000_000 for i in range(6)} | {f"small{i}.jpg": 3_000_000 for i in range(12)}
    lock, running, peaks = threading.Lock(), {}, []

    def fake_render(source: str, final: str) -> tuple[str, str]:
        with lock:
            running[source] = sizes[source]
            peaks.append((sum(running.values()), len(running)))
        time.sleep(0.02)
        with lock:
            del running[source]
        return "ok", ""

    monkeypatch.setattr(images, "decoded_pixels", lambda source: sizes[source.name])
    monkeypatch.setattr(images, "_render_into_cache", fake_render)
    jobs = [(name, "cache/" + name) for name in sizes]
    for workers in (2, 8, 64):  # whatever the core count
        peaks.clear()
        results = images._run(jobs, workers, budget=100_000_000, executor=ThreadPoolExecutor)
        assert set(results) == set(sizes) and all(r == ("ok", "") for r in results.values())
        assert max(p for p, _ in peaks) <= 100_000_000  # two 45 MP photos at most, never three
        if workers >= 8:
            assert max(n for _, n in peaks) > 2  # small photos still run side by side
    assert images.decoded_pixels.__name__ == "<lambda>"


def test_a_large_jpeg_is_costed_at_its_reduced_decode_size(tmp_path: Path) -> None:
    from generator.images import MAX_PIXELS, decoded_pixels

    big = tmp_path / "big.jpg"
    Image.new("RGB", (6400, 4800), (10, 20, 30)).save(big, "JPEG", quality=50)
    png = tmp_path / "big.png"
    Image.new("RGB", (6400, 4800), (10, 20, 30)).save(png, "PNG")
    assert decoded_pixels(big) == 1600 * 1200  # libjpeg decodes it at 1/4 scale
    assert decoded_pixels(png) == 6400 * 4800  # no reduced decode for PNG
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS == 50_000_000  # Pillow refuses what the rule refuses


# ------------------------------------------------------------------ the machine is not the photo


def _one_photo_town(town: Town):
    town.add_org("a-cun", brand=BRAND.format(name="phone.jpg"))
    town.write("organizations/a-cun/photos/phone.jpg", _phone_photo())
    result = validate(town.root, TODAY)
    assert result.errors == []
    return result


@pytest.mark.parametrize(
    ("where", "code", "words"),
    [
        ("save", errno.ENOSPC, "磁盘已满"),
        ("temp_dir", errno.EROFS, "目录只读"),
        ("replace", errno.EACCES, "没有写入权限"),
        ("mkdir", errno.EPERM, "没有写入权限"),
    ],
)
def test_a_cache_that_cannot_be_written_is_the_machine_not_the_photo(
    town: Town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: int, words: str
) -> None:
    import os

    from generator import images
    from generator.images import BuildEnvironmentError

    result = _one_photo_town(town)
    cache = tmp_path / "cache"

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    target = {"save": (Image.Image, "save"), "temp_dir": (images, "temp_dir"), "replace": (os, "replace"), "mkdir": (Path, "mkdir")}[where]
    monkeypatch.setattr(*target, fail)
    with pytest.raises(BuildEnvironmentError) as caught:
        prepare_photos(result.dataset, {"a-cun"}, cache)
    message = caught.value.message
    assert words in message and str(cache) in message and "照片" in message and "photo-broken" not in message
    assert "重新导出" not in message  # never blames the clerk's photo


def test_disk_full_stops_the_build_and_the_cli_with_one_chinese_message(town: Town, monkeypatch: pytest.MonkeyPatch, cli_run) -> None:
    from generator.images import BuildEnvironmentError
    from generator.site import generate

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    town.add_org("a-cun", brand=BRAND.format(name="phone.jpg"))
    town.write("organizations/a-cun/photos/phone.jpg", _phone_photo())
    monkeypatch.setattr(Image.Image, "save", full)
    assert town.validate().errors == []  # validate decodes the photo and passes; only caching it failed
    assert not (town.root / ".cache/party365/photos").exists() or not any((town.root / ".cache/party365/photos").rglob("*.jpg"))
    with pytest.raises(BuildEnvironmentError, match="磁盘已满"):
        generate(town.root, TODAY)
    result = cli_run("boards", "--root", str(town.root), "--org", "a-cun", "--out", str(town.root / "out"))
    assert result.code == 1 and "磁盘已满" in result.err and "Traceback" not in result.err + result.out
    assert "photo-broken" not in result.err + result.out and result.err.count("\n") == 1


def test_a_pdf_cache_that_cannot_be_written_is_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import printing
    from generator.images import BuildEnvironmentError

    monkeypatch.setattr(printing, "render_pdf", lambda html: b"%PDF-1.7\n")

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(printing, "temp_file", read_only)
    with pytest.raises(BuildEnvironmentError, match="目录只读"):
        printing.cached_pdf("<p>x</p>", tmp_path / "pdf")
