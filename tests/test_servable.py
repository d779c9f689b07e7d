"""What is published can be served: a web server running as another user reads every file of the
site, whatever the umask of the build and the modes of the caches the site links from."""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from sitetown import mkdocs_build, new_site_town

from generator import county, filemodes

COLLECTION = """\
schema: 1
title: 测试案例汇编
subtitle: 测试镇示范点典型案例
date: 2026-11-01
editor: 测试镇组织办
intro: 汇编说明。
cases:
  - org: taoyuan-cun
    commentary: 点评。
"""


def not_servable(root: Path) -> list[str]:
    """Files that others cannot read and folders they cannot list or enter, with their modes."""
    found = []
    for path in [root, *sorted(root.rglob("*"))]:
        mode = path.lstat().st_mode
        if (stat.S_ISDIR(mode) and mode & 0o005 != 0o005) or (stat.S_ISREG(mode) and not mode & 0o004):
            found.append(f"{path.relative_to(root).as_posix() or '.'} {stat.filemode(mode)}")
    return found


def test_every_file_of_the_demo_site_is_readable_by_others(demo_site: Path) -> None:
    assert list((demo_site / "anli").glob("*.pdf")), "the demo publishes its booklets"
    assert not_servable(demo_site) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The small site town with a booklet, built under umask 077 and under umask 022 (own caches each)."""
    sites = {}
    for umask in (0o077, 0o022):
        town = new_site_town(tmp_path_factory.mktemp(f"umask{umask:03o}"))
        town.write("content/_town/collections/ceshi.yml", COLLECTION)
        result = mkdocs_build(town.root, town.root / "site", strict=False, umask=umask)
        assert result.returncode == 0, result.stderr
        sites[umask] = town.root / "site"
    return sites


def test_a_build_under_umask_077_is_readable_by_others(built: dict[int, Path]) -> None:
    site = built[0o077]
    assert (site / "anli" / "ceshi.pdf").is_file() and list((site / "photos").rglob("*.webp"))
    assert not_servable(site) == []
    assert stat.S_IMODE(site.stat().st_mode) == 0o755 and stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644


def test_caches_are_as_private_as_the_umask_says(built: dict[int, Path]) -> None:
    """A cache entry gets the mode open() and mkdir() give under the umask, not mkstemp's 0600 or
    mkdtemp's 0700: under 022 every cache file and folder is readable by others (the page cache
    and the photo entries' folders were not); under 077 what the site does not publish (the
    content and page caches) stays private."""
    cache = built[0o022].parent / ".cache" / "party365"
    assert not_servable(cache) == []
    private = built[0o077].parent / ".cache" / "party365"
    for part in ("content", "pages"):
        files = [p for p in (private / part).rglob("*") if p.is_file()]
        assert files and all(not p.stat().st_mode & 0o077 for p in files), part


def test_a_county_built_under_umask_077_is_readable_by_others(tmp_path: Path) -> None:
    url = "https://jia.example.org/"
    files = {
        url + "data.json": {
            "dataset": [{"distribution": [{"downloadURL": url + "data/organizations.json", "mediaType": "application/json"}]}]
        },
        url + "data/organizations.json": {"organizations": [{"name": "甲村党委", "bankuai": "村党组织板块", "url": url + "dangwu/jia/"}]},
    }

    def fetch(address: str) -> bytes:
        return json.dumps(files[address]).encode()

    config = county.CountyConfig.model_validate({"schema": 1, "name": "示例县", "towns": [{"name": "甲镇", "url": url}]})
    old = os.umask(0o077)
    try:
        county.build(config, tmp_path / "county", fetch)
    finally:
        os.umask(old)
    assert (tmp_path / "county" / "pagefind").is_dir()
    assert not_servable(tmp_path / "county") == []


def test_make_public_only_adds_read_and_enter_bits(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "page.html").write_text("x")
    (site / "shared.html").write_text("y")
    (site / "a" / "page.html").chmod(0o600)
    (site / "shared.html").chmod(0o660)  # a group of office users publishing in turn keeps group write
    (site / "a" / "b").chmod(0o700)
    (site / "link").symlink_to("/etc/hostname")
    site.chmod(0o700)
    filemodes.make_public(site)
    modes = {p.relative_to(site).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in site.rglob("*") if not p.is_symlink()}
    assert modes == {"a": 0o755, "a/b": 0o755, "a/page.html": 0o644, "shared.html": 0o664}
    assert stat.S_IMODE(site.stat().st_mode) == 0o755


def test_a_linked_file_that_cannot_be_changed_is_replaced_by_a_readable_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's cache file, hard linked into the site: chmod is refused, so the site gets a copy."""
    cache = tmp_path / "cache.pdf"
    cache.write_bytes(b"%PDF booklet")
    cache.chmod(0o640)
    site = tmp_path / "site"
    site.mkdir()
    os.link(cache, site / "booklet.pdf")
    chmod = os.chmod

    def refuse(path: str | Path, mode: int) -> None:
        if Path(path).name == "booklet.pdf":
            raise PermissionError(1, "Operation not permitted", str(path))
        chmod(path, mode)

    monkeypatch.setattr(filemodes.os, "chmod", refuse)
    filemodes.make_public(site)
    copy = site / "booklet.pdf"
    assert copy.read_bytes() == b"%PDF booklet" and stat.S_IMODE(copy.stat().st_mode) == 0o644
    assert not os.path.samefile(copy, cache) and stat.S_IMODE(cache.stat().st_mode) == 0o640
    assert [p.name for p in site.iterdir()] == ["booklet.pdf"]  # no temporary file left


