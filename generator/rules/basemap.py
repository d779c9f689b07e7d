"""Base-map rule: the schematic base layer of the 红色风景线 (routes.yml `basemap:`) draws rivers,
main roads, the town centre and landmarks, and never an administrative boundary; its places lie in
the town."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic
from ..loader import position
from ..project import Dataset

RULES = {
    "basemap-boundary": "示意图底图里画了行政区划界线（名称带“界”“辖区”等，或首尾相连的线）",
    "basemap-outside": "示意图底图的地标、镇区或整条线不在全镇范围内",
}

# A boundary by its name: 镇界, 村界, 边界, 界线, 分界, 行政区, 辖区, 区划. 界 alone in a
# place name (世界, 眼界) is rare in a town; the fix says how to name such a place.
BOUNDARY_NAME = re.compile(r"[镇村乡县区市省]界|边界|界线|分界|界河|行政区|辖区|区划|范围线")


def check(ds: Dataset) -> Iterator[Diagnostic]:
    routes = ds.valid.routes
    basemap = routes.basemap if routes else None
    if basemap is None:
        return
    doc = ds.town_docs["routes"]
    bbox = ds.valid.town.bbox if ds.valid.town else None

    def diag(loc: tuple[Any, ...], rule: str, message: str, found: str, fix: str) -> Diagnostic:
        return Diagnostic.at(doc.path, position(doc.data, ("basemap", *loc)), rule=rule, message=message, found=found, fix=fix)

    def inside(p: Any) -> bool:
        return bbox is None or (bbox.south <= p.lat <= bbox.north and bbox.west <= p.lon <= bbox.east)

    named: list[tuple[tuple[Any, ...], str]] = [
        ((kind, i, "name"), f.name) for kind in ("rivers", "roads", "landmarks") for i, f in enumerate(getattr(basemap, kind))
    ]
    if basemap.centre is not None:
        named.append((("centre", "name"), basemap.centre.name))
    for loc, name in named:
        if BOUNDARY_NAME.search(name):
            yield diag(
                loc,
                "basemap-boundary",
                "示意图底图只画河流、道路、镇区和地标，不画行政区划界线（公开的界线要用审图号批准的地图）",
                name,
                "删掉这一条；如果它确实是河流或道路，换一个不带“界”“辖区”等字样的名称",
            )
    for kind in ("rivers", "roads"):
        for i, feature in enumerate(getattr(basemap, kind)):
            first, last = feature.line[0], feature.line[-1]
            if len(feature.line) >= 3 and (first.lat, first.lon) == (last.lat, last.lon):
                yield diag(
                    (kind, i, "line", len(feature.line) - 1),
                    "basemap-boundary",
                    f"“{feature.name}”首尾相连，画出来是一圈界线；底图不画任何区域的边界",
                    f"{last.lat}, {last.lon}",
                    "河流和道路画成不闭合的线：删掉最后一个点；环形道路分成两段写",
                )
            if not any(inside(p) for p in feature.line):
                yield diag(
                    (kind, i, "line"),
                    "basemap-outside",
                    f"“{feature.name}”的所有点都不在全镇范围内",
                    f"{feature.line[0].lat}, {feature.line[0].lon}",
                    _bbox_fix(bbox),
                )
    places: list[tuple[tuple[Any, ...], Any, str]] = [(("landmarks", i, "at"), p.at, p.name) for i, p in enumerate(basemap.landmarks)]
    if basemap.centre is not None:
        places.append((("centre", "at"), basemap.centre.at, basemap.centre.name))
    for loc, at, name in places:
        if not inside(at):
            yield diag(loc, "basemap-outside", f"“{name}”的位置不在全镇范围内", f"{at.lat}, {at.lon}", _bbox_fix(bbox))


def _bbox_fix(bbox: Any) -> str:
    return (
        f"纬度应在 {bbox.south}～{bbox.north}，经度应在 {bbox.west}～{bbox.east}（town.yml 的 bbox）；"
        "坐标用 WGS-84，先写纬度 lat 再写经度 lon，检查是否写反"
    )
