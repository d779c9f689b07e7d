"""红色风景线: the schematic SVG, its lists, and what a reader can do with it."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from generator.svgmap import (
    NOMINAL_S,
    BaseMap,
    Label,
    MapLine,
    MapPlace,
    MapPoint,
    MapRoute,
    _Box,
    draw,
    place_labels,
    place_name,
    smooth_path,
)

GOLDEN = Path(__file__).parent / "golden"


def _synthetic(n: int) -> list[MapPoint]:
    rng = random.Random(7)
    kinds = ["机关事业单位党组织板块", "村（社区）党组织板块", "企业党组织板块"]
    return [
        MapPoint(f"org-{i}", f"组织{i}号", 31.70 + rng.random() * 0.16, 119.90 + rng.random() * 0.2, rng.choice(kinds),
                 rng.choice(["一期", "二期", ""]), "区级示范点" if i < 3 else "镇级", f"../pinpai/org-{i}/")
        for i in range(n)
    ]  # fmt: skip


def test_demo_map_matches_the_golden_svg(demo_site: Path) -> None:
    page = (demo_site / "fengjingxian/index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg class=\"p365-map\".*?</svg>", page, re.DOTALL).group()
    golden = GOLDEN / "fengjingxian.svg"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(svg + "\n", encoding="utf-8")
    assert svg + "\n" == golden.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 and review the diff"


def test_demo_map_shows_demonstration_sites_and_routes(demo_site: Path) -> None:
    page = (demo_site / "fengjingxian/index.html").read_text(encoding="utf-8")
    assert page.count('class="star"') == 3
    assert len(re.findall(r'<path class="route (solid|dash)" data-route=', page)) == 2
    assert "春江精品示范带" in page and "滨江红色风景线" in page
    assert "<line" not in page and "boundary" not in page  # never an administrative boundary


def test_every_link_on_the_map_page_resolves_and_has_a_name(demo_site: Path) -> None:
    page = (demo_site / "fengjingxian/index.html").read_text(encoding="utf-8")
    body = page.split('<div class="p365-map-page"', 1)[1]
    links = re.findall(r"<a ([^>]*)>(.*?)</a>", body, re.DOTALL)
    assert len(links) > 90
    for attrs, inner in links:
        href = re.search(r'href="([^"]+)"', attrs).group(1)
        if href.startswith(("http", "#", "mailto:", "tel:")):
            continue
        target = (demo_site / "fengjingxian" / href.split("#")[0]).resolve()
        assert (target / "index.html").is_file() or target.is_file(), href
        label = re.search(r'aria-label="([^"]+)"', attrs)
        text = re.sub(r"<[^>]+>", "", inner).strip()
        assert (label and label.group(1).strip()) or text, attrs


def test_route_stops_are_listed_in_order(demo_site: Path) -> None:
    page = (demo_site / "fengjingxian/index.html").read_text(encoding="utf-8")
    listing = re.search(r'<ol class="p365-stops" data-route="([^"]+)">(.*?)</ol>', page, re.DOTALL)
    names = re.findall(r'<a href="[^"]+">([^<]+)</a>', listing.group(2))
    assert names[0] == "梨花村党总支" and names[-1] == "红达机械党支部" and len(names) == 7


def test_geojson_has_points_and_routes(demo_site: Path) -> None:
    geo = json.loads((demo_site / "data/organizations.geojson").read_text(encoding="utf-8"))
    kinds = [f["geometry"]["type"] for f in geo["features"]]
    assert kinds.count("Point") == 90 and kinds.count("LineString") == 2


def test_smooth_path_passes_through_every_stop() -> None:
    stops = [(0.0, 0.0), (100.0, 50.0), (200.0, 0.0)]
    path = smooth_path(stops)
    assert path.startswith("M0 0C") and path.count("C") == 2
    assert " 100 50C" in path and path.endswith(" 200 0")


def test_labels_never_overlap() -> None:
    rng = random.Random(3)
    labels = [Label(f"k{i}", rng.uniform(0, 1000), rng.uniform(0, 800), rng.uniform(40, 120), 20, 1 + i % 4) for i in range(200)]
    k = 1.5
    placed = place_labels(labels, [(lb.x, lb.y) for lb in labels], k, 1000, 800)
    boxes = [_Box(lb.x * k + placed[lb.key][0], lb.y * k + placed[lb.key][1], 0, 0) for lb in labels if lb.key in placed]
    boxes = [_Box(b.x0, b.y0, b.x0 + lb.w, b.y0 + lb.h) for b, lb in zip(boxes, [lb for lb in labels if lb.key in placed], strict=True)]
    assert len(boxes) > 50
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert all(b.x0 >= 0 and b.x1 <= 1000 * k and b.y0 >= 0 and b.y1 <= 800 * k for b in boxes)


def test_a_route_stop_always_keeps_its_label_even_in_a_crowd() -> None:
    labels = [Label(f"s{i}", 500 + i, 400, 100, 20, 0) for i in range(12)]  # twelve stops within 12 map units
    placed = place_labels(labels, [(lb.x, lb.y) for lb in labels], 0.36, 1000, 800)
    assert set(placed) == {lb.key for lb in labels}
    assert any(ring > 0 for _, _, ring in placed.values())  # pushed out on rings, with a leader line


BASE = BaseMap(
    rivers=(MapLine("春江", ((31.70, 119.90), (31.80, 120.00), (31.86, 120.10))),),
    roads=(MapLine("人民路", ((31.79, 119.95), (31.79, 120.05))),),
    centre=MapPlace("测试镇区", 31.79, 120.0, 1000),
    landmarks=(MapPlace("春江大桥", 31.80, 120.0),),
)


def test_the_base_layer_is_drawn_under_the_points_with_its_names() -> None:
    points = _synthetic(20)
    svg = draw(points, [], "图", BASE)
    base = svg.split('<g class="basemap" aria-hidden="true">', 1)[1].split('</g>\n<g class="routes">', 1)[0]
    assert base.count('class="river"') == 1 and base.count('class="road"') == 1 and base.count('class="centre"') == 1
    assert base.count('class="landmark"') == 1 and "<a " not in base
    for name in ("春江", "人民路", "测试镇区", "春江大桥"):
        assert f">{name}</text>" in svg
    assert svg.index('class="basemap"') < svg.index('class="routes"') < svg.index('class="points"')
    assert "<line" not in svg and "polygon" not in svg  # lines and one soft disc: nothing that could read as a boundary


def test_stops_are_numbered_in_route_order_and_routes_differ_without_colour() -> None:
    points = _synthetic(30)
    one = MapRoute("a", "甲线", "#C8102E", tuple(p.slug for p in points[3:8]))
    two = MapRoute("b", "乙线", "#C8102E", (points[7].slug, points[12].slug, points[13].slug))  # the same colour on purpose
    svg = draw(points, [one, two], "图")
    assert 'class="route solid"' in svg and 'class="route dash"' in svg
    for route in (one, two):
        for no, slug in enumerate(route.stops, 1):
            label = re.search(rf'<g class="label stop[^"]*" data-for="{slug}".*?</g></g></g>', svg).group()
            assert f">{no}</text>" in label and f">{place_name(next(p.name for p in points if p.slug == slug))}</text>" in label
            assert "is-off" not in label.split(">", 1)[0]
    shared = re.search(rf'<g class="label stop[^"]*" data-for="{points[7].slug}".*?</g></g></g>', svg).group()
    assert "<circle" in shared and "<rect" in shared  # route 1's badge is round, route 2's square
    assert "甲线第 5 站，乙线第 1 站" in svg  # the point's accessible name says it too


def test_symbols_and_labels_are_sized_in_css_pixels() -> None:
    svg = draw(_synthetic(10), [], "图", BASE)
    assert svg.count('<g class="sym">') >= 10 + 1
    assert re.search(r'<circle class="hit" r="(\d+)"/>', svg).group(1) == "13"  # 26 CSS px across at every zoom
    assert NOMINAL_S > 1


def test_place_names_drop_the_party_body() -> None:
    assert place_name("梨花村党总支") == "梨花村"
    assert place_name("镇政务服务中心党支部") == "镇政务服务中心"
    assert place_name("金桥物流联合党支部") == "金桥物流"
    assert place_name("党委") == "党委"


def test_a_thousand_organizations_stay_under_300_kb() -> None:
    points = _synthetic(1000)
    svg = draw(points, [MapRoute("r", "线路", "#C8102E", tuple(p.slug for p in points[:10]))], "示意图")
    assert len(svg.encode()) < 300 * 1024
    assert svg.count("<a ") == 1000


def test_escaped_names_and_ids() -> None:
    point = MapPoint("a", '<script>alert("x")</script>', 31.8, 120.0, "企业党组织板块", "一期", "区级示范点", "../pinpai/a/")
    svg = draw([point, point.__class__("b", "乙", 31.81, 120.01, "企业党组织板块", "", "", "../dangwu/b/")], [], "图")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_map_page_in_the_site_is_linked_from_the_nav(demo_site: Path) -> None:
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="fengjingxian/"' in home