# ---- photo names as clerks write them: every URL to a rendition resolves ----

PHOTO_NAMES = (
    "微信图片_20261205093012.jpg",
    "两农组织会议.jpg",
    "会议 照片(1).jpg",
    "会议（一）、照片.jpg",
    "a#b.jpg",
    "a?b.jpg",
    "a, b.jpg",
    "50%.jpg",
    "%E4%BC%9A.jpg",
    "a&b=c;d.jpg",
    'it\'s "ok".jpg',
    "+ [x] {z} @ ~ ^ `!`.jpg",
    ".hidden.jpg",
)


def _photo_entries(names: tuple[str, ...], indent: str) -> str:
    return "".join(
        f"{indent}- file: {json.dumps('photos/' + name, ensure_ascii=False)}\n{indent}  alt: 照片{i}\n{indent}  consent: true\n"
        for i, name in enumerate(names)
    )


def _photo_town(root: Path) -> Path:
    from conftest import PLAN_YML, REPO, TOWN_YML, Town, disclosure_md
    from tools_photo import jpeg

    town = Town(root)
    town.write("content/_town/town.yml", TOWN_YML)
    town.write("content/_town/plan.yml", PLAN_YML)
    town.write("content/_town/holidays.yml", (REPO / "content/_town/holidays.yml").read_text(encoding="utf-8"))
    town.write("content/_town/collections/ceshi.yml", COLLECTION)
    brand = (
        "brand:\n  name: 照片名\n  slogan: 口号\n  model: 美丽和谐型\n  batch: 一期\n  level: 镇级\n  idea: 理念\n"
        "  practices:\n    - title: 做法\n      text: 内容\n  results: 成效\n  photos:\n" + _photo_entries(PHOTO_NAMES, "    ")
    )
    town.add_org("taoyuan-cun", brand=brand)
    for i, name in enumerate(PHOTO_NAMES):
        town.write(f"organizations/taoyuan-cun/photos/{name}", jpeg((1000, 750), (i * 19 % 256, 120, 200 - i * 11)))
    town.write(
        "organizations/taoyuan-cun/disclosures/2026-11-02-huiyi.md",
        disclosure_md("志愿服务活动", extra="photos:\n" + _photo_entries(PHOTO_NAMES[:4], "  ")),
    )
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("overrides", "content/guide", "content/schema"):
        shutil.copytree(REPO / folder, root / folder)
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _photo_town(tmp_path_factory.mktemp("photo-names"))


