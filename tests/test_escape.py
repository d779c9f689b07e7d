"""Every string from data reaches every output escaped exactly once: the theme's slots (title,
header, description, Open Graph, site name, footer), the headings, search entries, the feed and
the prints. The town holds a script payload in every text field and is built past the validator."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hostile import (
    BRAND_NAME,
    COLLECTION,
    DISCLOSURE,
    FULL,
    NOTICE,
    ROUTE,
    SHORT,
    SITE_NAME,
    build_past_the_validator,
    make_hostile_town,
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("hostile")
    make_hostile_town(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        build_past_the_validator(root, root / "site", monkeypatch)
    yield root / "site"


class _Reader(HTMLParser):
    """What a browser shows: the text of <title>, each <h1> and the header topic, and the
    <meta> tags, with character references decoded (HTMLParser decodes them as a browser does)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.title = ""
        self.h1: list[str] = []
        self.meta: dict[str, str] = {}
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.links: list[str] = []  # href or src with a script scheme, as the browser decodes them

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        self.links += [v for n, v in attrs if n in ("href", "src", "action") and v and re.match(r"\s*(javascript|vbscript|data):", v, re.I)]
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property") or ""] = a.get("content") or ""
        if tag == "h1":
            self.h1.append("")
        if tag not in ("meta", "link", "br", "img", "input", "source", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "title" in self.stack and "svg" not in self.stack:
            self.title += data
        if "h1" in self.stack and "a" not in self.stack:
            self.h1[-1] += data


def _read(site: Path, page: str) -> _Reader:
    reader = _Reader()
    reader.feed((site / page).read_text(encoding="utf-8"))
    return reader


PAGES = {  # page: (its title, its h1, its description)
    "index.html": ("首页", SITE_NAME, None),
    "dangwu/dongwan-cun/index.html": (f"{SHORT} 党务公开", SHORT, f"{FULL}的党务公开和公示"),
    "pinpai/dongwan-cun/index.html": (BRAND_NAME, BRAND_NAME, None),
    "anli/huibian/index.html": (COLLECTION, COLLECTION, None),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_title_meta_and_open_graph_show_the_text_once_escaped(hostile_site: Path, page: str) -> None:
    title, h1, description = PAGES[page]
    reader = _read(hostile_site, page)
    assert reader.title == f"{title} - {SITE_NAME}"
    assert reader.meta["og:title"] == (SITE_NAME if page == "index.html" else f"{title} - {SITE_NAME}")
    assert reader.meta["og:site_name"] == SITE_NAME
    if description:
        assert reader.meta["description"] == reader.meta["og:description"] == description
    assert reader.h1 == [h1]  # shown as written: "&" as "&", the payload as text
    head = reader.tags[: reader.tags.index("body")]
    assert not {"svg", "img", "a", "iframe", "object", "base"} & set(head)  # nothing broke out in the head
    plain = _read(hostile_site, "data/index.html").tags  # a page without data in its head: the theme's own scripts
    assert head.count("script") == plain[: plain.index("body")].count("script")
    assert reader.handlers == []


def test_header_nav_and_footer_hold_the_text(hostile_site: Path) -> None:
    page = (hostile_site / "dangwu/dongwan-cun/index.html").read_text(encoding="utf-8")
    topics = re.findall(r'<div class="md-header__topic"[^>]*>\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', page, re.DOTALL)
    assert [html.unescape(t) for t in topics] == [SITE_NAME, f"{SHORT} 党务公开"]
    footer = page[page.index('<footer class="md-footer p365-footer">') :]
    assert "<svg" not in footer and "<img" not in footer
    assert html.escape(SITE_NAME, quote=False) in footer


def test_no_payload_is_markup_on_any_page(hostile_site: Path) -> None:
    """Whatever the slot, no payload survives as a tag, a handler or a script link."""
    raw = re.compile(r"<(svg|img)/|<script>alert|<a href=javascript|</title/|</textarea>", re.IGNORECASE)
    for path in sorted(hostile_site.rglob("*.html")):
        reader = _read(hostile_site, str(path.relative_to(hostile_site)))
        assert reader.handlers == [] and reader.links == [], path
        assert not raw.search(path.read_text(encoding="utf-8")), path


def test_search_bundle_holds_the_text_as_written(hostile_site: Path) -> None:
    """Pagefind indexes the text a reader sees (payloads as text); the search dialog inserts titles
    and metadata as text and keeps only <mark> from excerpts (tests/test_csp_browser.py)."""
    from test_search import bundle_text

    text = html.unescape(bundle_text(hostile_site))
    for shown in (SHORT, BRAND_NAME, DISCLOSURE, ROUTE):
        assert shown in text, shown


def test_headings_are_escaped_once(hostile_site: Path) -> None:
    page = (hostile_site / "dangwu/dongwan-cun/index.html").read_text(encoding="utf-8")
    assert "&amp;amp;" not in page and "&amp;lt;" not in page
    assert "东湾村党委&amp;&lt;svg/onload=alert(1)&gt;" in page


def test_feed_is_well_formed_and_holds_the_text(hostile_site: Path, tmp_path: Path) -> None:
    feed = ElementTree.fromstring((hostile_site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:title", namespaces=ns) == f"{SITE_NAME}：党务公开和公示"
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert f"{SHORT}：{DISCLOSURE}" in titles and f"【公示】{SHORT}：{NOTICE}" in titles
    assert f"{SHORT}：控制字符标题" in titles


def test_feed_drops_characters_xml_cannot_hold() -> None:
    from generator.site.exports import _text

    attribute, text = _text('x\x1b\x00"<&y'), _text("x\x0b</t>&")
    element = ElementTree.fromstring('<t a="' + attribute + '">' + text + "</t>")  # well-formed
    assert element.get("a") == 'x"<&y' and element.text == "x</t>&"


def test_prints_escape_once(tmp_path: Path) -> None:
    from hostile import PRACTICE

    from generator import printing
    from generator.images import PhotoReport
    from generator.validate import validate

    root = tmp_path / "town"
    root.mkdir()
    make_hostile_town(root)
    ds = validate(root).dataset
    booklet = printing.booklet_html(ds, "huibian", PhotoReport(), demo=True)
    board = printing.board_html(ds, "dongwan-cun")
    for text, expected in ((booklet, COLLECTION), (booklet, PRACTICE), (board, SHORT)):
        assert html.escape(expected, quote=False) in text or html.escape(expected) in text
        assert "&amp;amp;" not in text and "<svg/" not in text and "<img/" not in text
