"""红色风景线: the schematic SVG, its lists, and what a reader can do with it."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from generator.svgmap import MapPoint, MapRoute, _Box, _text_width, draw, place_labels, smooth_path

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
    assert page.count('class="route"') == 2
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
    items = [(f"k{i}", f"组织{i}号", rng.uniform(0, 1000), rng.uniform(0, 800)) for i in range(300)]
    placed = place_labels(items, [], 1000, 800)
    boxes = []
    for key, (x, y, anchor) in placed.items():
        w = _text_width(dict((k, t) for k, t, _, _ in items)[key], 20)
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        boxes.append(_Box(left, y - 20, left + w, y + 3))
    assert len(boxes) > 50
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


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