class _Links(html.parser.HTMLParser):
    """Every URL of a page that can point at a photo: img/source src and srcset, a href."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (where, URL)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("img", "source") and "srcset" in values:
            for candidate in values["srcset"].split(","):  # the srcset grammar: a URL, whitespace, a descriptor
                parts = candidate.split()
                assert len(parts) == 2 and re.fullmatch(r"\d+w", parts[1]), f"broken srcset candidate: {candidate!r}"
                self.urls.append((f"{tag} srcset", parts[0]))
        if tag == "img":
            self.urls.append(("img src", values["src"]))
        if tag == "a" and "href" in values:
            self.urls.append(("a href", values["href"]))


def _photo_urls(site: Path) -> dict[str, list[tuple[str, str]]]:
    """Page -> (where, URL) of every URL on it that leads into photos/."""
    found: dict[str, list[tuple[str, str]]] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith("admin/"):
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "https://example.org/" + rel
        for where, url in parser.urls:
            if urlsplit(urljoin(base, url)).path.startswith("/photos/") or "photos/" in url:
                found.setdefault(rel, []).append((where, url))
    return found


def test_every_photo_url_resolves_to_a_file_of_the_site(photo_site: Path) -> None:
    urls = _photo_urls(photo_site)
    brand_page = next(page for page in urls if page.startswith("pinpai/taoyuan-cun/"))
    assert {where for where, _ in urls[brand_page]} == {"img src", "img srcset", "source srcset", "a href"}
    problems = []
    for page, found in urls.items():
        base = "https://example.org/" + page
        for where, url in found:
            parts = urlsplit(urljoin(base, url))
            target = photo_site / unquote(parts.path).lstrip("/")
            if parts.query or parts.fragment or not target.is_file() or any(c in url for c in " \"'<>#?,"):
                problems.append(f"{page} {where}: {url}")
    assert problems == []
    shown = {unquote(urlsplit(urljoin("https://example.org/" + brand_page, u)).path) for w, u in urls[brand_page] if w == "img src"}
    assert len(shown) == len(PHOTO_NAMES)  # one picture per photo, none lost to a clash of names
    assert (photo_site / "anli" / "ceshi.pdf").is_file()  # the booklet embeds them from the cache


def test_photo_urls_are_readable(photo_site: Path) -> None:
    """The rendition file names keep the Chinese of the clerk's name (percent-encoded in the URL)
    and turn what a URL or a srcset cannot carry into '-'."""
    names = sorted(p.name for p in (photo_site / "photos" / "taoyuan-cun").iterdir())
    for stem in ("微信图片_20261205093012", "两农组织会议", "会议-照片-1", "会议-一-照片", "a-b", "50", "E4-BC-9A", "it-s-ok", "hidden"):
        assert any(n.startswith(f"{stem}-") for n in names), (stem, names)
    assert all(re.fullmatch(r"[\w.-]+", n) and not n.startswith((".", "-")) for n in names), names
    page = (photo_site / "pinpai" / "taoyuan-cun" / "index.html").read_text(encoding="utf-8")
    assert quote("两农组织会议-") in page and "两农组织会议-" not in page  # in URLs the Chinese is percent-encoded


@pytest.fixture(scope="module")
def photo_server(photo_site: Path) -> Iterator[str]:
    from test_browser import serve

    yield from serve(photo_site)


def test_every_photo_loads_in_chromium(photo_server: str) -> None:
    from playwright.sync_api import sync_playwright
    from test_browser import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("未安装 Chromium（Debian: apt-get install chromium），跳过浏览器测试")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        failed: list[str] = []
        for width in (390, 1280):  # a phone and a desktop pick different srcset candidates
            page = browser.new_page(viewport={"width": width, "height": 844})
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.on("requestfailed", lambda r: failed.append(f"failed {r.url} {r.failure}"))
            for path in ("pinpai/taoyuan-cun/", "dangwu/taoyuan-cun/"):
                page.goto(photo_server + path)
                page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
                page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=15000)
                shown = page.evaluate("[...document.images].map(i => [i.currentSrc, i.naturalWidth])")
                assert len(shown) >= 4 and [s for s in shown if s[1] == 0] == [], path
                statuses = page.evaluate(
                    "Promise.all([...document.querySelectorAll('a.p365-zoom')].map(a => fetch(a.href)"
                    ".then(r => r.arrayBuffer().then(body => [a.href, r.status, body.byteLength]))))"
                )
                assert statuses and [s for s in statuses if s[1] != 200 or not s[2]] == [], path  # the full-size photos
            page.locator("a.p365-zoom").nth(2).click()  # the lightbox shows the full-size photo
            page.wait_for_function("() => document.querySelector('dialog.p365-lightbox img').complete")
            assert page.evaluate("document.querySelector('dialog.p365-lightbox img').naturalWidth") > 0
            assert failed == []
            page.close()
        browser.close()


def test_the_review_links_a_photo_by_its_encoded_url() -> None:
    """`party365 diff --format markdown` links the preview of a photo named by a clerk as a URL."""
    from generator.changes import Change, PhotoChange, PhotoState, render_markdown
    from generator.images import PhotoSet, Rendition

    photo = PhotoSet("ab" * 32, Path("会议 照片(1).jpg"), "a-cun", "会议 照片(1)", "", "", "")
    preview = photo.dest(Rendition(960, 720, "jpg", Path("x")))
    assert preview == "photos/a-cun/会议-照片-1-ababababab-960.jpg"
    change = Change(photos_added=[("a-cun", "photos/会议 照片(1).jpg")])
    change.photo_states[("a-cun", "photos/会议 照片(1).jpg")] = PhotoChange(
        "a-cun", "photos/会议 照片(1).jpg", None, PhotoState("k", preview)
    )
    markdown = render_markdown(change)
    assert f"- a-cun/photos/会议 照片\\(1\\).jpg [预览]({quote(preview)})\n" in markdown
