"""A reader in a real browser: Debian's Chromium driven by Playwright, on the demo site."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from search import QuietServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="未安装 Chromium（Debian: apt-get install chromium），跳过浏览器测试")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(site: Path) -> Iterator[str]:
    """Serve a built site on loopback for the length of a fixture; yields its base URL.
    The one harness of the browser tests (with `browser` below)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(demo_site: Path) -> Iterator[str]:
    yield from serve(demo_site)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def test_search_a_village_and_open_its_page(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server)
    page.wait_for_load_state("networkidle")
    assert "春江镇" in page.title()
    assert not any("/pagefind/" in url for url in requests)  # not before the reader searches
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("searchbox", name="关键词").fill("桃源村")
    result = page.locator(".p365-search-results a[href*='dangwu/taoyuan-cun/']").first
    result.wait_for(timeout=15000)
    result.click()
    page.wait_for_url("**/dangwu/taoyuan-cun/**")
    assert page.locator("h1").inner_text().rstrip("¶") == "桃源村党委"
    assert problems == []
    page.close()


def test_large_text_switch_is_remembered(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server)
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="放大字号").click()
    page.goto(server + "gongshi/")
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after >= before * 1.35
    assert page.get_by_role("button", name="恢复标准字号").get_attribute("aria-pressed") == "true"
    page.close()


def test_brand_filter_works(browser, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "pinpai/")
    page.select_option("select[name=level]", "区级示范点")
    assert page.locator(".p365-brand-card:visible").count() == 3
    assert page.locator(".p365-count").inner_text() == "共 3 个"
    page.close()


def test_brand_profile_above_the_fold_images_stay_small(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sizes: dict[str, int] = {}

    def record(response) -> None:
        if response.request.resource_type == "image" and "/photos/" in response.url:
            sizes[response.url] = len(response.body())

    page.on("response", record)
    page.goto(server + "pinpai/taoyuan-cun/")
    page.wait_for_load_state("networkidle")
    assert sizes, "the hero photo was not loaded"
    assert all(url.endswith(".webp") for url in sizes)  # Chromium takes the WebP source
    assert sum(sizes.values()) <= 300 * 1024, sizes
    page.close()


def test_gallery_opens_a_lightbox_and_closes_with_escape(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "pinpai/taoyuan-cun/")
    page.locator(".p365-gallery a.p365-zoom").first.click()
    dialog = page.locator("dialog.p365-lightbox")
    assert dialog.is_visible()
    assert dialog.locator("img").get_attribute("alt")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    page.close()


def test_click_a_point_on_the_map_and_land_on_the_brand_profile(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "fengjingxian/")
    page.locator("svg.p365-map a[data-slug='taoyuan-cun']").click()
    page.wait_for_url("**/pinpai/taoyuan-cun/**")
    assert page.locator("h1").inner_text().rstrip("¶") == "桃源先锋·幸福365"
    page.close()


def test_route_list_is_reachable_by_keyboard(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "fengjingxian/")
    first = page.locator("ol.p365-stops a").first
    first.focus()
    names = []
    for _ in range(7):
        names.append(page.evaluate("document.activeElement.textContent"))
        page.keyboard.press("Tab")
    assert names[0] == "梨花村党总支" and names[-1] == "红达机械党支部"
    page.close()


def test_map_filters_and_route_highlight(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "fengjingxian/")
    page.locator("input[name=bankuai][value='k3']").uncheck()  # 企业党组织板块
    assert page.locator("svg.p365-map a.k3:visible").count() == 0
    assert page.locator("svg.p365-map a.k2:visible").count() > 0
    page.get_by_role("button", name="春江精品示范带").click()
    assert page.locator("svg.p365-map.has-route").count() == 1
    assert page.locator("svg.p365-map a.on-route").count() == 7
    page.get_by_role("button", name="放大示意图").click()
    assert page.locator("svg.p365-map.is-zoomed").count() == 1
    page.close()


def test_guide_screenshots_script_captures_the_real_pages(browser, demo_site: Path, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from screenshots import SHOTS, take

    files = take(demo_site, tmp_path, browser)
    assert [f.name for f in files] == [name for name, *_ in SHOTS]
    assert all(f.stat().st_size > 10_000 for f in files)
    guide = (Path(__file__).resolve().parents[1] / "content/guide/index.md").read_text(encoding="utf-8")
    assert all(f"img/{name}" in guide for name, *_ in SHOTS)


def test_focus_is_always_visible_and_filters_work_by_keyboard(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "fengjingxian/")
    page.locator("h1").click()
    for _ in range(40):  # a keyboard user tabs into the filters
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "k2":
            break
    outline = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth"
    )
    assert outline.split()[0] != "none" and outline.split()[1] != "0px", outline
    page.keyboard.press("Space")  # uncheck 村（社区）
    assert page.locator("svg.p365-map a.k2:visible").count() == 0
    page.get_by_role("button", name="滨江红色风景线").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="滨江红色风景线").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Tab")  # on to the next control, by keyboard
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none"
    page.close()


