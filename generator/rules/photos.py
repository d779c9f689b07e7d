"""Photo rule: each referenced photo exists, stays inside its organization's folder, is an
image by its content, is within byte and pixel limits, and has alt text and consent.

Headers are checked first (fast); then every photo that passed is fully decoded, through the
rendition cache of generator.images (keyed by content), so a broken photo is found here rather
than by the build, an unchanged photo costs one hash, and the build reuses what was rendered.
"""

from __future__ import annotations

import bisect
import difflib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..diagnostics import Diagnostic
from ..images import CACHE_DIR, HEIF, MAX_PIXELS, broken_photo, verify_photos
from ..loader import Document, position
from ..project import Dataset
from ..schema import Photo
from ..valid import ValidOrg

RULES = {
    "photo-missing": "照片文件不存在",
    "photo-outside": "照片路径指向本组织文件夹以外",
    "photo-not-image": "文件不是图片，或格式不支持",
    "photo-too-large": "照片超过 20 MB",
    "photo-too-many-pixels": "照片超过 5000 万像素（可能是“解压炸弹”）",
    "photo-alt": "照片缺少替代文字",
    "photo-consent": "未确认照片中人物同意公开",
    "photo-broken": "照片文件损坏，无法解码",
}

MAX_BYTES = 20 * 1024 * 1024
SUGGEST_FUZZY = 5000  # fuzzy "did you mean" searches per folder; past it, only case and extension slips are suggested
SUGGEST_NEIGHBOURS = 4  # names on each side, in sorted and in reversed-name order, that a fuzzy suggestion compares
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF", "TIFF"}


def _photo_refs(entry: ValidOrg) -> Iterator[tuple[Document, tuple[Any, ...], Photo]]:
    model = entry.model
    if model.brand is not None:
        for i, photo in enumerate(model.brand.photos):
            yield entry.doc, ("brand", "photos", i), photo
    for item in entry.disclosures:
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
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size check below names the size
        try:
            with Image.open(file) as image:
                width, height = image.size
                fmt = image.format or ""
        except Image.DecompressionBombError:
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


def _check_ref(entry: ValidOrg, doc: Document, loc: tuple[Any, ...], photo: Photo, decode: list[Any]) -> Iterator[Diagnostic]:
    """The header checks of one reference; a photo that passes them is queued in `decode`."""
    file_pos = position(doc.data, (*loc, "file"))
    item_pos = position(doc.data, loc)

    def diag(*, rule: str, message: str, found: str, fix: str, at: Any = file_pos) -> Diagnostic:
        return Diagnostic.at(doc.path, at, rule=rule, message=message, found=found, fix=fix)

    if not photo.alt:
        yield diag(
            rule="photo-alt",
            message="照片缺少替代文字（alt）",
            found=photo.file,
            fix="加一行 alt: 用一句话说明照片内容，例如“党员志愿者在村口为老人测血压”",
            at=item_pos,
        )
    if not photo.consent:
        yield diag(
            rule="photo-consent",
            message="没有确认照片可以公开（consent）",
            found=photo.file,
            fix="照片中没有可辨认的人，或可辨认的人已同意公开时，写 consent: true；否则请删除这张照片",
            at=item_pos,
        )
    base = entry.dir.resolve()
    target = (entry.dir / photo.file).resolve()
    through_link = any((entry.dir / Path(*Path(photo.file).parts[: i + 1])).is_symlink() for i in range(len(Path(photo.file).parts)))
    if Path(photo.file).is_absolute() or through_link or not target.is_relative_to(base):
        yield diag(
            rule="photo-outside",
            message="照片必须放在本组织文件夹的 photos/ 里",
            found=photo.file,
            fix="把照片复制到 photos/，写成 file: photos/文件名.jpg",
        )
        return
    if not target.is_file():
        cut = commented_out(entry.dir / Path(photo.file).parent, Path(photo.file).name)
        if cut:  # `file: photos/会议 #1.jpg`: YAML read " #1.jpg" as a comment
            quoted = (Path(photo.file).parent / cut).as_posix().replace("\\", "\\\\").replace('"', '\\"')
            fix = f'文件名里“空格+#”及后面的部分被 YAML 当成了注释：给路径加上英文双引号，写成 file: "{quoted}"'
        else:
            near = suggest(entry.dir / "photos", Path(photo.file).name)
            fix = f"是不是 photos/{near}？" if near else "把照片放进 photos/ 文件夹，并检查文件名（区分大小写）"
        yield diag(rule="photo-missing", message="找不到照片文件", found=photo.file, fix=fix)
        return
    problem = _check_image(target)
    if problem:
        rule, message, fix = problem
        yield diag(rule=rule, message=message, found=photo.file, fix=fix)
        return
    decode.append((target, doc.path, file_pos.line, file_pos.col, photo.file))


