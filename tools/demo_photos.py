"""Illustrative photos for the demo town, drawn with Pillow (no real people, no real places).

Each scene is a simple painted picture: a Jiangnan village, a residential community, a
factory workshop, an office building, a meeting room, volunteers at work, a school yard.
The same seed always gives the same bytes, and every file stays under 150 KB.

    python tools/demo_photos.py organizations/taoyuan-cun/photos/square.jpg --scene village --seed 7
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1200, 800)
MAX_BYTES = 150 * 1024
RED = (200, 16, 46)

Painter = Callable[[ImageDraw.ImageDraw, random.Random], None]


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random, horizon: int) -> None:
    top = (rng.randint(90, 140), rng.randint(150, 190), rng.randint(215, 245))
    bottom = (rng.randint(200, 230), rng.randint(220, 240), rng.randint(235, 250))
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (SIZE[0], y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(rng.randint(2, 5)):
        x, y = rng.randint(0, SIZE[0]), rng.randint(30, horizon // 2)
        for _ in range(5):
            dx, dy, r = rng.randint(-60, 60), rng.randint(-15, 15), rng.randint(25, 50)
            draw.ellipse([x + dx - r, y + dy - r // 2, x + dx + r, y + dy + r // 2], fill=(250, 250, 252))


def _ground(draw: ImageDraw.ImageDraw, horizon: int, color: tuple[int, int, int]) -> None:
    draw.rectangle([0, horizon, SIZE[0], SIZE[1]], fill=color)


def _flag(draw: ImageDraw.ImageDraw, x: int, y: int, scale: float = 1.0) -> None:
    pole = int(140 * scale)
    draw.line([(x, y), (x, y - pole)], fill=(120, 120, 120), width=max(2, int(4 * scale)))
    w, h = int(70 * scale), int(46 * scale)
    draw.polygon([(x, y - pole), (x + w, y - pole + 4), (x + w - 4, y - pole + h), (x, y - pole + h - 4)], fill=RED)
    draw.ellipse([x + 8 * scale, y - pole + 8 * scale, x + 20 * scale, y - pole + 20 * scale], fill=(255, 215, 0))


def _person(draw: ImageDraw.ImageDraw, x: int, y: int, h: int, shirt: tuple[int, int, int]) -> None:
    head = h // 7
    draw.ellipse([x - head // 2, y - h, x + head // 2, y - h + head], fill=(60, 45, 40))
    draw.rounded_rectangle([x - h // 7, y - h + head, x + h // 7, y - h // 2 + head // 2], radius=head // 3, fill=shirt)
    draw.rectangle([x - h // 9, y - h // 2 + head // 2, x + h // 9, y], fill=(50, 55, 70))


def _tree(draw: ImageDraw.ImageDraw, x: int, y: int, h: int, rng: random.Random) -> None:
    draw.rectangle([x - h // 20, y - h // 2, x + h // 20, y], fill=(100, 70, 45))
    green = (rng.randint(40, 80), rng.randint(110, 150), rng.randint(50, 80))
    draw.ellipse([x - h // 3, y - h, x + h // 3, y - h // 3], fill=green)


def _jiangnan_house(draw: ImageDraw.ImageDraw, x: int, y: int, w: int, rng: random.Random) -> None:
    h = int(w * rng.uniform(0.55, 0.75))
    draw.rectangle([x, y - h, x + w, y], fill=(238, 236, 230))
    draw.polygon([(x - 10, y - h), (x + w // 2, y - h - w // 4), (x + w + 10, y - h)], fill=(55, 60, 70))
    for i in range(2):
        wx = x + w // 5 + i * w // 2
        draw.rectangle([wx, y - h * 2 // 3, wx + w // 6, y - h // 3], fill=(70, 80, 95))
    draw.rectangle([x + w // 2 - w // 12, y - h // 3, x + w // 2 + w // 12, y], fill=(120, 60, 40))


def _village(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    horizon = rng.randint(380, 460)
    _sky(draw, rng, horizon)
    _ground(draw, horizon, (rng.randint(120, 160), rng.randint(170, 200), rng.randint(90, 120)))
    for row in range(6):
        y = horizon + 40 + row * 60
        draw.line([(0, y), (SIZE[0], y + rng.randint(-20, 20))], fill=(110, 150, 80), width=3)
    x = rng.randint(40, 200)
    while x < SIZE[0] - 150:
        _jiangnan_house(draw, x, horizon + rng.randint(10, 40), rng.randint(150, 230), rng)
        x += rng.randint(220, 320)
    for _ in range(rng.randint(3, 6)):
        _tree(draw, rng.randint(0, SIZE[0]), horizon + rng.randint(30, 90), rng.randint(120, 200), rng)
    _flag(draw, rng.randint(500, 700), horizon + 20)


def _community(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    horizon = rng.randint(520, 600)
    _sky(draw, rng, horizon)
    _ground(draw, horizon, (170, 170, 165))
    x = 0
    while x < SIZE[0]:
        w, h = rng.randint(160, 240), rng.randint(280, 460)
        shade = rng.randint(205, 235)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(shade, shade - 8, shade - 20))
        for fy in range(horizon - h + 20, horizon - 30, 36):
            for fx in range(x + 15, x + w - 25, 38):
                draw.rectangle([fx, fy, fx + 22, fy + 20], fill=(120, 150, 175))
        x += w + rng.randint(20, 50)
    draw.rectangle([380, horizon - 150, 820, horizon], fill=(245, 240, 232))
    draw.rectangle([380, horizon - 170, 820, horizon - 140], fill=RED)
    for i in range(rng.randint(4, 8)):
        _person(draw, 420 + i * 50 + rng.randint(-10, 10), horizon + 120, rng.randint(140, 170), RED if i % 2 else (60, 90, 150))


def _factory(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    horizon = 560
    _sky(draw, rng, horizon)
    _ground(draw, horizon, (150, 150, 150))
    draw.rectangle([80, 260, 1120, horizon], fill=(200, 205, 210))
    for i in range(6):
        sx = 80 + i * 174
        draw.polygon([(sx, 260), (sx + 87, 200), (sx + 174, 260)], fill=(140, 150, 160))
    for i in range(8):
        draw.rectangle([120 + i * 125, 330, 200 + i * 125, 420], fill=(90, 120, 150))
    draw.rectangle([470, 440, 730, horizon], fill=(80, 85, 90))
    draw.rectangle([430, 280, 770, 315], fill=RED)
    draw.rectangle([1000, 90, 1040, 260], fill=(170, 170, 170))
    for i in range(5):
        _person(draw, 300 + i * 140, 760, rng.randint(150, 180), (40, 70, 140))


def _office(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    horizon = 600
    _sky(draw, rng, horizon)
    _ground(draw, horizon, (190, 185, 175))
    draw.rectangle([250, 170, 950, horizon], fill=(235, 230, 220))
    for fy in range(210, horizon - 80, 70):
        for fx in range(290, 920, 80):
            draw.rectangle([fx, fy, fx + 45, fy + 45], fill=(100, 130, 160))
    draw.rectangle([520, horizon - 110, 680, horizon], fill=(90, 70, 60))
    draw.rectangle([380, 130, 820, 170], fill=RED)
    _flag(draw, 600, 130, 0.8)
    for _ in range(4):
        _tree(draw, rng.choice([rng.randint(40, 220), rng.randint(980, 1160)]), horizon + 40, rng.randint(150, 220), rng)


def _meeting(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    wall = (rng.randint(225, 240), rng.randint(220, 232), rng.randint(205, 220))
    draw.rectangle([0, 0, SIZE[0], SIZE[1]], fill=wall)
    draw.rectangle([0, 560, SIZE[0], SIZE[1]], fill=(150, 110, 80))
    draw.rectangle([200, 60, 1000, 130], fill=RED)
    for i in range(12):
        draw.rectangle([240 + i * 62, 85, 280 + i * 62, 105], fill=(255, 225, 150))
    draw.rectangle([480, 160, 720, 320], fill=(190, 20, 40))
    draw.ellipse([565, 205, 635, 275], fill=(255, 210, 0))
    draw.rounded_rectangle([150, 470, 1050, 560], radius=20, fill=(120, 80, 55))
    for i in range(7):
        _person(draw, 200 + i * 130, 540, rng.randint(170, 200), rng.choice([(40, 50, 70), (70, 80, 100), (230, 230, 235)]))


def _volunteers(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    horizon = rng.randint(420, 480)
    _sky(draw, rng, horizon)
    _ground(draw, horizon, (185, 180, 170))
    for _ in range(4):
        _tree(draw, rng.randint(0, SIZE[0]), horizon + 10, rng.randint(200, 280), rng)
    draw.rectangle([150, horizon + 40, 600, horizon + 100], fill=(240, 240, 240))
    draw.polygon([(130, horizon + 40), (375, horizon - 60), (620, horizon + 40)], fill=RED)
    for i in range(rng.randint(6, 10)):
        _person(
            draw,
            120 + i * 105 + rng.randint(-15, 15),
            760 - rng.randint(0, 40),
            rng.randint(200, 260),
            RED if rng.random() < 0.7 else (240, 240, 240),
        )


def _school(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    horizon = 500
    _sky(draw, rng, horizon)
    _ground(draw, horizon, (180, 90, 70))
    for i in range(5):
        draw.line([(0, horizon + 40 + i * 60), (SIZE[0], horizon + 40 + i * 60)], fill=(240, 240, 240), width=4)
    draw.rectangle([100, 220, 1100, horizon], fill=(240, 225, 200))
    for fy in range(250, horizon - 40, 65):
        for fx in range(140, 1080, 90):
            draw.rectangle([fx, fy, fx + 50, fy + 40], fill=(110, 140, 170))
    _flag(draw, 600, horizon + 150, 1.3)
    for i in range(10):
        _person(draw, 150 + i * 95, 780, rng.randint(110, 140), (60, 100, 180))


SCENES: dict[str, Painter] = {
    "village": _village,
    "community": _community,
    "factory": _factory,
    "office": _office,
    "meeting": _meeting,
    "volunteers": _volunteers,
    "school": _school,
}


def render(scene: str, seed: int) -> bytes:
    """JPEG bytes of one scene; the same scene and seed always give the same bytes."""
    rng = random.Random(f"{scene}:{seed}")
    image = Image.new("RGB", SIZE)
    SCENES[scene](ImageDraw.Draw(image), rng)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    for quality in (82, 72, 62, 50):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True)
        if buffer.tell() <= MAX_BYTES:
            return buffer.getvalue()
    return buffer.getvalue()


def write(path: Path, scene: str, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(scene, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw an illustrative demo photo.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--scene", choices=sorted(SCENES), required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write(args.path, args.scene, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
