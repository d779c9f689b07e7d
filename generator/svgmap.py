"""The 红色风景线: a schematic SVG of the town's organizations and routes, drawn at build time.

Coordinates in, SVG out; no I/O. The base layer is what the town draws in its own data (rivers,
main roads, the town centre, landmarks: routes.yml `basemap:`), never a boundary line: a
schematic needs no approved base map (审图号), a drawn boundary would. Shapes as well as colours
tell the 板块 apart, filled or hollow tells the batch, a star marks a 区级示范点; routes differ by
dash pattern and by the shape of their numbered stop badges, not only by colour.

Symbols and labels are sized in CSS pixels, not in map units: each sits in a `<g class="sym">`
that the stylesheet scales by `--s` (map units per CSS pixel). Without JavaScript `--s` is
NOMINAL_S and the labels are placed here; the page's script sets `--s` at every zoom level and
places the labels again (party365.js, `setupMap`), with the same rules as `place_labels`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

WIDTH = 1000
PAD = 40
# Sizes in CSS px (inside a `.sym` group). A point is a 12 px symbol on a 26 px round hit area
# (WCAG 2.2 2.5.8 asks 24); labels are 14 px text in 20 px boxes.
POINT_R = 6
HIT_R = 13
LABEL_SIZE = 14
LABEL_H = 20
BADGE = 22  # a numbered stop badge's box
GAP = 9  # from a point's centre to its label
RING = 16  # each further ring of candidate spots (with a leader line) for labels that must show
RINGS = 8
NOMINAL_S = 1.4  # map units per CSS px without JavaScript (a map about 700 px wide)
METRES_PER_DEGREE = 111_320
ROUTE_DASHES = ("solid", "dash", "dot")  # by route order; the stylesheet draws them
BADGE_SHAPES = ("circle", "square", "diamond")

# 板块 -> (css class, colour, shape). Colours have at least 3:1 contrast on white (WCAG 1.4.11).
BANKUAI_STYLE: dict[str, tuple[str, str, str]] = {
    "机关事业单位党组织板块": ("k1", "#1f5fa8", "square"),
    "村（社区）党组织板块": ("k2", "#2e7d32", "circle"),
    "企业党组织板块": ("k3", "#a14d00", "diamond"),
}


@dataclass(frozen=True)
class MapPoint:
    slug: str
    name: str
    lat: float
    lon: float
    bankuai: str
    batch: str  # "一期" | "二期" | "" (no brand)
    level: str  # "区级示范点" | "镇级" | ""
    href: str


@dataclass(frozen=True)
class MapRoute:
    id: str
    name: str
    color: str
    stops: tuple[str, ...]


@dataclass(frozen=True)
class MapLine:
    name: str
    line: tuple[tuple[float, float], ...]  # (lat, lon)


@dataclass(frozen=True)
class MapPlace:
    name: str
    lat: float
    lon: float
    radius: float = 0.0  # metres; the town centre only


@dataclass(frozen=True)
class BaseMap:
    """The town's own base layer: never a boundary (rules/basemap.py refuses one)."""

    rivers: tuple[MapLine, ...] = ()
    roads: tuple[MapLine, ...] = ()
    centre: MapPlace | None = None
    landmarks: tuple[MapPlace, ...] = ()


@dataclass(frozen=True)
class Projection:
    """Equirectangular around the middle latitude: distances look right at town scale."""

    west: float
    north: float
    scale: float
    kx: float
    height: int

    @classmethod
    def fit(cls, points: Sequence[MapPoint], extra: Sequence[tuple[float, float]] = ()) -> Projection:
        lats = [p.lat for p in points] + [lat for lat, _ in extra] or [0.0]
        lons = [p.lon for p in points] + [lon for _, lon in extra] or [0.0]
        kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = max((max(lons) - min(lons)) * kx, 1e-4)
        span_y = max(max(lats) - min(lats), 1e-4)
        scale = (WIDTH - 2 * PAD) / span_x
        height = round(min(span_y * scale, 1.2 * WIDTH) + 2 * PAD)
        scale = min(scale, (height - 2 * PAD) / span_y)
        return cls(min(lons), max(lats), scale, kx, height)

    def xy(self, point: MapPoint) -> tuple[float, float]:
        return self.at(point.lat, point.lon)

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        return (PAD + (lon - self.west) * self.kx * self.scale, PAD + (self.north - lat) * self.scale)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _marker(x: float, y: float, shape: str, r: float) -> str:
    if shape == "square":
        return f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{_num(2 * r)}" height="{_num(2 * r)}"/>'
    if shape == "diamond":
        d = r * 1.3
        return f'<path d="M{_num(x)} {_num(y - d)}L{_num(x + d)} {_num(y)}L{_num(x)} {_num(y + d)}L{_num(x - d)} {_num(y)}Z"/>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"/>'


