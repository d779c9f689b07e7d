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
