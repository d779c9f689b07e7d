"""The demo town that ships with the repository: valid, complete, and built as a whole site."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO, TODAY

from generator.site.search import LANGUAGE
from generator.validate import validate


def test_demo_town_is_valid_and_complete() -> None:
    result = validate(REPO, TODAY)
    assert result.errors == []
    summary = result.summary()
    assert summary["organizations"] == 90
    assert summary["by_sector"] == {"机关事业单位": 17, "村": 32, "社区": 12, "企业": 29}
    assert summary["brands"] == {"一期": 33, "二期": 50}
    assert summary["demo_sites"] == 3
    rules = {d.rule for d in result.warnings}
    assert rules <= {r for r in rules if r.startswith("compliance-")}  # only real compliance gaps
    assert len(result.warnings) < 25  # "a few", for the dashboard


def test_demo_photos_are_small() -> None:
    photos = list((REPO / "organizations").glob("*/photos/*"))
    assert photos and all(p.stat().st_size < 150 * 1024 for p in photos if p.name != ".gitkeep")


def test_demo_site_has_every_page(demo_site: Path) -> None:
    assert len(list((demo_site / "pinpai").glob("*/index.html"))) == 83
    assert len(list((demo_site / "dangwu").glob("*/index.html"))) == 90
    assert (demo_site / "gongshi/index.html").is_file()


def test_the_search_bundle_is_written(demo_site: Path) -> None:
    entry = json.loads((demo_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"][LANGUAGE]["page_count"] > 170  # Chinese pages, indexed as character pairs of no language
    assert not (demo_site / "search").exists()  # Material's one-file index is gone


def test_org_page_size_does_not_depend_on_town_size(demo_site: Path) -> None:
    page = (demo_site / "dangwu/shuangqiao-cun/index.html").read_text(encoding="utf-8")
    assert page.count("dangwu/") < 40  # no sidebar listing all 90 organizations


def test_no_published_image_carries_metadata(demo_site: Path) -> None:
    from PIL import Image

    images = [p for p in (demo_site / "photos").rglob("*") if p.suffix in (".jpg", ".webp")]
    assert len(images) > 500
    for file in images:
        with Image.open(file) as image:
            assert not image.getexif(), file
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile"} & set(image.info), file


def test_warm_rebuild_processes_no_image(demo_site: Path) -> None:
    from generator.site import generate

    generated = generate(REPO, TODAY)  # the demo_site build filled the cache
    assert generated.photos_processed == 0 and generated.photos_reused > 100