def _star(x: float, y: float, r: float) -> str:
    corners = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        corners.append(f"{_num(x + radius * math.cos(angle))} {_num(y - radius * math.sin(angle))}")
    return f'<path class="star" d="M{"L".join(corners)}Z"/>'


def smooth_path(xy: Sequence[tuple[float, float]]) -> str:
    """A smooth line through every stop: Catmull-Rom turned into cubic Bézier segments."""
    if len(xy) < 2:
        return ""
    parts = [f"M{_num(xy[0][0])} {_num(xy[0][1])}"]
    for i in range(len(xy) - 1):
        p0 = xy[i - 1] if i > 0 else xy[i]
        p1, p2 = xy[i], xy[i + 1]
        p3 = xy[i + 2] if i + 2 < len(xy) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        parts.append(f"C{_num(c1[0])} {_num(c1[1])} {_num(c2[0])} {_num(c2[1])} {_num(p2[0])} {_num(p2[1])}")
    return "".join(parts)


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E7F else size * 0.55 for ch in text)


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> bool:
        return not (self.x1 <= other.x0 or other.x1 <= self.x0 or self.y1 <= other.y0 or other.y1 <= self.y0)

    def overlap_area(self, other: _Box) -> float:
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0)) * max(0.0, min(self.y1, other.y1) - max(self.y0, other.y0))


@dataclass(frozen=True)
class Label:
    """One label: `key` names it, (x, y) is its anchor in map units, (w, h) its box in CSS px.
    Rank 0 must show (route stops: pushed out on rings with a leader line when crowded); the
    others show when they fit, lower ranks first. On a line (rivers, roads) a label sits centred
    on one of the line's `anchors` instead of beside its point."""

    key: str
    x: float
    y: float
    w: float
    h: float
    rank: int
    anchors: tuple[tuple[float, float], ...] = ()


def candidates(w: float, h: float, ring: int) -> list[tuple[float, float]]:
    """Top-left corners (CSS px, relative to the point) of the eight spots around a point,
    right first; ring n is n*RING px further out. party365.js has the same list."""
    g = GAP + ring * RING
    return [(g, -h / 2), (-g - w, -h / 2), (-w / 2, -g - h), (-w / 2, g), (g * 0.7, -g * 0.7 - h), (-g * 0.7 - w, -g * 0.7 - h),
            (g * 0.7, g * 0.7), (-g * 0.7 - w, g * 0.7)]  # fmt: skip


def place_labels(
    labels: Sequence[Label],
    obstacles: Sequence[tuple[float, float]],
    k: float,
    width: float,
    height: float,
) -> dict[str, tuple[float, float, int]]:
    """Greedy placement at one zoom level, `k` CSS px per map unit: by rank, each label takes the
    first spot that overlaps no placed label or point symbol and stays on the canvas. Returns
    key -> (dx, dy, ring) in CSS px from its anchor (the chosen line anchor for line labels:
    then ring is -1 - the anchor's index). A rank-0 label that finds no free spot takes its
    least crowded one anyway: a route stop is never left unlabelled."""
    symbols = [_Box(x * k - POINT_R, y * k - POINT_R, x * k + POINT_R, y * k + POINT_R) for x, y in obstacles]
    stops = [(label.x, label.y) for label in labels if label.rank == 0]
    placed = [_Box(x * k - POINT_R, y * k - POINT_R, x * k + POINT_R, y * k + POINT_R) for x, y in stops]
    result: dict[str, tuple[float, float, int]] = {}
    limit = _Box(0, 0, width * k, height * k)
    added = False
    for label in sorted(labels, key=lambda item: item.rank):
        if label.rank > 2 and not added:  # ranks 0-2 avoid the stops; roads and other points every point
            placed += symbols
            added = True
        spots: list[tuple[float, float, float, float, int]] = []
        if label.anchors:
            spots = [(ax * k, ay * k, -label.w / 2, -label.h / 2, -1 - i) for i, (ax, ay) in enumerate(label.anchors)]
        else:
            for ring in range(RINGS if label.rank == 0 else 1):
                spots += [(label.x * k, label.y * k, dx, dy, ring) for dx, dy in candidates(label.w, label.h, ring)]
        least, fallback = math.inf, None
        for px, py, dx, dy, ring in spots:
            box = _Box(px + dx, py + dy, px + dx + label.w, py + dy + label.h)
            if box.x0 < limit.x0 or box.y0 < limit.y0 or box.x1 > limit.x1 or box.y1 > limit.y1:
                continue
            overlap = sum(box.overlap_area(other) for other in placed)
            if overlap == 0:
                placed.append(box)
                result[label.key] = (dx, dy, ring)
                break
            if overlap < least:
                least, fallback = overlap, (box, (dx, dy, ring))
        else:
            if label.rank == 0 and fallback is not None:  # never unlabelled: the least crowded spot
                placed.append(fallback[0])
                result[label.key] = fallback[1]
    return result


