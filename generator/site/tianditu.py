"""The optional 天地图 base layer of the 红色风景线 page (town.yml `map: {tianditu_key: …}`).

Off unless the town sets a key, and then still off until the reader switches it on: only then
does the reader's browser load Leaflet (shipped with the site under assets/leaflet/, pinned by
tools/map/package-lock.json, never from a CDN) and ask 天地图's servers for tiles, sending them
the reader's IP address, the tiles in view and the key. The schematic SVG map stays the default
and the fallback.

Tiles: 天地图's Web Mercator WMTS (tile matrix set `w`), vector base `vec_w` with Chinese
annotation `cva_w`, from t0-t7.tianditu.gov.cn. 天地图 uses CGCS2000, whose coordinates differ from
WGS-84 (the data's datum) by a few centimetres: nothing at the scale of a town map.

Only the map page of a keyed town gets the eight tile hosts in its img-src (`IMG_SOURCES`, the
Page's `img_src`); every other page keeps the site's policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..schema import Town
from ..svgmap import ROUTE_DASHES, MapPoint, MapRoute

DIST = Path("tools") / "map" / "node_modules" / "leaflet"
SHIPPED = "assets/leaflet/"  # leaflet.js, leaflet.css and the licence, under the site
IMG_SOURCES = tuple(f"https://t{n}.tianditu.gov.cn" for n in range(8))
LAYERS = ("vec_w", "cva_w")  # vector base, Chinese vector annotation; Web Mercator (matrix set w)


@dataclass(frozen=True)
class Leaflet:
    """The installed, pinned Leaflet: site path -> file."""

    files: dict[str, Path]


def find_leaflet(*roots: Path) -> Leaflet | None:
    """Leaflet's built script, stylesheet and licence from `npm ci --prefix tools/map` (./dev does it),
    under the town's root or this package's checkout; None when it is not installed."""
    for root in (*roots, Path(__file__).resolve().parents[2]):
        dist = root / DIST
        wanted = {"leaflet.js": dist / "dist" / "leaflet.js", "leaflet.css": dist / "dist" / "leaflet.css", "LICENSE.txt": dist / "LICENSE"}
        if all(path.is_file() for path in wanted.values()):
            return Leaflet({SHIPPED + name: path for name, path in wanted.items()})
    return None


def tianditu_key(town: Town | None) -> str | None:
    return town.map.tianditu_key if town is not None and town.map is not None else None


def missing_reason() -> str:
    return (
        "town.yml 填写了天地图密钥，但没有找到地图程序库 Leaflet，红色风景线页面只显示示意图：安装 Node.js 后运行 npm ci --prefix tools/map"
    )


def map_data(key: str, points: list[MapPoint], routes: list[MapRoute], assets: str) -> dict[str, Any]:
    """What the map script needs (a JSON data block on the page, never executed): the key, the
    layers, Leaflet's files relative to the page (`assets`: e.g. "../assets/leaflet/"), every
    point with its profile link, and every route's stops in order with its colour and dash."""
    where = {p.slug: p for p in points}
    return {
        "key": key,
        "layers": list(LAYERS),
        "script": assets + "leaflet.js",
        "style": assets + "leaflet.css",
        "points": [{"slug": p.slug, "name": p.name, "lat": p.lat, "lon": p.lon, "href": p.href} for p in points],
        "routes": [
            {
                "id": r.id,
                "name": r.name,
                "color": r.color,
                "dash": ROUTE_DASHES[i % len(ROUTE_DASHES)],
                "stops": [s for s in r.stops if s in where],
            }
            for i, r in enumerate(routes)
        ],
    }
