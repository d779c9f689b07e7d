"""Site build benchmark: party365 against a plain MkDocs + Material build of the same pages.

    ./dev bench-site                  # 100, 300 and 1,000 organizations
    .venv/bin/python bench/site.py --orgs 1000 3000 --no-plain --keep /tmp/sites   # then bench/search.py /tmp/sites/3000
    .venv/bin/python bench/site.py --orgs 100 1000

For each synthetic town it prints the cold build time, the HTML bytes of an organization page
and the peak memory of the build (+search: the peak of Pagefind, its child), first through the party365 plugin (organization pages
reached through index pages), then as a town would do it by hand: the very same generated
pages written into docs/ and all listed in the nav. Figures only; nothing here fails.
Targets (issue 3): at 1,000 organizations, ≥ 5× faster than the plain build, page bytes within
10% of those at 100, cost per page at 1,000 within 15% of that at 300, peak memory < 1 GB.
Issue 14: cost per organization at 3,000 within 15% of that at 1,000, peak memory < 1.5 GB at 3,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 26)
EPOCH = "1795665600"
SAMPLE = "dangwu/{slug}/index.html"


def _make_town(n: int, out: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "tools/demo_town.py"), "synthetic", "--orgs", str(n), "--out", str(out), "--today", TODAY.isoformat()],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copy(REPO / "mkdocs.yml", out / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", out / "overrides", dirs_exist_ok=True)
    shutil.copytree(REPO / "content/guide", out / "content/guide", dirs_exist_ok=True)
    shutil.copytree(REPO / "content/schema", out / "content/schema", dirs_exist_ok=True)


def _build(config: Path, site: Path) -> tuple[float, float, float]:
    """Seconds and peak MB of one `mkdocs build` in a child process, and the peak MB of its own
    children (Pagefind, which runs while the build holds its memory: the machine needs the sum)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    script = (
        "import resource, runpy, sys; sys.argv = ['mkdocs', 'build', '-q', '-f', sys.argv[1], '-d', sys.argv[2]];"
        "code = 0\ntry:\n    runpy.run_module('mkdocs', run_name='__main__')\nexcept SystemExit as e:\n    code = e.code or 0\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " file=sys.stderr); sys.exit(code)"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", script, str(config), str(site)], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-2000:]}")
    peak_kb, children_kb = (int(x) for x in proc.stderr.strip().splitlines()[-1].split())
    return seconds, peak_kb / 1024, children_kb / 1024


def _plain_project(town: Path, out: Path) -> Path:
    """The same pages as plain Markdown files, every one listed in the nav."""
    sys.path.insert(0, str(REPO))
    from generator.site import generate
    from generator.site.build import Page

    files = generate(town, TODAY).files
    docs = out / "docs"
    for path, content in files.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        elif isinstance(content, Page):  # written by hand, a page holds its HTML inline and is searched as is
            text = content.filled().replace("search:\n  exclude: true  # indexed from the data by generator/site/search.py\n", "")
            target.write_text(text, encoding="utf-8")
        else:
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for folder in ("guide", "schema"):
        shutil.copytree(town / "content" / folder, docs / folder)
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search"]  # as a town would build by hand: Material's own search (party365 brings Pagefind)
    config["docs_dir"] = "docs"
    config["theme"].pop("custom_dir", None)
    config["extra_css"] = ["assets/party365.css"]
    config["extra_javascript"] = ["assets/party365.js"]
    org_pages = sorted(p.relative_to(docs).as_posix() for p in (docs / "dangwu").glob("*.md") if p.name != "index.md")
    brand_pages = sorted(p.relative_to(docs).as_posix() for p in (docs / "pinpai").glob("*.md") if p.name != "index.md")
    config["nav"] = [
        {"首页": "index.md"},
        {"党务公开": ["dangwu/index.md", *org_pages]},
        {"公示": "gongshi/index.md"},
        {"党建品牌": ["pinpai/index.md", *brand_pages]},
        {"开放数据": "data/index.md"},
        {"编辑指南": "guide/index.md"},
    ]
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return out / "mkdocs.yml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="party365 site build benchmark")
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--no-plain", action="store_true", help="skip the plain MkDocs build (slow at 3,000)")
    parser.add_argument("--keep", type=Path, help="keep each built site as KEEP/<orgs>/ (for bench/search.py)")
    args = parser.parse_args(argv)
    print(f"party365 site benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("party365: cold = empty photo cache; build = photos cached, other caches empty (the plain build gets the finished photos)")
    print(
        f"{'orgs':>6} {'cold s':>7} {'build s':>8} {'ms/org':>7} {'page KB':>8} {'peak MB':>8} {'+search':>8} | "
        f"{'plain s':>8} {'page KB':>8} {'peak MB':>8} | {'speed-up':>8}"
    )
    rows = {}
    for n in args.orgs:
        with tempfile.TemporaryDirectory(prefix=f"party365-site-{n}-") as tmp:
            town = Path(tmp) / "town"
            _make_town(n, town)
            slug = sorted(p.name for p in (town / "organizations").iterdir())[0]
            cold, _, _ = _build(town / "mkdocs.yml", Path(tmp) / "site")  # empty photo cache
            for cache in (town / ".cache" / "party365").iterdir():  # all but the photos: pages, documents, Markdown
                if cache.name != "photos":
                    shutil.rmtree(cache)
            seconds, peak, search = _build(town / "mkdocs.yml", Path(tmp) / "site")  # photos cached: the pages' cost
            page = (Path(tmp) / "site" / SAMPLE.format(slug=slug)).stat().st_size / 1024
            rows[n] = (seconds, page)
            if args.keep:
                shutil.copytree(Path(tmp) / "site", args.keep / str(n), dirs_exist_ok=True)
            mine = f"{n:>6} {cold:>7.1f} {seconds:>8.1f} {seconds / n * 1000:>7.1f} {page:>8.1f} {peak:>8.0f} {search:>8.0f} | "
            if args.no_plain:
                print(mine + "(plain build skipped)")
                continue
            plain_config = _plain_project(town, Path(tmp) / "plain")
            plain_s, plain_peak, _ = _build(plain_config, Path(tmp) / "plain-site")
            plain_page = (Path(tmp) / "plain-site" / SAMPLE.format(slug=slug)).stat().st_size / 1024
            print(mine + f"{plain_s:>8.1f} {plain_page:>8.1f} {plain_peak:>8.0f} | {plain_s / seconds:>7.1f}×")
    if 100 in rows and 1000 in rows:
        print(f"page bytes at 1,000 vs 100: {rows[1000][1] / rows[100][1] * 100 - 100:+.1f}%")
    if 300 in rows and 1000 in rows:
        per = [rows[n][0] / n for n in (300, 1000)]
        print(f"cost per organization at 1,000 vs 300: {per[1] / per[0] * 100 - 100:+.1f}%")
    print(f"peak memory of this driver: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