_KIND_SUFFIX = re.compile(r"(联合)?(党委|党总支|党支部|支部)$")


def place_name(name: str) -> str:
    """The map label of an organization: its short name without the party body (梨花村党总支 -> 梨花村)."""
    return _KIND_SUFFIX.sub("", name) or name


def _point_label(point: MapPoint, stops: Sequence[tuple[MapRoute, int]] = ()) -> str:
    """The link's accessible name (its SVG <title>): name, 板块, batch, level, and its place on the routes."""
    facts = [point.bankuai.replace("党组织", "")]
    if point.batch:
        facts.append(f"{point.batch}品牌")
    if point.level == "区级示范点":
        facts.append("区级示范点")
    on_routes = "".join(f"，{route.name}第 {no} 站" for route, no in stops)
    return f"{point.name}（{'·'.join(facts)}）{on_routes}"


def _anchors(xy: Sequence[tuple[float, float]], width: float, height: float) -> tuple[tuple[float, float], ...]:
    """Spots along a line (from the middle of its length inside the canvas outwards) for its name."""
    inside = [p for p in xy if PAD / 2 <= p[0] <= width - PAD / 2 and PAD / 2 <= p[1] <= height - PAD / 2] or list(xy)
    lengths = [math.dist(a, b) for a, b in pairwise(inside)]
    total = sum(lengths)
    if total == 0:
        return ((inside[0][0], inside[0][1]),)
    spots = []
    for share in (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9):
        left = total * share
        for (a, b), length in zip(pairwise(inside), lengths, strict=True):
            if left <= length and length > 0:
                t = left / length
                spots.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
                break
            left -= length
    return tuple(spots)


def _polyline(xy: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in xy)


def _badge(shape: str, color: str, no: int, cx: float) -> str:
    r = BADGE / 2 - 1.5
    if shape == "square":
        frame = f'<rect x="{_num(cx - r)}" y="{_num(LABEL_H / 2 - r)}" width="{_num(2 * r)}" height="{_num(2 * r)}" rx="3"/>'
    elif shape == "diamond":
        d = r * 1.15
        c = LABEL_H / 2
        frame = f'<path d="M{_num(cx)} {_num(c - d)}L{_num(cx + d)} {_num(c)}L{_num(cx)} {_num(c + d)}L{_num(cx - d)} {_num(c)}Z"/>'
    else:
        frame = f'<circle cx="{_num(cx)}" cy="{_num(LABEL_H / 2)}" r="{_num(r)}"/>'
    return f'<g class="badge" stroke="{escape(color)}">{frame}<text class="no" x="{_num(cx)}" y="{_num(LABEL_H / 2 + 4.5)}">{no}</text></g>'


