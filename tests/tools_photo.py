"""Tiny images for tests."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 16, 46)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()
