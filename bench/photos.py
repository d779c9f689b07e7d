"""Photo benchmark: 200 phone-size photos (4000×3000 JPEG, generated), cold on all cores, then warm.

    .venv/bin/python bench/photos.py [--photos 200]
    .venv/bin/python bench/photos.py --large [--photos 8]   # photos just under 50 MP: peak memory
    .venv/bin/python bench/photos.py --suggest              # "did you mean" with 10,000 files, 2,000 misses

Prints images per second and bytes in vs out. Cold is `validate` on an empty cache (it decodes
every photo into the build's cache); the build then reuses all of it; warm is validate again,
which decodes nothing. --large prints the peak resident memory of the whole process tree (this
process and its workers) for several worker counts: it should stay under 1.5 GB whatever the
core count, because renders are scheduled by pixels in flight (images.PIXEL_BUDGET).
Figures only; nothing here fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

from demo_photos import SCENES  # noqa: E402

from generator import images  # noqa: E402
from generator.images import CACHE_DIR, prepare_photos  # noqa: E402
from generator.validate import validate  # noqa: E402

TODAY = dt.date(2026, 11, 26)
SIZE = (4000, 3000)


def _phone_jpeg(seed: int) -> bytes:
    """A 4000×3000 picture with the texture of a phone photo (noise), about 2-4 MB."""
    rng = random.Random(seed)
    scene = rng.choice(sorted(SCENES))
    small = Image.new("RGB", (1200, 800))
    SCENES[scene](ImageDraw.Draw(small), rng)
    big = small.resize(SIZE, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise(SIZE, 24).convert("RGB")
    photo = Image.blend(big, noise, 0.12)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _town(root: Path, count: int) -> int:
    """A town of one organization whose brand has `count` photos; returns the bytes written."""
    (root / "content/_town").mkdir(parents=True)
    for name in ("town.yml", "plan.yml", "holidays.yml"):
        shutil.copy(REPO / "content/_town" / name, root / "content/_town" / name)
    org = root / "organizations/bench-cun"
    (org / "photos").mkdir(parents=True)
    distinct = [_phone_jpeg(seed) for seed in range(10)]
    total = 0
    lines = [
        "schema: 1\nname: 中共基准村委员会\nshort_name: 基准村党委\nkind: 党委\nsector: 村\nmembers: {total: 10}\n"
        "secretary: {name: 某某}\ncontact: {phone: 0519-88000000}\nmaintainers: [bench]\nupdated: 2026-11-01\n"
        "space: {area: 150, liutongyi: [外观标识和LOGO, 服务承诺口号, 党员先锋岗, 功能室, 制度上墙, 党建宣传栏]}",
        "brand:\n  name: 基准\n  model: 美丽和谐型\n  batch: 二期\n  photos:",
    ]
    for i in range(count):
        data = distinct[i % len(distinct)]
        data = data[:2] + b"\xff\xfe\x00\x08" + i.to_bytes(4, "big") + data[2:]  # a JPEG comment: new bytes, same work
        (org / "photos" / f"p{i:03d}.jpg").write_bytes(data)
        total += len(data)
        lines.append(f"    - file: photos/p{i:03d}.jpg\n      alt: 照片 {i}\n      consent: true")
    text = "\n".join(lines) + "\n"
    (org / "org.yml").write_text(text, encoding="utf-8")
    return total


class TreeMemory:
    """Peak resident memory of this process and all its descendants, sampled every 10 ms (Linux /proc)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _tree() -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        tree, frontier = [os.getpid()], [os.getpid()]
        while frontier:
            frontier = [pid for pid, parent in parents.items() if parent in frontier]
            tree += frontier
        return tree

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._rss(pid) for pid in self._tree()))
            time.sleep(0.01)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._thread.join()


LARGE = (8160, 6120)  # 49.9 MP, just under the 50 MP rule


def _large_photo(args: tuple[int, str]) -> None:
    """A 49.9 MP photo with smooth content (a real one would be over the 20 MB limit as PNG)."""
    seed, path = args
    rng = random.Random(seed)
    small = Image.new("RGB", (816, 612))
    SCENES[rng.choice(sorted(SCENES))](ImageDraw.Draw(small), rng)
    big = small.resize(LARGE, Image.Resampling.BILINEAR)
    if path.endswith(".png"):
        big.save(path, "PNG", compress_level=1)
    else:
        big.save(path, "JPEG", quality=85)