class _Folder:
    """A photos/ folder listed once and indexed for suggestions (by lower-case name, by stem, and
    sorted forwards and by reversed name), so that a suggestion never compares every pair."""

    def __init__(self, folder: Path) -> None:
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        self.lower = {n.lower(): n for n in reversed(names)}
        self.stems = {Path(n).stem.lower(): n for n in reversed(names)}
        self.forward = names
        self.backward = sorted(n[::-1] for n in names)
        self.fuzzy_left = SUGGEST_FUZZY

    def neighbours(self, name: str) -> list[str]:
        """Names that sort next to `name`, and next to it read backwards: a slip near the end of
        a name keeps its beginning, a slip near the beginning keeps its end."""
        at = bisect.bisect_left(self.forward, name)
        near = self.forward[max(0, at - SUGGEST_NEIGHBOURS) : at + SUGGEST_NEIGHBOURS]
        at = bisect.bisect_left(self.backward, name[::-1])
        near += [n[::-1] for n in self.backward[max(0, at - SUGGEST_NEIGHBOURS) : at + SUGGEST_NEIGHBOURS]]
        return list(dict.fromkeys(near))


_FOLDERS: dict[Path, _Folder] = {}


def commented_out(folder: Path, name: str) -> str | None:
    """The file of `folder` whose name is `name` followed by " #…": what YAML left of a photo
    name with " #" in it (the rest was read as a comment), or None."""
    index = _FOLDERS.get(folder)
    if index is None:
        index = _FOLDERS[folder] = _Folder(folder)
    at = bisect.bisect_left(index.forward, name + " #")
    found = index.forward[at] if at < len(index.forward) else ""
    return found if found.startswith(name + " #") else None


def suggest(folder: Path, name: str) -> str | None:
    """A file in `folder` that `name` probably meant: the same name in other case, the same stem
    with another extension, else (for the first SUGGEST_FUZZY misses of a folder) the closest of
    its neighbours in sorted order. Bounded: a folder of 10,000 files and 2,000 misses is quick."""
    index = _FOLDERS.get(folder)
    if index is None:
        index = _FOLDERS[folder] = _Folder(folder)
    found = index.lower.get(name.lower()) or index.stems.get(Path(name).stem.lower())
    if found or index.fuzzy_left <= 0:
        return found
    index.fuzzy_left -= 1
    near = difflib.get_close_matches(name, index.neighbours(name), n=1, cutoff=0.5)
    return near[0] if near else None


def check(ds: Dataset) -> Iterator[Diagnostic]:
    decode: list[tuple[Path, str, int, int, str]] = []
    _FOLDERS.clear()
    try:
        for entry in ds.valid.orgs.values():
            for doc, loc, photo in _photo_refs(entry):
                yield from _check_ref(entry, doc, loc, photo, decode)
    finally:
        _FOLDERS.clear()
    broken = verify_photos({target for target, *_ in decode}, ds.root / CACHE_DIR)
    for target, path, line, col, file in decode:
        if target in broken:
            yield broken_photo(path, line, col, file, broken[target])
