"""Readers on phones and 适老化 (issue 15): every page type fits a phone in normal text, in the
site's large-text mode and at 320 px with the browser's text at 200%; key facts are never cut."""

from __future__ import annotations

import itertools

import pytest
import test_browser
from test_browser import browser, server  # noqa: F401  (the shared Playwright harness and its fixtures)

pytestmark = test_browser.pytestmark

# One page of every type the site has.
PAGE_TYPES = (
    "",  # home
    "dangwu/",  # organization index
    "dangwu/taoyuan-cun/",  # organization page
    "gongshi/",
    "pinpai/",  # brand index
    "pinpai/taoyuan-cun/",  # brand profile
    "fengjingxian/",  # map
    "anli/",
    "anli/quji-shifandian/",  # a collection
    "jindu/",  # dashboard
    "data/",
    "guide/",
    "404.html",
)

# (viewport width, large-text switch on, browser default font size in px: 16 is 100%, 32 is 200%)
MODES = {"390": (390, False, 16), "390-large": (390, True, 16), "320-200%": (320, False, 32)}


def open_page(browser, server: str, path: str, mode: str):  # noqa: F811
    width, large, font = MODES[mode]
    context = browser.new_context(viewport={"width": width, "height": 844})
    if large:
        context.add_init_script("try { localStorage.setItem('p365-large', '1') } catch (e) {}")
    page = context.new_page()
    if font != 16:
        # What a reader's "font size" setting does: the default font size, not a page zoom.
        context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": font, "fixed": font}})
    page.goto(server + path)
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.classList.contains('p365-large')") is large
    return page


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a); if (s.overflowX !== 'visible' || s.position === 'fixed') return true; } return false; };
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 0.5 && !inScroller(el) && !culprits.some(c => c[0].contains(el)))
      culprits.push([el, `${el.tagName.toLowerCase()}.${el.className} → ${Math.round(r.right)}px`]);
  }
  return {scroll: document.scrollingElement.scrollWidth, width: width, culprits: culprits.slice(0, 5).map(c => c[1])};
}"""


# A <time> drawn on more than one line (a date split across lines).
SPLIT_DATES = """() => [...document.querySelectorAll('.md-content time')]
  .filter(t => t.getClientRects().length > 1 || (t.getClientRects().length === 1 &&
               t.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(t).lineHeight || '0')))
  .map(t => t.textContent)"""

# The second row of a table shown as cards: its display, and the header its second cell shows before it.
CARD_ROW = """() => { const tr = document.querySelectorAll('table.p365-cards tr')[1];
  return tr ? {display: getComputedStyle(tr).display, label: getComputedStyle(tr.querySelectorAll('td')[1], '::before').content} : null; }"""


@pytest.fixture(scope="module")
def measured(browser, server: str):  # noqa: F811
    """Every page type opened once per mode, measured for the tests below: {mode: {path: facts}}."""
    found: dict[str, dict[str, dict]] = {}

    def measure(mode: str) -> dict[str, dict]:
        if mode not in found:
            found[mode] = {}
            for path in PAGE_TYPES:
                page = open_page(browser, server, path, mode)
                found[mode][path] = {
                    "overflow": page.evaluate(OVERFLOW),
                    "split": page.evaluate(SPLIT_DATES),
                    "cards": page.evaluate(CARD_ROW),
                }
                page.context.close()
        return found[mode]

    return measure


@pytest.mark.parametrize("mode", MODES)
def test_no_page_type_scrolls_sideways(measured, mode: str) -> None:
    wide = {path or "/": f["overflow"] for path, f in measured(mode).items() if f["overflow"]["scroll"] > f["overflow"]["width"]}
    assert wide == {}


@pytest.mark.parametrize("mode", MODES)
def test_contact_card_phone_and_address_are_never_cut(browser, server: str, mode: str) -> None:  # noqa: F811
    page = open_page(browser, server, "dangwu/taoyuan-cun/", mode)
    facts = page.evaluate("""() => [...document.querySelectorAll('.p365-facts dd')].map(dd => {
      const r = dd.getBoundingClientRect();
      return {text: dd.textContent, right: r.right, left: r.left, clipped: dd.scrollWidth > dd.clientWidth + 1,
              width: document.documentElement.clientWidth};
    })""")
    assert any(f["text"].startswith("0519-") for f in facts)  # the office phone is there
    for f in facts:
        assert f["left"] >= 0 and f["right"] <= f["width"] and not f["clipped"], f
    lines = page.locator(".p365-facts a[href^='tel:']").evaluate(
        "a => [...a.getClientRects()].map(r => [r.left, r.right, document.documentElement.clientWidth])"
    )
    assert all(left >= 0 and right <= width for left, right, width in lines), lines
    if mode != "320-200%":
        assert len(lines) == 1  # on a phone in either text mode the number is on one line
    page.context.close()


@pytest.mark.parametrize("mode", MODES)
def test_back_to_top_button_stays_on_one_line(browser, server: str, mode: str) -> None:  # noqa: F811
    page = open_page(browser, server, "dangwu/taoyuan-cun/", mode)
    button = page.locator("button.md-top")
    button.evaluate("b => { b.hidden = false; b.classList.remove('md-top--hidden'); }")  # as after scrolling back up
    box = button.evaluate("""b => { const r = b.getBoundingClientRect(); const s = getComputedStyle(b);
      return {height: r.height, line: parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.6,
              padding: parseFloat(s.paddingTop) + parseFloat(s.paddingBottom), left: r.left, right: r.right,
              width: document.documentElement.clientWidth, text: b.textContent.trim()}; }""")
    assert box["text"] == "回到页面顶部"
    assert box["height"] - box["padding"] < 1.5 * box["line"], box  # one line of text
    assert box["left"] >= 0 and box["right"] <= box["width"], box
    page.context.close()


TABLE_PAGES = {
    "gongshi/": "table.p365-archive",
    "jindu/": "table.p365-tasks, table.p365-orgtable",
    "dangwu/huayuan-shequ/": "table.p365-vote",
}


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_the_sites_own_tables_are_styled_like_materials(browser, server: str, path: str) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + path)
    tables = page.locator(TABLE_PAGES[path])
    assert tables.count() >= 1
    for i in range(tables.count()):
        style = tables.nth(i).evaluate("""t => { const th = t.querySelector('th'), td = t.querySelector('td');
          const s = getComputedStyle(th), d = getComputedStyle(td);
          return {align: s.textAlign, th_border: s.borderBottomWidth, td_border: d.borderTopWidth, padding: parseFloat(d.paddingLeft),
                  table_border: getComputedStyle(t).borderTopWidth}; }""")
        assert style["align"] in ("left", "start"), style  # not centred
        assert style["th_border"] != "0px" and style["td_border"] != "0px" and style["table_border"] != "0px", style
        assert style["padding"] >= 8, style  # "91 2 3" no more: cells have room
    for wrap in page.locator(".p365-table-wrap").all():  # a scrolling table is a named, focusable region
        assert wrap.get_attribute("role") == "region" and wrap.get_attribute("aria-label") and wrap.get_attribute("tabindex") == "0"
    page.close()


@pytest.mark.parametrize("mode", ["390", "390-large"])
def test_tables_become_cards_on_a_phone_and_no_date_is_split(measured, mode: str) -> None:
    pages = measured(mode)
    for path in ("gongshi/", "jindu/"):
        cards = pages[path]["cards"]
        assert cards is not None and cards["display"] == "block", (path, cards)  # one card per row
        assert cards["label"].startswith('"'), (path, cards)  # with its header
    split = {path or "/": f["split"][:3] for path, f in pages.items() if f["split"]}
    assert split == {}


def _structure(html: str) -> tuple[list[int], list[str], list[str]]:
    """Heading levels in the article, every id on the page, and the ids of the article's h2/h3."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.levels: list[int] = []
            self.ids: list[str] = []
            self.heading_ids: list[str] = []
            self.in_article = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if a.get("id"):
                self.ids.append(a["id"] or "")
            if tag == "article" and "md-content__inner" in (a.get("class") or ""):
                self.in_article = True
            if self.in_article and len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
                self.levels.append(int(tag[1]))
                if tag in ("h2", "h3") and a.get("id"):
                    self.heading_ids.append(a["id"] or "")

    parser = Parser()
    parser.feed(html)
    return parser.levels, parser.ids, parser.heading_ids