# ------------------------------------------------------------------ notices read days after the build


@pytest.fixture(scope="module")
def upcoming_server(upcoming_site: Path) -> Iterator[str]:
    """The site town with two notices that start after its build day (2026-11-26): 民主评议公示丁
    from 2026-11-28 (taoyuan-cun, beside an open notice), 优秀党员公示戊 from 2026-12-01 (xinhe-shequ,
    its only notice)."""
    yield from serve(upcoming_site)


# Where a notice stands as the reader sees it: the id of the last visible h2 before it, and its countdown.
_PLACE = """(title) => {
  const el = [...document.querySelectorAll('article.p365-notice, ul.p365-list li')]
    .find((e) => e.querySelector('h3, a') && e.querySelector('h3, a').textContent.trim() === title && e.checkVisibility());
  if (!el) return null;
  let heading = null;
  for (const h of document.querySelectorAll('h2')) {
    if (h.checkVisibility() && (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) heading = h.id;
  }
  return [heading, el.querySelector('.p365-countdown').textContent];
}"""


def _read_on(browser, server: str, path: str, day: str, titles: tuple[str, ...]) -> dict[str, object]:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.clock.set_fixed_time(f"{day}T09:00:00+08:00")
    page.goto(server + path)
    found: dict[str, object] = {t: page.evaluate(_PLACE, t) for t in titles}
    headings = page.evaluate("[...document.querySelectorAll('h2')].filter((h) => h.checkVisibility()).map((h) => h.textContent)")
    found["headings"] = [h.rstrip("¶") for h in headings if "公示" in h]
    found["none-open"] = page.locator(".p365-none-open:visible").count()
    if path == "":
        found["count"] = int(page.locator(".p365-live-count").inner_text())
    page.close()
    assert problems == []
    return found


D, E = "民主评议公示丁", "优秀党员公示戊"  # start 2026-11-28 and 2026-12-01
OPEN = ("发展党员公示甲", "优秀党员公示丙")  # 11-23 to 11-30, 11-20 to 11-26


def test_a_notice_that_has_not_started_is_never_under_open_notices(browser, upcoming_server: str) -> None:
    """Built on 2026-11-26 and read that day and the day after: 即将开始, "将于 M月D日 开始公示", not counted."""
    for day in ("2026-11-26", "2026-11-27"):
        home = _read_on(browser, upcoming_server, "", day, (D, E))
        assert home[D] == ["jijiang", "将于 11月28日 开始公示"] and home[E] == ["jijiang", "将于 12月1日 开始公示"]
        assert home["count"] == (2 if day == "2026-11-26" else 1)  # 丙 ends on the 26th; 丁 and 戊 are not counted
        notices = _read_on(browser, upcoming_server, "gongshi/", day, (D, E, *OPEN))
        assert notices[D] == ["jijiang", "将于 11月28日 开始公示"] and notices[E] == ["jijiang", "将于 12月1日 开始公示"]
        assert notices["发展党员公示甲"][0] == "zhengzai"  # type: ignore[index]
        assert notices["headings"] == ["正在公示（2 条）", "即将开始的公示（2 条）", "往期公示（1 条）"]
        org = _read_on(browser, upcoming_server, "dangwu/taoyuan-cun/", day, (D, "发展党员公示甲"))
        assert org[D] == ["jijiang", "将于 11月28日 开始公示"] and org["发展党员公示甲"][0] == "zhengzai"  # type: ignore[index]
        only = _read_on(browser, upcoming_server, "dangwu/xinhe-shequ/", day, (E,))
        assert only[E] == ["jijiang", "将于 12月1日 开始公示"] and only["none-open"] == 1


