"""The 红色风景线 map as a phone reader and a keyboard user meet it (Chromium at 390 px): labels
at least 12 CSS px at every zoom, 24×24 tap targets, every route stop labelled with its number,
one tab stop with arrow keys between points, Enter opens the profile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import CHROMIUM, browser, serve  # noqa: F401  (the shared harness and its fixture)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="未安装 Chromium，跳过浏览器测试")

PHONE = {"width": 390, "height": 844}

# Every shown label's font size in CSS px (font-size times the screen scale of its text), and its
# text; labels hidden for lack of room (display: none) are not measured.
LABELS = """() => [...document.querySelectorAll('svg.p365-map .labels text')].filter(t => t.getClientRects().length).map(t => {
  const m = t.getScreenCTM();
  return [parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b), t.textContent, t.getBoundingClientRect().height];
})"""


@pytest.fixture(scope="module")
def server(demo_site: Path) -> Iterator[str]:
    yield from serve(demo_site)


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[Any]:  # noqa: F811
    page = browser.new_page(viewport=PHONE)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(server + "fengjingxian/")
    page.wait_for_load_state("networkidle")
    yield page
    assert problems == []
    page.close()


def _zoom_in(page: Any) -> None:
    page.get_by_role("button", name="放大示意图").click()


def test_labels_are_at_least_12_px_at_every_zoom_level(phone: Any) -> None:
    seen = set()
    for level in range(5):  # full view, then four steps in (1.5× each)
        labels = phone.evaluate(LABELS)
        assert len(labels) >= 11, level
        smallest = min(size for size, _, _ in labels)
        assert smallest >= 12, (level, sorted(labels)[:3])
        assert min(h for _, _, h in labels) >= 12, level
        seen.update(text for _, text, _ in labels)
        _zoom_in(phone)
    assert phone.locator("svg.p365-map.is-zoomed").count() == 1
    assert {"春江", "春江镇区"} <= seen  # the base layer's names show too


def test_labels_do_not_collide_at_any_zoom_level(phone: Any) -> None:
    boxes_js = """() => [...document.querySelectorAll('svg.p365-map .labels .label:not(.stop) .body')]
      .filter(b => b.getClientRects().length).map(b => { const r = b.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    for _ in range(3):
        boxes = phone.evaluate(boxes_js)
        overlaps = [
            (a, b)
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
        ]
        assert boxes and overlaps == []
        _zoom_in(phone)


def test_every_point_is_a_24_px_tap_target(phone: Any) -> None:
    for _ in range(2):
        sizes = phone.evaluate(
            """() => [...document.querySelectorAll('svg.p365-map .points a')].map(a => {
              const r = a.getBoundingClientRect(); return [r.width, r.height]; })"""
        )
        assert len(sizes) == 90
        assert min(min(w, h) for w, h in sizes) >= 24, min(sizes)
        _zoom_in(phone)


def test_every_route_stop_is_labelled_with_its_number(phone: Any) -> None:
    routes = phone.evaluate("() => [...document.querySelectorAll('svg.p365-map .route')].map(r => r.getAttribute('data-stops').split(' '))")
    assert [len(r) for r in routes] == [7, 5]
    for level in range(3):
        for r, stops in enumerate(routes):
            for no, slug in enumerate(stops, 1):
                label = phone.locator(f"svg.p365-map .label.stop[data-for='{slug}']")
                assert label.is_visible(), (level, slug)
                numbers = label.locator(".badge text").all_text_contents()
                assert str(no) in numbers, (slug, numbers)
                badge = label.locator(".badge").nth(
                    phone.evaluate(
                        "([s, r]) => [...document.querySelectorAll('svg.p365-map .route')].slice(0, r).filter(x => x.getAttribute('data-stops').split(' ').includes(s)).length",
                        [slug, r],
                    )
                )
                assert badge.locator("text").text_content() == str(no)
                box = label.locator(".body").bounding_box()
                assert box is not None and box["height"] >= 12
        names = phone.evaluate(LABELS)
        assert {"梨花村", "镇政务服务中心", "镇卫生院", "滨江社区", "红达机械", "东湾村"} <= {t for _, t, _ in names}
        _zoom_in(phone)


def test_routes_differ_without_colour(phone: Any) -> None:
    dashes = phone.evaluate("() => [...document.querySelectorAll('svg.p365-map .route')].map(r => getComputedStyle(r).strokeDasharray)")
    assert len(set(dashes)) == 2, dashes
    shapes = phone.evaluate(
        "() => [...document.querySelectorAll(\"svg.p365-map .label.stop[data-for='binjiang-shequ'] .badge\")].map(b => b.firstElementChild.tagName)"
    )
    assert shapes == ["circle", "rect"]


def test_the_map_is_one_tab_stop_and_arrows_move_between_points(phone: Any) -> None:
    phone.get_by_role("button", name="复位").focus()
    phone.keyboard.press("Tab")
    first = phone.evaluate("document.activeElement.getAttribute('data-slug')")
    assert first == "lihua-cun"  # the first stop of the first route
    assert phone.evaluate("document.querySelectorAll('svg.p365-map [tabindex=\"0\"]').length") == 1
    assert "梨花村党总支" in phone.locator("#p365-map-status").inner_text()  # announced (aria-live)
    assert phone.locator("#p365-map-status").get_attribute("aria-live") == "polite"
    visited = [first]
    for key in ("ArrowRight", "ArrowUp", "ArrowRight", "ArrowDown", "ArrowLeft"):
        phone.keyboard.press(key)
        visited.append(phone.evaluate("document.activeElement.getAttribute('data-slug')"))
    assert all(visited) and len(set(visited)) >= 4, visited
    assert phone.evaluate("document.querySelectorAll('svg.p365-map [tabindex=\"0\"]').length") == 1
    slug = visited[-1]
    assert phone.evaluate("document.activeElement.getAttribute('tabindex')") == "0"
    assert (
        phone.evaluate("document.activeElement.querySelector('title').textContent").split("（")[0]
        in phone.locator("#p365-map-status").inner_text()
    )
    phone.keyboard.press("Tab")  # one Tab leaves the map
    assert phone.evaluate("document.activeElement.closest('svg') === null")
    phone.keyboard.press("Shift+Tab")  # and comes back to the point last visited
    assert phone.evaluate("document.activeElement.getAttribute('data-slug')") == slug


def test_plus_minus_zoom_and_shift_arrows_pan(phone: Any) -> None:
    phone.get_by_role("button", name="复位").focus()
    phone.keyboard.press("Tab")
    view = "document.querySelector('svg.p365-map').getAttribute('viewBox')"
    full = phone.evaluate(view)
    phone.keyboard.press("+")
    zoomed = phone.evaluate(view)
    assert float(zoomed.split()[2]) < float(full.split()[2])
    phone.keyboard.press("Shift+ArrowRight")
    panned = phone.evaluate(view)
    assert float(panned.split()[0]) > float(zoomed.split()[0])
    phone.keyboard.press("-")
    phone.keyboard.press("0")
    assert phone.evaluate(view) == full
    assert phone.evaluate("document.activeElement.getAttribute('data-slug')") == "lihua-cun"  # focus stays on the point


def test_enter_opens_the_profile(phone: Any) -> None:
    phone.get_by_role("button", name="复位").focus()
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/pinpai/lihua-cun/**")
    assert phone.locator("h1").inner_text().rstrip("¶") == "梨乡共富"


def test_without_javascript_every_point_is_listed(browser: Any, server: str) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(server + "fengjingxian/")
    listed = page.locator("#quanbu ~ div details li a, details li a").count()
    assert listed >= 90
    assert page.locator("ol.p365-stops li").count() == 12
    assert page.locator(".p365-basemap-note").inner_text().startswith("底图：河流 春江")
    context.close()
