"""Photo benchmark: 200 phone-size photos (4000×3000 JPEG, generated), cold on all cores, then warm.

    .venv/bin/python bench/photos.py [--photos 200]

Prints images per second and bytes in vs out. Cold means an empty cache; warm is the same
run again, which should process nothing. Figures only; nothing here fails.
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
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

from demo_photos import SCENES  # noqa: E402

from generator.images import prepare_photos  # noqa: E402
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="party365 photo benchmark")
    parser.add_argument("--photos", type=int, default=200)
    args = parser.parse_args(argv)
    print(f"party365 photo benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="party365-photos-") as tmp:
        root = Path(tmp)
        bytes_in = _town(root, args.photos)
        result = validate(root, TODAY)
        if result.errors:
            print("\n".join(str(d) for d in result.errors[:5]))
            return 1
        cache = root / "cache"
        for label in ("cold", "warm"):
            start = time.perf_counter()
            report = prepare_photos(result.dataset, {"bench-cun"}, cache)
            seconds = time.perf_counter() - start
            rate = report.processed / seconds if report.processed else 0
            print(f"{label}: {seconds:6.1f} s, processed {report.processed}, reused {report.reused}, {rate:.1f} images/s")
        bytes_out = sum(f.stat().st_size for f in report.files().values())
        renditions = len(report.files())
        share = bytes_out / bytes_in * 100
        print(f"bytes in {bytes_in / 1e6:.0f} MB → out {bytes_out / 1e6:.1f} MB in {renditions} renditions ({share:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
