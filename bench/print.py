"""Print benchmark: typeset the demo's booklets and a sample of its boards without the PDF cache;
print CPU seconds, pages and kilobytes per document.

    .venv/bin/python bench/print.py [--boards 10] [--size A3] [--repeat 1] [--compare]

The figures are what a first build (or `party365 boards`) pays; later builds reuse the PDF cache.
Seconds are the process's CPU time (WeasyPrint typesets on one thread), which a busy machine
disturbs far less than wall time.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import printing
from generator.images import CACHE_DIR, prepare_photos
from generator.validate import validate

REPO = Path(__file__).resolve().parents[1]


def _pages(data: bytes) -> int:
    try:
        import pypdf
    except ImportError:
        return -1
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=10, help="how many boards (the first N organizations by code)")
    parser.add_argument("--size", default="A3", choices=("A3", "A4"))
    parser.add_argument("--repeat", type=int, default=1, help="typeset each document N times, keep the fastest")
    parser.add_argument("--compare", action="store_true", help="also typeset each document untagged, interleaved, for the cost of tagging")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795665600")
    ds = validate(REPO).dataset
    web = prepare_photos(ds, set(ds.orgs), REPO / CACHE_DIR)
    slugs = sorted(ds.orgs)[: args.boards]
    board = prepare_photos(ds, set(slugs), REPO / CACHE_DIR, scope="board")
    jobs = [(f"booklet {cid}", printing.booklet_html(ds, cid, web, demo=True)) for cid in sorted(ds.collections)]
    jobs += [(f"board {slug}", printing.board_html(ds, slug, args.size, board)) for slug in slugs]
    variants = {"tagged": dict(printing.PDF_OPTIONS)}
    if args.compare:
        variants["untagged"] = {}  # WeasyPrint's defaults: what the PDFs were before they were tagged
    print(f"{'document':<32} {'pages':>5} " + " ".join(f"{v + ' cpu s':>14} {'KB':>6}" for v in variants))
    totals = {(kind, v): 0.0 for kind in ("booklet", "board") for v in variants}
    for number, (name, html) in enumerate(jobs):
        order = list(variants) if number % 2 == 0 else list(reversed(variants))  # neither always goes first
        seconds: dict[str, float] = {}
        sizes: dict[str, bytes] = {}
        for _ in range(args.repeat):
            for variant in order:
                printing.PDF_OPTIONS = variants[variant]
                start = time.process_time()
                sizes[variant] = printing.render_pdf(html)
                seconds[variant] = min(seconds.get(variant, float("inf")), time.process_time() - start)
        for variant in variants:
            totals[name.split()[0], variant] += seconds[variant]
        cells = " ".join(f"{seconds[v]:>14.2f} {len(sizes[v]) / 1024:>6.0f}" for v in variants)
        print(f"{name:<32} {_pages(sizes['tagged']):>5} {cells}")
    for variant in variants:
        booklets, boards = totals["booklet", variant], totals["board", variant]
        print(f"{variant}: booklets {booklets:.2f} s; {len(slugs)} boards {boards:.2f} s ({boards / max(len(slugs), 1):.2f} s each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
