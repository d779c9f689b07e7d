"""The page cache (generator/pagecache.py, used by the adapter): a rebuild that takes unchanged pages
from it publishes exactly the site a build without any cache publishes, and never a stale page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO
from sitetown import EPOCH, mkdocs_build, new_site_town, tree_digest

sys.path.insert(0, str(REPO / "tools"))

from editor_shots import free_port

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
    _build(root, tmp_path / "smaller")  # the entries of the build before are kept one build more
    reused, rendered = _build(root, tmp_path / "again")
    after = {p.name for p in (root / CACHE_DIR).glob("*/*.html")}
    assert rendered == 0 and len(after) == reused  # only this site's pages are left
    assert before - after  # among them no longer the page of the organization that is gone


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _wait(url: str, done: Callable[[int, str], bool], proc: subprocess.Popen[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "mkdocs serve stopped"
        status, body = _get(url)
        if done(status, body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready after {seconds} s")


def test_a_preview_shows_a_change_at_once_from_the_page_cache(town_root: Path, tmp_path: Path) -> None:
    """`mkdocs serve`: a clerk's change shows after a rebuild that renders only the pages it
    touched and keeps the previous search bundle (Pagefind has no incremental mode)."""
    root, port = town_root, free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", "PARTY365_CACHE": "on"}
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    with log.open("w", encoding="utf-8") as stream:
        proc = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, text=True, env=env)
        try:
            base = f"http://127.0.0.1:{port}/"
            page = base + "dangwu/taoyuan-cun/"
            _wait(page, lambda status, _: status == 200, proc, 180)
            item = root / ORG_ITEM
            item.write_text(item.read_text(encoding="utf-8") + "\n预览时补充：停车场划线完成。\n", encoding="utf-8")
            _wait(page, lambda _, body: "停车场划线完成" in body, proc, 120)
            assert _get(base + "pagefind/pagefind-entry.json")[0] == 200  # search still works in the preview
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = log.read_text(encoding="utf-8")
    assert "预览模式：页面已更新；站内搜索沿用上一次的索引" in text
    counts = [(int(a), int(b)) for a, b in re.findall(r"页面缓存：沿用 (\d+) 个页面，重新生成 (\d+) 个", text)]
    assert len(counts) >= 2
    reused, rendered = counts[-1]
    assert reused > 0 and 0 < rendered < reused  # the rebuild rendered only what the change touched
