"""In a real browser (Debian's Chromium): no page type runs a script it should not, and the
Content-Security-Policy blocks nothing the site needs.

Two sites: the demo town, and a town whose every text field holds a script payload, built past
the validator (tests/hostile.py). On each page: zero dialogs, zero console errors, zero
`securitypolicyviolation` events, with the page's scripts exercised (map filters and routes,
the gallery lightbox, search); on the hostile town the payloads show as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hostile import BRAND_NAME, COLLECTION, NOTICE, ROUTE, SHORT, SITE_NAME
from test_browser import CHROMIUM, browser, serve  # noqa: F401  (the shared harness and its fixture)
from test_escape import hostile_site  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="未安装 Chromium（Debian: apt-get install chromium），跳过浏览器测试")

_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
}, true);
"""


@pytest.fixture(scope="module")
def demo_server(demo_site: Path) -> Iterator[str]:
    yield from serve(demo_site)


@pytest.fixture(scope="module")
def hostile_server(hostile_site: Path) -> Iterator[str]:  # noqa: F811
    yield from serve(hostile_site)


@dataclass
class Visit:
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors, page errors and CSP violations


def visit(browser: Any, url: str, action: Callable[[Any], None] | None = None) -> Visit:  # noqa: F811
    result = Visit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(_REPORT_VIOLATIONS)

    def on_dialog(dialog: Any) -> None:
        result.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if action is not None:
        action(page)
        page.wait_for_timeout(300)
    page.close()
    return result


def _map(page: Any) -> None:
    page.locator("input[name=bankuai]").first.uncheck()
    page.locator(".p365-route-button").first.click()
    page.locator("button[data-zoom='1.5']").click()
    assert page.locator("svg.p365-map.has-route").count() == 1  # the map's script ran


def _gallery(page: Any) -> None:
    page.locator(".p365-gallery a.p365-zoom").first.click()
    assert page.locator("dialog.p365-lightbox").is_visible()  # the site's script ran
    page.keyboard.press("Escape")


def _large_text(page: Any) -> None:
    page.get_by_role("button", name="放大字号").click()
    assert page.evaluate("document.documentElement.classList.contains('p365-large')")


def _search(query: str, expect: str | None = None) -> Callable[[Any], None]:
    def run(page: Any) -> None:
        page.get_by_role("button", name="搜索").click()  # the header's search button opens the dialog
        page.get_by_role("searchbox", name="关键词").fill(query)
        page.locator(".p365-search-results li").first.wait_for(timeout=20000)
        if expect is not None:  # titles and excerpts are shown as text, payload and all
            shown = page.locator(".p365-search-results").inner_text()
            assert expect in shown, shown

    return run


DEMO_PAGES = (
    ("", _large_text),
    ("dangwu/", None),
    ("dangwu/taoyuan-cun/", None),
    ("gongshi/", None),
    ("pinpai/", lambda p: p.select_option("select[name=level]", "区级示范点")),
    ("pinpai/taoyuan-cun/", _gallery),
    ("fengjingxian/", _map),
    ("anli/", None),
    ("anli/quji-shifandian/", None),
    ("jindu/", None),
    ("data/", None),
    ("guide/", None),
    ("404.html", None),
    ("", _search("桃源村")),
)


@pytest.mark.parametrize(("path", "action"), DEMO_PAGES, ids=[f"{p or 'home'}{'+' if a else ''}" for p, a in DEMO_PAGES])
def test_demo_pages_run_without_a_policy_violation(browser: Any, demo_server: str, path: str, action: Any) -> None:  # noqa: F811
    result = visit(browser, demo_server + path, action)
    assert result.dialogs == [] and result.errors == []


HOSTILE_PAGES = (
    ("", SITE_NAME, _large_text),
    ("dangwu/", "党务公开", None),
    ("dangwu/dongwan-cun/", SHORT, None),
    ("dangwu/dongwan-old/", SHORT, None),  # a redirect page: follows to the organization
    ("gongshi/", "公示", None),
    ("pinpai/", "党建品牌", None),
    ("pinpai/dongwan-cun/", BRAND_NAME, _gallery),
    ("fengjingxian/", "红色风景线", _map),
    ("anli/", "典型案例汇编", None),
    ("anli/huibian/", COLLECTION, None),
    ("jindu/", "工作进度", None),
    ("data/", "开放数据", None),
    ("guide/", None, None),
    ("404.html", None, None),
    ("", SITE_NAME, _search("东湾村党委", SHORT)),
    ("", SITE_NAME, _search("公示标题", NOTICE)),
    ("", SITE_NAME, _search("线路", ROUTE)),
)


@pytest.mark.parametrize(
    ("path", "h1", "action"), HOSTILE_PAGES, ids=[f"{p or 'home'}{'+' if a else ''}{i}" for i, (p, _, a) in enumerate(HOSTILE_PAGES)]
)
def test_payloads_in_every_field_never_run_and_show_as_text(
    browser: Any,  # noqa: F811
    hostile_server: str,
    path: str,
    h1: str | None,
    action: Any,
) -> None:
    result = Visit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(_REPORT_VIOLATIONS)
    page.on("dialog", lambda d: (result.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.goto(hostile_server + path)
    if path.endswith("-old/"):
        page.wait_for_url("**/dangwu/dongwan-cun/")
    page.wait_for_load_state("networkidle")
    if h1 is not None:
        assert page.locator("article h1").inner_text().rstrip("¶") == h1
    if path in ("", "dangwu/dongwan-cun/"):
        assert page.title().endswith(f" - {SITE_NAME}") or page.title() == f"首页 - {SITE_NAME}"
    if action is not None:
        action(page)
        page.wait_for_timeout(300)
    page.wait_for_timeout(200)
    page.close()
    assert result.dialogs == [] and result.errors == []
