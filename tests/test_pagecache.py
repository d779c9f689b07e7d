"""The page cache (generator/pagecache.py, used by the adapter): a rebuild that takes unchanged pages
from it publishes exactly the site a build without any cache publishes, and never a stale page."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sitetown import mkdocs_build, new_site_town, tree_digest

from generator.pagecache import CACHE_DIR

ORG_ITEM = "organizations/taoyuan-cun/disclosures/2026-11-07-vote.md"


def _build(root: Path, site: Path, *, cache: bool = True) -> tuple[int, int]:
    """Build the town; returns (pages from the cache, pages rendered) as the build logged them."""
    saved = os.environ.get("PARTY365_CACHE")
    os.environ["PARTY365_CACHE"] = "on" if cache else "off"
    try:
        done = mkdocs_build(root, site, strict=False)  # the site town has a one-sided partner warning on purpose
    finally:
        if saved is None:
            os.environ.pop("PARTY365_CACHE")
        else:
            os.environ["PARTY365_CACHE"] = saved
    assert done.returncode == 0, done.stderr[-3000:]
    found = re.search(r"页面缓存：沿用 (\d+) 个页面，重新生成 (\d+) 个", done.stderr)
    if not cache:
        assert found is None
        return 0, 0
    assert found, done.stderr[-2000:]
    return int(found.group(1)), int(found.group(2))


@pytest.fixture(scope="module")
def town_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pagecache") / "town"
    new_site_town(root)
    return root


def test_a_rebuild_after_one_change_equals_a_build_without_caches(town_root: Path, tmp_path: Path) -> None:
    root = town_root
    reused, rendered = _build(root, tmp_path / "first")
    assert reused == 0 and rendered > 10
    pages = rendered
    item = root / ORG_ITEM
    item.write_text(item.read_text(encoding="utf-8") + "\n会后补充：生态停车场已开工。\n", encoding="utf-8")

    reused, rendered = _build(root, tmp_path / "cached")
    # The changed organization's page and the pages that list it are rendered again, not the rest.
    assert reused + rendered == pages and 0 < rendered < pages // 2
    _build(root, tmp_path / "plain", cache=False)
    assert tree_digest(tmp_path / "cached") == tree_digest(tmp_path / "plain")
    page = (tmp_path / "cached" / "dangwu" / "taoyuan-cun" / "index.html").read_text(encoding="utf-8")
    assert "生态停车场已开工" in page  # not the stale page


def test_what_every_page_shows_renders_every_page_again(town_root: Path, tmp_path: Path) -> None:
    """A navigation title, the theme's templates or the site's name are on every page: none may
    come from the cache once one of them changed."""
    root = town_root
    _build(root, tmp_path / "warm")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - 公示: gongshi/index.md", "  - 公示公告: gongshi/index.md"), encoding="utf-8"
    )
    reused, rendered = _build(root, tmp_path / "nav")
    assert reused == 0 and rendered > 10
    org_page = (tmp_path / "nav" / "dangwu" / "zhen-jiguan" / "index.html").read_text(encoding="utf-8")
    assert "公示公告" in org_page  # in the navigation tabs of a page that did not change

    # A nav entry without a title shows the page's own heading in every page's tabs.
    config.write_text(config.read_text(encoding="utf-8").replace("  - 编辑指南: guide/index.md", "  - guide/index.md"), encoding="utf-8")
    _build(root, tmp_path / "untitled")
    guide = root / "content" / "guide" / "index.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("# 编辑指南：", "# 填报须知：", 1), encoding="utf-8")
    reused, rendered = _build(root, tmp_path / "title")
    assert reused == 0 and rendered > 10
    assert "填报须知" in (tmp_path / "title" / "dangwu" / "zhen-jiguan" / "index.html").read_text(encoding="utf-8")

    main = root / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# a changed template #}\n", encoding="utf-8")
    reused, _ = _build(root, tmp_path / "theme")
    assert reused == 0


@pytest.mark.parametrize("damage", ["truncated", "no token line", "binary"])
def test_a_damaged_entry_is_rendered_again(town_root: Path, tmp_path: Path, damage: str) -> None:
    root = town_root
    _build(root, tmp_path / "warm")
    entries = sorted((root / CACHE_DIR).glob("*/*.html"))
    assert entries
    for entry in entries:
        text = entry.read_text(encoding="utf-8")
        if damage == "truncated":
            entry.write_text(text.split("\n", 1)[0] + "\n", encoding="utf-8")
        elif damage == "no token line":
            entry.write_text("<script>alert(1)</script>" + text.split("\n", 1)[1], encoding="utf-8")
        else:
            entry.write_bytes(b"\xff\xfe\x00garbage")
    reused, rendered = _build(root, tmp_path / "after")
    assert reused == 0 and rendered == len(entries)
    _build(root, tmp_path / "plain", cache=False)
    assert tree_digest(tmp_path / "after") == tree_digest(tmp_path / "plain")


def test_entries_of_pages_that_are_gone_are_removed(town_root: Path, tmp_path: Path) -> None:
    root = town_root
    _build(root, tmp_path / "warm")
    before = {p.name for p in (root / CACHE_DIR).glob("*/*.html")}
    shutil.rmtree(root / "organizations" / "zhen-jiguan")
    reused, rendered = _build(root, tmp_path / "smaller")
    after = {p.name for p in (root / CACHE_DIR).glob("*/*.html")}
    assert len(after) == reused + rendered and after != before