STRUCTURE_PAGES = (*PAGE_TYPES, "dangwu/chunhui-shequ/", "pinpai/huayuan-shequ/")


@pytest.mark.parametrize("path", STRUCTURE_PAGES)
def test_headings_do_not_skip_levels_and_ids_are_unique_and_stable(demo_site, path: str) -> None:
    import re
    from collections import Counter

    file = demo_site / (path if path.endswith(".html") else path + "index.html")
    levels, ids, heading_ids = _structure(file.read_text(encoding="utf-8"))
    assert levels and levels[0] == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == [], skips  # e.g. an h4 notice title straight after an h2
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    # Anchors come from slugs, not from counts or positions (/gongshi/#79, #_2 change as the data changes).
    assert [i for i in heading_ids if re.fullmatch(r"_?\d+", i)] == []


def test_every_guide_heading_has_its_own_anchor_in_the_source() -> None:
    """The guide is hand-written: Markdown gives a Chinese heading a counter id (_1, _2 …) that moves
    when a section is added, so each heading names its anchor ({#slug}), kept when the text is reworded."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "content/guide/index.md").read_text(encoding="utf-8")
    source = re.sub(r"^```.*?^```", "", source, flags=re.M | re.S)  # not the examples in code blocks
    headings = re.findall(r"^ *#{1,6} .*$", source, flags=re.M)
    assert len(headings) >= 20
    missing = [h for h in headings if not re.search(r"\{#[a-z][a-z0-9-]*\}$", h)]
    assert missing == []
    ids = [re.search(r"\{#([a-z0-9-]+)\}$", h).group(1) for h in headings]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids))


def test_notices_of_different_organizations_keep_distinct_ids_on_the_notice_page(demo_site) -> None:
    html = (demo_site / "gongshi/index.html").read_text(encoding="utf-8")
    import re

    ids = re.findall(r'<article class="p365-notice[^"]*" id="([^"]+)"', html)
    assert ids and all("--" in i for i in ids)  # org slug, then the notice's own file stem
    assert len(ids) == len(set(ids))


def test_the_ten_wall_sections_are_in_the_organization_pages_table_of_contents(demo_site) -> None:
    import re

    from generator.schema import SHIQIANG

    html = (demo_site / "dangwu/taoyuan-cun/index.html").read_text(encoding="utf-8")
    toc = html[html.index("md-nav--secondary") :]
    toc = toc[: toc.index("</nav>")]
    names = [re.sub(r"\s+", "", n) for n in re.findall(r'href="#shiqiang-\d+"[^>]*>\s*<span class="md-ellipsis">([^<]+)</span>', toc)]
    assert names == list(SHIQIANG)  # taoyuan-cun (a village) has all ten, in the plan's order


def _home_on(browser, server: str, day: str):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.clock.set_fixed_time(f"{day}T09:00:00+08:00")
    page.goto(server)
    shown = page.locator("ul.p365-live-list li:visible")
    ends = [li.get_attribute("data-end") for li in shown.all()]
    labels = [li.locator(".p365-countdown").inner_text() for li in shown.all()]
    count = int(page.locator(".p365-live-count").inner_text())
    page.close()
    return ends, labels, count


def test_home_page_open_notices_are_true_on_the_day_it_is_read(browser, server: str, demo_site) -> None:  # noqa: F811
    import re

    html = (demo_site / "index.html").read_text(encoding="utf-8")
    built = int(re.search(r'class="p365-live-count"[^>]*>(\d+)<', html).group(1))  # type: ignore[union-attr]
    ends, labels, count = _home_on(browser, server, "2026-11-26")  # the demo's build day
    assert count == built and len(ends) == 5 and "已结束" not in labels
    ends, labels, count = _home_on(browser, server, "2026-11-30")  # read four days later
    assert ends and all(end >= "2026-11-30" for end in ends), ends
    assert len(ends) == 5 and "已结束" not in labels  # later notices took the ended ones' places
    assert count < built  # "N 条公示正在进行" counts only what still runs


def test_notes_and_collapsible_lists_are_in_the_site_red(browser, server: str) -> None:  # noqa: F811
    """往年公开 and 分类列表 were Material's blue note boxes with a pencil icon."""
    page = open_page(browser, server, "dangwu/dongwan-cun/", "390")
    colours = page.evaluate(
        """() => { const d = document.querySelector('details.p365-year');
        const s = d.querySelector('summary');
        return [getComputedStyle(d).borderTopColor, getComputedStyle(s, '::before').backgroundColor]; }"""
    )
    assert colours == ["rgb(200, 16, 46)", "rgb(200, 16, 46)"], colours
    page.context.close()


def test_search_dialog_fits_a_phone_in_large_text(browser, server: str) -> None:  # noqa: F811
    """The 板块 select stuck out of the dialog with 大字 on at 390 px."""
    page = open_page(browser, server, "dangwu/dongwan-cun/", "390-large")
    page.keyboard.press("/")
    page.wait_for_selector("dialog.p365-search[open]")
    overflow = page.evaluate(
        """() => { const d = document.querySelector('dialog.p365-search'); const s = getComputedStyle(d);
        const edge = d.getBoundingClientRect().right - parseFloat(s.paddingRight);
        return [...d.querySelectorAll('select, input')].map((e) => e.getBoundingClientRect().right - edge).filter((x) => x > 0.5); }"""
    )
    assert overflow == []
    page.context.close()