def large(count: int) -> int:
    """Peak memory of decoding `count` photos of 49.9 MP (half PNG, which decodes at full size,
    half JPEG, which libjpeg decodes at a reduced scale) with several worker counts."""
    import multiprocessing

    with tempfile.TemporaryDirectory(prefix="party365-large-") as tmp:
        root = Path(tmp)
        files = [str(root / f"large{i:02d}.{'png' if i % 2 == 0 else 'jpg'}") for i in range(count)]
        with multiprocessing.get_context("spawn").Pool(2) as pool:  # generated outside this process's memory
            pool.map(_large_photo, [(i, f) for i, f in enumerate(files)])
        megabytes = sum(Path(f).stat().st_size for f in files) / 1e6
        print(f"{count} photos of {LARGE[0]}×{LARGE[1]} ({LARGE[0] * LARGE[1] / 1e6:.1f} MP), {megabytes:.0f} MB; "
              f"budget {images.PIXEL_BUDGET / 1e6:.0f} MP in flight")  # fmt: skip
        for workers in (1, 2, 4, 8, 16):
            cache = root / f"cache-{workers}"
            start = time.perf_counter()
            with TreeMemory() as memory:
                broken = images.verify_photos([Path(f) for f in files], cache, workers=workers)
            seconds = time.perf_counter() - start
            print(f"workers {workers:2d}: {seconds:6.1f} s, peak memory (process tree) {memory.peak / 2**30:.2f} GB, broken {len(broken)}")
    return 0


def suggest() -> int:
    from generator.rules.photos import suggest as near

    with tempfile.TemporaryDirectory(prefix="party365-suggest-") as tmp:
        folder = Path(tmp)
        for i in range(10_000):
            (folder / f"IMG_2026{i:05d}.jpg").touch()
        start = time.perf_counter()
        found = [near(folder, f"DSC_{i:05d}_x.jpg") for i in range(1997)]
        found += [near(folder, name) for name in ("IMG_202600123.jpeg", "img_202604567.JPG", "IMG_2O2609876.jpg")]
        seconds = time.perf_counter() - start
        print(f"did you mean: 2,000 missing photos in a folder of 10,000 files: {seconds:.2f} s; near misses → {found[-3:]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="party365 photo benchmark")
    parser.add_argument("--photos", type=int, default=None)
    parser.add_argument("--large", action="store_true", help="photos just under 50 MP: peak memory by worker count")
    parser.add_argument("--suggest", action="store_true", help="the missing-photo suggestion in a large folder")
    args = parser.parse_args(argv)
    print(f"party365 photo benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores")
    if args.large:
        return large(args.photos or 8)
    if args.suggest:
        return suggest()
    args.photos = args.photos or 200
    with tempfile.TemporaryDirectory(prefix="party365-photos-") as tmp:
        root = Path(tmp)
        bytes_in = _town(root, args.photos)
        start = time.perf_counter()
        result = validate(root, TODAY)  # decodes every photo into the build's cache
        seconds = time.perf_counter() - start
        if result.errors:
            print("\n".join(str(d) for d in result.errors[:5]))
            return 1
        print(f"validate, cold: {seconds:6.1f} s, {args.photos / seconds:.1f} images/s")
        start = time.perf_counter()
        report = prepare_photos(result.dataset, {"bench-cun"}, root / CACHE_DIR)
        print(f"build after validate: {time.perf_counter() - start:6.1f} s, processed {report.processed}, reused {report.reused}")
        start = time.perf_counter()
        validate(root, TODAY)
        print(f"validate, warm: {time.perf_counter() - start:6.1f} s")
        bytes_out = sum(f.stat().st_size for f in report.files().values())
        renditions = len(report.files())
        share = bytes_out / bytes_in * 100
        print(f"bytes in {bytes_in / 1e6:.0f} MB → out {bytes_out / 1e6:.1f} MB in {renditions} renditions ({share:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
