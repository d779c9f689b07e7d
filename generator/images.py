"""Photos for the web: which photos each page shows, and their published renditions.

Every published photo is decoded and re-encoded: orientation applied from EXIF, converted to
RGB, scaled to at most 1600 pixels wide, and saved with no metadata at all (no EXIF, no GPS).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from .project import Dataset

MAX_WIDTH = 1600
QUALITY = 82


@dataclass(frozen=True)
class PhotoRef:
    """A photo as a page shows it."""

    source: Path
    dest: str  # path in the built site, e.g. "photos/taoyuan-cun/square.jpg"
    alt: str
    caption: str
    credit: str
    width: int
    height: int


def _rendition_size(source: Path) -> tuple[int, int]:
    with Image.open(source) as image:
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    if width > MAX_WIDTH:
        height = round(height * MAX_WIDTH / width)
        width = MAX_WIDTH
    return width, height


def photo_refs(ds: Dataset, views: dict[str, Any]) -> dict[str, list[PhotoRef]]:
    """Brand photos by organization slug (only organizations with a page, only photos with consent)."""
    refs: dict[str, list[PhotoRef]] = {}
    for slug in views:
        entry = ds.orgs[slug]
        brand = entry.model.brand
        if brand is None:
            continue
        for photo in brand.photos:
            if not photo.consent:
                continue
            source = entry.dir / photo.file
            dest = f"photos/{slug}/{Path(photo.file).stem}.jpg"
            width, height = _rendition_size(source)
            refs.setdefault(slug, []).append(
                PhotoRef(source, dest, photo.alt or "", photo.caption or "", photo.credit or "", width, height)
            )
    return refs


def render_photo(source: Path) -> bytes:
    """JPEG bytes of the web rendition, without any metadata."""
    with Image.open(source) as image:
        image.seek(0)  # the first frame of an animation
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "P"):
            rgba = upright.convert("RGBA")
            canvas = Image.new("RGB", rgba.size, (255, 255, 255))
            canvas.paste(rgba, mask=rgba.getchannel("A"))
            upright = canvas
        elif upright.mode != "RGB":
            upright = upright.convert("RGB")
        if upright.width > MAX_WIDTH:
            upright = upright.resize((MAX_WIDTH, round(upright.height * MAX_WIDTH / upright.width)), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        upright.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def publish_photos(refs: dict[str, list[PhotoRef]]) -> dict[str, bytes]:
    return {ref.dest: render_photo(ref.source) for photos in refs.values() for ref in photos}