def draw(points: Sequence[MapPoint], routes: Sequence[MapRoute], title: str, basemap: BaseMap | None = None) -> str:
    """The whole map as one inline SVG element."""
    base = basemap or BaseMap()
    points = sorted(points, key=lambda p: (p.level == "区级示范点", p.slug))
    extra = [(m.lat, m.lon) for m in base.landmarks] + ([(base.centre.lat, base.centre.lon)] if base.centre else [])
    proj = Projection.fit(points, extra)
    height = proj.height
    by_slug = {p.slug: p for p in points}
    xy = {p.slug: proj.xy(p) for p in points}
    out = [
        f'<svg class="p365-map" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-labelledby="p365-map-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="p365-map-title">{escape(title)}</title>',
        '<g class="basemap" aria-hidden="true">',
    ]
    labels: list[tuple[Label, str, str]] = []  # (label, css classes, body)

    def text_label(key: str, css: str, name: str, x: float, y: float, rank: int, anchors: tuple[tuple[float, float], ...] = ()) -> None:
        w = _text_width(name, LABEL_SIZE) + 4
        body = f'<text x="2" y="15">{escape(name)}</text>'
        labels.append((Label(key, x, y, w, LABEL_H, rank, anchors), css, body))

    if base.centre is not None:
        cx, cy = proj.at(base.centre.lat, base.centre.lon)
        r = base.centre.radius / METRES_PER_DEGREE * proj.scale
        out.append(f'<circle class="centre" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}"/>')
        around = ((cx, cy), (cx, cy - r * 0.7), (cx, cy + r * 0.7), (cx - r * 0.6, cy), (cx + r * 0.6, cy), (cx, cy - r), (cx, cy + r))
        text_label("centre", "base centre", base.centre.name, cx, cy, 1, around)
    for kind, lines in (("river", base.rivers), ("road", base.roads)):
        for i, feature in enumerate(lines):
            line_xy = [proj.at(lat, lon) for lat, lon in feature.line]
            d = _polyline(line_xy)
            if kind == "road":
                out.append(f'<path class="road-casing" d="{d}" vector-effect="non-scaling-stroke"/>')
            out.append(f'<path class="{kind}" d="{d}" vector-effect="non-scaling-stroke"/>')
            rank = 2 if kind == "river" else 3
            text_label(f"{kind}-{i}", f"base {kind}", feature.name, *line_xy[0], rank, _anchors(line_xy, WIDTH, height))
    for i, mark in enumerate(base.landmarks):
        x, y = proj.at(mark.lat, mark.lon)
        symbol = '<g class="sym"><rect x="-4" y="-4" width="8" height="8"/></g>'
        out.append(f'<g class="landmark" transform="translate({_num(x)} {_num(y)})">{symbol}</g>')
        text_label(f"landmark-{i}", "base landmark", mark.name, x, y, 2)
    out.append("</g>")

    out.append('<g class="routes">')
    stops_of: dict[str, list[tuple[int, MapRoute, int]]] = {}
    for r, route in enumerate(routes):
        stops = [s for s in route.stops if s in by_slug]
        for no, slug in enumerate(stops, 1):
            stops_of.setdefault(slug, []).append((r, route, no))
        path = smooth_path([xy[s] for s in stops])
        out.append(
            f'<path class="route {ROUTE_DASHES[r % len(ROUTE_DASHES)]}" data-route="{escape(route.id)}" data-stops="{" ".join(stops)}" '
            f'd="{path}" stroke="{escape(route.color)}" vector-effect="non-scaling-stroke"><title>{escape(route.name)}</title></path>'
        )
    out.append("</g>")
    out.append('<g class="points">')
    for p in points:
        css, _, shape = BANKUAI_STYLE[p.bankuai]
        x, y = xy[p.slug]
        classes = [css, "b1" if p.batch == "一期" else "b2" if p.batch == "二期" else "b0"]
        if p.level == "区级示范点":
            classes.append("demo")
        on = stops_of.get(p.slug, [])
        if on:
            classes.append("stop")
        marker = _star(0, 0, POINT_R * 2) if p.level == "区级示范点" else _marker(0, 0, shape, POINT_R)
        title = escape(_point_label(p, [(route, no) for _, route, no in on]))
        # The <title> names the link for screen readers and shows on hover. Without JavaScript the
        # points stay out of the tab order (the lists below reach every one); the script makes the
        # map one tab stop with arrow keys between points (roving tabindex).
        out.append(
            f'<a href="{escape(p.href)}" class="{" ".join(classes)}" data-slug="{p.slug}" data-name="{escape(place_name(p.name))}" '
            f'transform="translate({_num(x)} {_num(y)})" '
            f'tabindex="-1"><title>{title}</title><g class="sym"><circle class="hit" r="{HIT_R}"/>{marker}</g></a>'
        )
        name = place_name(p.name)
        if on:
            badges = "".join(
                _badge(BADGE_SHAPES[r % len(BADGE_SHAPES)], route.color, no, BADGE / 2 + i * BADGE) for i, (r, route, no) in enumerate(on)
            )
            left = len(on) * BADGE + 3
            body = f'{badges}<text x="{left}" y="15">{escape(name)}</text>'
            labels.append((Label(p.slug, x, y, left + _text_width(name, LABEL_SIZE) + 2, LABEL_H, 0), "stop", body))
        elif p.level == "区级示范点":
            text_label(p.slug, "point", name, x, y, 1)
        # Other points get their label from the script (data-name), where they fit at the zoom level.
    out.append("</g>")

    k = 1 / NOMINAL_S
    spots = place_labels([label for label, _, _ in labels], list(xy.values()), k, WIDTH, height)
    out.append('<g class="labels" aria-hidden="true">')
    for label, css, body in labels:
        dx, dy, ring = spots.get(label.key, (0.0, 0.0, 0))
        ax, ay = label.anchors[-1 - ring] if label.anchors and ring < 0 else (label.x, label.y)
        leader = ""
        if ring > 0:
            lx, ly = min(max(0.0, dx), dx + label.w), min(max(0.0, dy), dy + label.h)
            leader = f"M0 0L{_num(lx)} {_num(ly)}"
        off = "" if label.key in spots else " is-off"
        anchors = " ".join(f"{_num(x)} {_num(y)}" for x, y in label.anchors)
        extra_attrs = f' data-anchors="{anchors}"' if anchors else ""
        out.append(
            f'<g class="label {css}{off}" data-for="{escape(label.key)}" data-rank="{label.rank}"{extra_attrs} '
            f'transform="translate({_num(ax)} {_num(ay)})"><g class="sym"><path class="leader" d="{leader}"/>'
            f'<g class="body" transform="translate({_num(dx)} {_num(dy)})">{body}</g></g></g>'
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _route_sample(index: int, color: str) -> str:
    dash = ROUTE_DASHES[index % len(ROUTE_DASHES)]
    shape = BADGE_SHAPES[index % len(BADGE_SHAPES)]
    badge = _badge(shape, color, 1, 60)
    return (
        f'<svg class="p365-route-sample" viewBox="0 0 72 20" width="72" height="20" aria-hidden="true">'
        f'<path class="route {dash}" d="M2 10H48" stroke="{escape(color)}"/>{badge}</svg>'
    )


def legend(routes: Sequence[MapRoute], basemap: BaseMap | None = None) -> str:
    """The legend as HTML (readable by everyone, printable, no SVG text to hunt for)."""
    items = []
    for bankuai, (css, color, shape) in BANKUAI_STYLE.items():
        icon = {"square": "■", "circle": "●", "diamond": "◆"}[shape]
        items.append(f'<li><span class="p365-key {css}" style="color:{color}" aria-hidden="true">{icon}</span>{escape(bankuai)}</li>')
    key = '<span class="p365-key" aria-hidden="true">{}</span>'
    items.append(f"<li>{key.format('●')}实心：一期党建品牌　{key.format('○')}空心：二期党建品牌　{key.format('◌')}虚线：暂无品牌</li>")
    items.append('<li><span class="p365-key p365-key-star" aria-hidden="true">★</span>区级示范点</li>')
    line_names = {"solid": "实线", "dash": "长虚线", "dot": "点线"}
    badge_names = {"circle": "圆圈", "square": "方框", "diamond": "菱形"}
    for i, route in enumerate(routes):
        how = f"{line_names[ROUTE_DASHES[i % len(ROUTE_DASHES)]]}，站点按顺序编号（{badge_names[BADGE_SHAPES[i % len(BADGE_SHAPES)]]}）"
        items.append(f"<li>{_route_sample(i, route.color)}{escape(route.name)}：{how}</li>")
    out = '<ul class="p365-legend">' + "".join(items) + "</ul>"
    if basemap is not None:
        parts = []
        if basemap.rivers:
            parts.append("河流 " + "、".join(escape(r.name) for r in basemap.rivers))
        if basemap.roads:
            parts.append("主要道路 " + "、".join(escape(r.name) for r in basemap.roads))
        if basemap.centre is not None:
            parts.append("镇区 " + escape(basemap.centre.name))
        if basemap.landmarks:
            parts.append("地标 " + "、".join(escape(m.name) for m in basemap.landmarks))
        if parts:
            out += f'<p class="p365-basemap-note">底图：{"；".join(parts)}。位置是示意，不是测绘地图，不含行政区划界线。</p>'
    return out
