"""Photo rule: each referenced photo exists, stays inside its organization's folder, is an
image by its content, is within byte and pixel limits, and has alt text and consent.

Only headers are read here (fast); decoding the whole image is the renditions' job.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..diagnostics import Diagnostic, Severity
from ..images import HEIF
from ..loader import Document, position
from ..project import Dataset, OrgEntry

RULES = {
    "photo-missing": "照片文件不存在",
    "photo-outside": "照片路径指向本组织文件夹以外",
    "photo-not-image": "文件不是图片，或格式不支持",
    "photo-too-large": "照片超过 20 MB",
    "photo-too-many-pixels": "照片超过 5000 万像素（可能是“解压炸弹”）",
    "photo-alt": "照片缺少替代文字",
    "photo-consent": "未确认照片中人物同意公开",
    "photo-broken": "照片文件损坏，无法解码（生成网站时检查）",
}

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF", "TIFF"}


def _photo_refs(entry: OrgEntry) -> Iterator[tuple[Document, tuple[Any, ...], Any]]:
    model = entry.model
    if model is not None and model.brand is not None:
        for i, photo in enumerate(model.brand.photos):
            yield entry.doc, ("brand", "photos", i), photo
    for item in entry.disclosures:
        if item.model is not None:
            for i, photo in enumerate(item.model.photos):
                yield item.doc, ("photos", i), photo


def _sniff(file: Path) -> str:
    with file.open("rb") as stream:
        head = stream.read(16)
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypmsf1"):
        return "HEIC"
    return ""


def _check_image(file: Path) -> tuple[str, str, str] | None:
    """(rule, message, fix) for a file that is not a usable image, else None."""
    size = file.stat().st_size
    if size > MAX_BYTES:
        return (
            "photo-too-large",
            f"照片有 {size / 1024 / 1024:.1f} MB，超过 20 MB 上限",
            "用手机相册“导出/压缩”或电脑画图软件另存为较小的 JPG 再上传",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(file) as image:
                width, height = image.size
                fmt = image.format or ""
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return ("photo-too-many-pixels", "图片像素数大得异常，可能是“解压炸弹”", "换用普通手机或相机拍摄的照片")
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            if _sniff(file) == "HEIC" and not HEIF:
                return (
                    "photo-not-image",
                    "暂不支持 HEIC（苹果手机默认格式）照片",
                    "在手机设置 → 相机 → 格式里选“兼容性最佳”，或把照片导出为 JPG 再上传",
                )
            return ("photo-not-image", "文件不是可识别的图片", "确认上传的是 JPG 或 PNG 照片，而不是改了扩展名的文档或损坏的文件")
    if fmt not in FORMATS:
        return ("photo-not-image", f"不支持 {fmt} 格式的图片", "另存为 JPG 或 PNG 再上传")
    if width * height > MAX_PIXELS:
        return ("photo-too-many-pixels", f"图片有 {width}×{height} 像素，超过 5000 万像素上限", "把照片缩小到长边 8000 像素以内再上传")
    return None


def _check_ref(entry: OrgEntry, doc: Document, loc: tuple[Any, ...], photo: Any) -> Iterator[Diagnostic]:
    file_pos = position(doc.data, (*loc, "file"))
    item_pos = position(doc.data, loc)

    def diag(rule: str, message: str, found: str, fix: str, at: Any = file_pos) -> Diagnostic:
        return Diagnostic(doc.path, at.line, at.col, Severity.ERROR, rule, message, found, fix)

    if not photo.alt:
        yield diag(
            "photo-alt",
            "照片缺少替代文字（alt）",
            photo.file,
            "加一行 alt: 用一句话说明照片内容，例如“党员志愿者在村口为老人测血压”",
            item_pos,
        )
    if not photo.consent:
        yield diag(
            "photo-consent",
            "没有确认照片可以公开（consent）",
            photo.file,
            "照片中没有可辨认的人，或可辨认的人已同意公开时，写 consent: true；否则请删除这张照片",
            item_pos,
        )
    base = entry.dir.resolve()
    target = (entry.dir / photo.file).resolve()
    through_link = any((entry.dir / Path(*Path(photo.file).parts[: i + 1])).is_symlink() for i in range(len(Path(photo.file).parts)))
    if Path(photo.file).is_absolute() or through_link or not target.is_relative_to(base):
        yield diag(
            "photo-outside", "照片必须放在本组织文件夹的 photos/ 里", photo.file, "把照片复制到 photos/，写成 file: photos/文件名.jpg"
        )
        return
    if not target.is_file():
        photos_dir = entry.dir / "photos"
        names = sorted(p.name for p in photos_dir.iterdir()) if photos_dir.is_dir() else []
        near = difflib.get_close_matches(Path(photo.file).name, names, n=1, cutoff=0.5)
        fix = f"是不是 photos/{near[0]}？" if near else "把照片放进 photos/ 文件夹，并检查文件名（区分大小写）"
        yield diag("photo-missing", "找不到照片文件", photo.file, fix)
        return
    problem = _check_image(target)
    if problem:
        rule, message, fix = problem
        yield diag(rule, message, photo.file, fix)


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for entry in ds.orgs.values():
        for doc, loc, photo in _photo_refs(entry):
            yield from _check_ref(entry, doc, loc, photo)