def test_a_notice_joins_the_open_ones_on_the_day_it_starts(browser, upcoming_server: str) -> None:
    """Read on 2026-11-29, three days after the build: 丁 (from 11-28) is open everywhere, 戊 still upcoming."""
    home = _read_on(browser, upcoming_server, "", "2026-11-29", (D, E))
    assert home[D] == ["zhengzai", "剩余 6 天"] and home[E] == ["jijiang", "将于 12月1日 开始公示"]
    assert home["count"] == 2  # 甲 and 丁
    notices = _read_on(browser, upcoming_server, "gongshi/", "2026-11-29", (D, E))
    assert notices[D] == ["zhengzai", "剩余 6 天"] and notices[E] == ["jijiang", "将于 12月1日 开始公示"]
    assert notices["headings"] == ["正在公示（3 条）", "即将开始的公示（1 条）", "往期公示（1 条）"]
    org = _read_on(browser, upcoming_server, "dangwu/taoyuan-cun/", "2026-11-29", (D,))
    assert org[D] == ["zhengzai", "剩余 6 天"] and org["headings"] == ["正在公示", "往期公示"]  # 即将开始 is empty: hidden
    # On 12-02 戊 has started too: no 即将开始 section anywhere, and its organization's page no longer says none is open.
    only = _read_on(browser, upcoming_server, "dangwu/xinhe-shequ/", "2026-12-02", (E,))
    assert only[E] == ["zhengzai", "剩余 6 天"] and only["none-open"] == 0 and only["headings"] == ["正在公示"]
    home = _read_on(browser, upcoming_server, "", "2026-12-02", (D, E))
    assert home[D] == ["zhengzai", "剩余 3 天"] and home[E] == ["zhengzai", "剩余 6 天"] and home["count"] == 2
    assert "即将开始的公示" not in home["headings"]


def test_a_notice_of_another_year_says_the_year(browser, upcoming_server: str) -> None:
    home = _read_on(browser, upcoming_server, "", "2025-12-20", (D,))
    assert home[D] == ["jijiang", "将于 2026年11月28日 开始公示"]


def test_the_time_rule_is_the_same_in_python_and_in_the_browser(browser, server: str) -> None:
    """Every notice of the demo on every day of a year around the demo's date: the phase and the
    countdown text the build writes (publication.period_phase, templating.countdown_text) are
    what party365.js writes when the page is read that day."""
    import datetime as dt

    from generator.project import find_root
    from generator.publication import period_phase
    from generator.templating import countdown_text
    from generator.validate import validate

    root = find_root(Path(__file__).resolve().parents[1])
    assert root is not None
    town = validate(root, dt.date(2026, 11, 26)).dataset
    periods = sorted({(i.model.start, i.model.end) for e in town.valid.orgs.values() for i in e.notices})
    assert len(periods) >= 10
    days = [dt.date(2026, 6, 1) + dt.timedelta(days=n) for n in range(366)]
    cases = [(s.isoformat(), e.isoformat(), d.isoformat()) for s, e in periods for d in days]
    page = browser.new_page()
    page.goto(server + "gongshi/")
    found = page.evaluate(
        "cases => cases.map(([s, e, d]) => [window.p365Time.phase(s, e, d), window.p365Time.countdownText(s, e, d)])", cases
    )
    page.close()
    expected = [[period_phase(s, e, d), countdown_text(s, e, d)] for s, e in periods for d in days]
    differ = [(case, got, want) for case, got, want in zip(cases, found, expected, strict=True) if got != want]
    assert differ == [], differ[:5]
