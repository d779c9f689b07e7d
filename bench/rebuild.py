"""Rebuild benchmark: what a build costs after one organization changed, against a build with empty caches.

    .venv/bin/python bench/rebuild.py                     # the demo town (90) and 1,000 synthetic organizations
    .venv/bin/python bench/rebuild.py --orgs 90           # the demo town only
    .venv/bin/python bench/rebuild.py --orgs 1000 --town /tmp/t1000   # reuse a synthetic town (its photo cache too)

For each town (copied into a temporary folder, its photo cache kept warm throughout):
- cold: `mkdocs build` with every cache emptied but the photo cache;
- rebuild: the same build again after one line was appended to one disclosure of one organization;
- the ratio of the two, in wall seconds and in CPU seconds (this process's children: MkDocs and
  Pagefind). The reference machine is shared, so CPU seconds are the steadier figure;
- preview: `mkdocs serve` on the town, one more line added to a disclosure, and the seconds until the
  organization's page shows it (what a clerk waits for), with the CPU seconds of the serve process.
  A preview keeps the previous search bundle (Pagefind has no incremental mode), as issue 14 allows.
Target (issue 14): a rebuild after one organization changed costs at most 35% of the cold build.
Figures only; nothing here fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 26)
EPOCH = "1795665600"
TARGET = 0.35
PHOTOS = Path(".cache") / "party365" / "photos"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _copy_town(source: Path, out: Path) -> None:
    for name in ("organizations", "content", "overrides", "mkdocs.yml"):
        src = source / name
        if src.is_dir():
            shutil.copytree(src, out / name, symlinks=True)
        elif src.is_file():
            shutil.copy(src, out / name)
    _complete(out)


def _complete(out: Path) -> None:
    for name in ("overrides", "mkdocs.yml"):  # a synthetic town has neither
        if not (out / name).exists():
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, out / name)
    for folder in ("guide", "schema"):
        if not (out / "content" / folder).exists():
            shutil.copytree(REPO / "content" / folder, out / "content" / folder)


def _synthetic(n: int, out: Path) -> None:
    command = [sys.executable, str(REPO / "tools/demo_town.py"), "synthetic", "--orgs", str(n), "--out", str(out)]
    subprocess.run([*command, "--today", TODAY.isoformat()], check=True, stdout=subprocess.DEVNULL)


def _build(town: Path, site: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `mkdocs build` in a child process (CPU includes Pagefind)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    cpu, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(town / "mkdocs.yml"), "-d", str(site)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    return wall, _children_cpu() - cpu


def _empty_caches(town: Path, photos: Path) -> None:
    """Every cache under .cache/party365/ removed, except the photo cache (kept warm, as the issue says)."""
    cache = town / ".cache" / "party365"
    if cache.is_dir():
        for entry in cache.iterdir():
            if entry.resolve() != photos.resolve():
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


def _change_one_org(town: Path, note: str = "") -> str:
    orgs = sorted(p for p in (town / "organizations").iterdir() if (p / "disclosures").is_dir() and any((p / "disclosures").glob("*.md")))
    org = orgs[len(orgs) // 2]
    item = sorted((org / "disclosures").glob("*.md"))[-1]
    with item.open("a", encoding="utf-8") as stream:
        stream.write(f"\n\n{note or f'本条于 {time.time_ns()} 补充说明'}：会后已整理记录归档。\n")
    return item.relative_to(town).as_posix()


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _preview(town: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `mkdocs serve` from a changed file to the page that shows it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(town / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        changed = _change_one_org(town, "预览前")  # which organization the next change goes to
        page = f"http://127.0.0.1:{port}/dangwu/{changed.split('/')[1]}/"
        while "预览前" not in _page(page):  # the first build of serve
            if proc.poll() is not None:
                raise SystemExit("mkdocs serve stopped")
            time.sleep(0.5)
        time.sleep(2)
        cpu, start = _process_cpu(proc.pid), time.perf_counter()
        note = f"预览中 {time.time_ns()}"
        _change_one_org(town, note)
        while note not in _page(page):
            time.sleep(0.1)
        return time.perf_counter() - start, _process_cpu(proc.pid) - cpu
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def run(n: int, source: Path | None, keep: Path | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix=f"party365-rebuild-{n}-") as tmp:
        town = Path(tmp) / "town"
        if source is None and n == 90:
            source = REPO
        if source is None:
            _synthetic(n, town)
            _complete(town)
        else:
            town.mkdir()
            _copy_town(source, town)
        # The photo cache lives outside the copy and is linked in, so it stays warm between runs.
        photos = (source / PHOTOS) if source is not None else (keep or Path(tmp)) / f"photos-{n}"
        photos.mkdir(parents=True, exist_ok=True)
        (town / PHOTOS).parent.mkdir(parents=True, exist_ok=True)
        (town / PHOTOS).symlink_to(photos.resolve())
        site = Path(tmp) / "site"
        _build(town, site)  # warms the photo cache (and leaves a site to replace, as a real rebuild has)
        _empty_caches(town, photos)
        cold_wall, cold_cpu = _build(town, site)
        changed = _change_one_org(town)
        warm_wall, warm_cpu = _build(town, site)
        preview_wall, preview_cpu = _preview(town)
        print(
            f"{n:>6} | {cold_wall:>7.1f} {cold_cpu:>7.1f} | {warm_wall:>9.1f} {warm_cpu:>8.1f} | "
            f"{warm_wall / cold_wall * 100:>6.0f}% {warm_cpu / cold_cpu * 100:>6.0f}% | "
            f"{preview_wall:>9.1f} {preview_cpu:>6.1f} {preview_cpu / cold_cpu * 100:>6.0f}% | {changed}"
        )
        sys.stdout.flush()
        return cold_cpu, warm_cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="party365 rebuild benchmark")
    parser.add_argument("--orgs", type=int, nargs="+", default=[90, 1000], help="90 = the demo town; other sizes are synthetic")
    parser.add_argument("--town", type=Path, help="an existing town for the (single) size given, instead of generating one")
    args = parser.parse_args(argv)
    print(f"party365 rebuild benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("cold = every cache empty but the photo cache; rebuild = after one line was added to one organization's disclosure")
    print(
        f"{'orgs':>6} | {'cold s':>7} {'CPU s':>7} | {'rebuild s':>9} {'CPU s':>8} | {'wall':>7} {'CPU':>6} | "
        f"{'preview s':>9} {'CPU s':>6} {'CPU':>6} | changed file"
    )
    for n in args.orgs:
        run(n, args.town.resolve() if args.town else None, None)
    print(f"target: rebuild ≤ {TARGET:.0%} of cold at 1,000 organizations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
