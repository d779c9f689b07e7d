"""Validation throughput on synthetic towns: organizations per second, files, peak memory.

    ./dev bench            # 100 and 1,000 organizations
    .venv/bin/python bench/validate.py --orgs 1000 5000

Prints figures; never fails on them (targets live here, not in tests). Target from the data
issue: 1,000 organizations validated in under 10 seconds on the 2-core reference machine.
Photos are checked by header, as `party365 validate` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 26)
TARGET_SECONDS_PER_1000 = 10.0


def _make_town(n: int, out: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "demo_town.py"),
            "synthetic",
            "--orgs",
            str(n),
            "--out",
            str(out),
            "--today",
            TODAY.isoformat(),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _measure(root: Path) -> tuple[float, int, int, int]:
    """Seconds, organizations, files and errors of one validation run in this process."""
    from generator.validate import validate

    start = time.perf_counter()
    result = validate(root, TODAY)
    seconds = time.perf_counter() - start
    files = len(result.dataset.documents())
    return seconds, len(result.dataset.orgs), files, len(result.errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args(argv)
    print(f"party365 validation benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]}")
    print(f"{'orgs':>6} {'files':>7} {'seconds':>8} {'orgs/s':>8} {'files/s':>8} {'errors':>6}")
    for n in args.orgs:
        with tempfile.TemporaryDirectory(prefix=f"party365-bench-{n}-") as tmp:
            root = Path(tmp)
            _make_town(n, root)
            _measure(root)  # warm the OS file cache and imports, as a clerk's second run would be
            seconds, orgs, files, errors = _measure(root)
            print(f"{orgs:>6} {files:>7} {seconds:>8.2f} {orgs / seconds:>8.0f} {files / seconds:>8.0f} {errors:>6}")
            if n == 1000:
                verdict = "meets" if seconds < TARGET_SECONDS_PER_1000 else "MISSES"
                print(f"       target: 1,000 organizations in < {TARGET_SECONDS_PER_1000:.0f} s — {verdict}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
