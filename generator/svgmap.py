"""The 红色风景线: a schematic SVG of the town's organizations and routes, drawn at build time.

Coordinates in, SVG out; no I/O. There is no base map and never a boundary line: a schematic
of points needs no approved base map (审图号), a drawn boundary would. Shapes as well as
colours tell the 板块 apart, filled or hollow tells the batch, a star marks a 区级示范点.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 1000
PAD = 40
POINT_R = 7
LABEL_SIZE = 20

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
class Projection:
    """Equirectangular around the middle latitude: distances look right at town scale."""

    west: float
    north: float
    scale: float
    kx: float
    height: int

    @classmethod
    def fit(cls, points: Sequence[MapPoint]) -> Projection:
        lats = [p.lat for p in points] or [0.0]
        lons = [p.lon for p in points] or [0.0]
        kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = max((max(lons) - min(lons)) * kx, 1e-4)
        span_y = max(max(lats) - min(lats), 1e-4)
        scale = (WIDTH - 2 * PAD) / span_x
        height = round(min(span_y * scale, 1.2 * WIDTH) + 2 * PAD)
        scale = min(scale, (height - 2 * PAD) / span_y)
        return cls(min(lons), max(lats), scale, kx, height)

    def xy(self, point: MapPoint) -> tuple[float, float]:
        return (PAD + (point.lon - self.west) * self.kx * self.scale, PAD + (self.north - point.lat) * self.scale)


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


def place_labels(
    items: Sequence[tuple[str, str, float, float]],
    obstacles: Sequence[tuple[float, float]],
    width: float,
    height: float,
    size: float = LABEL_SIZE,
) -> dict[str, tuple[float, float, str]]:
    """Greedy label placement: each label tries eight spots around its point and takes the first
    that overlaps no placed label, no marker and stays on the canvas; otherwise it is left out
    (the list beside the map names every stop anyway). Items are (key, text, x, y); returns
    key -> (x, y, anchor)."""
    placed: list[_Box] = [_Box(x - POINT_R, y - POINT_R, x + POINT_R, y + POINT_R) for x, y in obstacles]
    result: dict[str, tuple[float, float, str]] = {}
    gap = POINT_R + 3
    for key, text, x, y in items:
        w = _text_width(text, size)
        candidates = (
            (x + gap, y + size * 0.35, "start"),
            (x - gap, y + size * 0.35, "end"),
            (x, y - gap, "middle"),
            (x, y + gap + size * 0.8, "middle"),
            (x + gap, y - gap, "start"),
            (x - gap, y - gap, "end"),
            (x + gap, y + gap + size * 0.6, "start"),
            (x - gap, y + gap + size * 0.6, "end"),
        )
        for tx, ty, anchor in candidates:
            left = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            box = _Box(left - 2, ty - size, left + w + 2, ty + 3)
            if box.x0 < 0 or box.x1 > width or box.y0 < 0 or box.y1 > height:
                continue
            if any(box.overlaps(other) for other in placed):
                continue
            placed.append(box)
            result[key] = (tx, ty, anchor)
            break
    return result


def _point_label(point: MapPoint) -> str:
    """The link's accessible name (its SVG <title>): name, 板块, batch, level."""
    facts = [point.bankuai.replace("党组织", "")]
    if point.batch:
        facts.append(f"{point.batch}品牌")
    if point.level == "区级示范点":
        facts.append("区级示范点")
    return f"{point.name}（{'·'.join(facts)}）"


def draw(points: Sequence[MapPoint], routes: Sequence[MapRoute], title: str) -> str:
    """The whole map as one inline SVG element."""
    points = sorted(points, key=lambda p: (p.level == "区级示范点", p.slug))
    proj = Projection.fit(points)
    height = proj.height
    by_slug = {p.slug: p for p in points}
    xy = {p.slug: proj.xy(p) for p in points}
    out = [
        f'<svg class="p365-map" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-labelledby="p365-map-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="p365-map-title">{escape(title)}</title>',
        '<g class="routes">',
    ]
    stop_slugs: set[str] = set()
    for route in routes:
        stops = [s for s in route.stops if s in by_slug]
        stop_slugs.update(stops)
        path = smooth_path([xy[s] for s in stops])
        out.append(
            f'<path class="route" data-route="{escape(route.id)}" data-stops="{" ".join(stops)}" d="{path}" '
            f'stroke="{escape(route.color)}"><title>{escape(route.name)}</title></path>'
        )
    out.append("</g>")
    out.append('<g class="points">')
    for p in points:
        css, _, shape = BANKUAI_STYLE[p.bankuai]
        x, y = xy[p.slug]
        classes = [css, "b1" if p.batch == "一期" else "b2" if p.batch == "二期" else "b0"]
        if p.level == "区级示范点":
            classes.append("demo")
        if p.slug in stop_slugs:
            classes.append("stop")
        marker = _star(x, y, POINT_R * 2.2) if p.level == "区级示范点" else _marker(x, y, shape, POINT_R)
        label = escape(_point_label(p))
        # The <title> names the link for screen readers and shows on hover. Points stay out of the
        # tab order (a town has hundreds); the lists below the map reach every one by keyboard.
        out.append(
            f'<a href="{escape(p.href)}" class="{" ".join(classes)}" data-slug="{p.slug}" tabindex="-1"><title>{label}</title>{marker}</a>'
        )
    out.append("</g>")
    named = [p for p in points if p.slug in stop_slugs or p.level == "区级示范点"]
    labels = place_labels([(p.slug, p.name, *xy[p.slug]) for p in named], list(xy.values()), WIDTH, height)
    out.append('<g class="labels" aria-hidden="true">')
    for p in named:
        if p.slug in labels:
            tx, ty, anchor = labels[p.slug]
            out.append(f'<text x="{_num(tx)}" y="{_num(ty)}" text-anchor="{anchor}">{escape(p.name)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def legend(routes: Sequence[MapRoute]) -> str:
    """The legend as HTML (readable by everyone, printable, no SVG text to hunt for)."""
    items = []
    for bankuai, (css, color, shape) in BANKUAI_STYLE.items():
        icon = {"square": "■", "circle": "●", "diamond": "◆"}[shape]
        items.append(f'<li><span class="p365-key {css}" style="color:{color}" aria-hidden="true">{icon}</span>{escape(bankuai)}</li>')
    key = '<span class="p365-key" aria-hidden="true">{}</span>'
    items.append(f"<li>{key.format('●')}实心：一期党建品牌　{key.format('○')}空心：二期党建品牌　{key.format('◌')}虚线：暂无品牌</li>")
    items.append('<li><span class="p365-key p365-key-star" aria-hidden="true">★</span>区级示范点</li>')
    for route in routes:
        swatch = f'<span class="p365-key-line" style="border-color:{escape(route.color)}" aria-hidden="true"></span>'
        items.append(f"<li>{swatch}{escape(route.name)}</li>")
    return '<ul class="p365-legend">' + "".join(items) + "</ul>"
