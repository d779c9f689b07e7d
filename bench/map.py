"""Map benchmark: draw the 红色风景线 SVG for synthetic towns; print milliseconds and kilobytes.

    .venv/bin/python bench/map.py [--orgs 100 1000 3000]

Target (issue 5): 1,000 organizations render in under a second and stay under 300 KB.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.svgmap import BANKUAI_STYLE, MapPoint, MapRoute, draw


def synthetic(n: int, seed: int = 1) -> list[MapPoint]:
    rng = random.Random(seed)
    kinds = list(BANKUAI_STYLE)
    return [
        MapPoint(f"org-{i:04d}-cun", f"示例组织{i}号党支部", 31.70 + rng.random() * 0.16, 119.90 + rng.random() * 0.2,
                 rng.choice(kinds), rng.choice(["一期", "二期", ""]), "区级示范点" if i < 3 else "镇级", f"../pinpai/org-{i:04d}-cun/")
        for i in range(n)
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 1000, 3000])
    args = parser.parse_args(argv)
    print(f"{'orgs':>6} {'ms':>8} {'KB':>8}")
    for n in args.orgs:
        points = synthetic(n)
        routes = [MapRoute("r1", "精品示范带", "#C8102E", tuple(p.slug for p in points[:12]))]
        start = time.perf_counter()
        svg = draw(points, routes, "示意图")
        ms = (time.perf_counter() - start) * 1000
        print(f"{n:>6} {ms:>8.0f} {len(svg.encode()) / 1024:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
