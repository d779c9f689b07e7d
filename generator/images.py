"""Photos for the web: responsive renditions without metadata, kept in a content-addressed cache.

Each source photo becomes WebP and JPEG renditions at a few widths. Every rendition is decoded
and re-encoded: orientation applied from EXIF, colour converted to sRGB (CMYK and other ICC
profiles through LittleCMS, palette, 16-bit and alpha over white), the first frame of an
animation, and nothing else: the encoder is handed pixels only (the decoded image's `info`, where
Pillow keeps EXIF, XMP, ICC, comments and text chunks, is emptied), so no EXIF, GPS, XMP, IPTC,
ICC profile, comment or text chunk of the source reaches a rendition, nor a PDF that embeds one.

Image work is bounded by pixels in flight, not by workers: renders are scheduled so that the
pixels being decoded at once stay under PIXEL_BUDGET whatever the core count.

Validation decodes every referenced photo through the same cache (`verify_photos`), so a broken
photo is found by `party365 validate` and the build then reuses the renditions. A failure to
write the cache is the machine's problem, not the clerk's photo: BuildEnvironmentError.

The cache key is the source bytes plus the settings below, so an unchanged photo is never
processed twice. Entries are written to a temporary folder and renamed into place, which
makes concurrent builds safe: the loser of a race simply discards its copy.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import unicodedata
import warnings
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageCms, ImageFile, ImageOps, features

from .diagnostics import Diagnostic, Severity
from .filemodes import temp_dir
from .loader import position
from .machine import BuildEnvironmentError, environment_message
from .project import Dataset
from .publication import board_photos, web_photos


def register_heif() -> bool:
    """Let Pillow open HEIC/HEIF photos from phones, where pillow-heif is installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - optional
        return False
    register_heif_opener()
    return True


HEIF = register_heif()

CACHE_DIR = Path(".cache") / "party365" / "photos"  # under the town's root, for the build and for validate
MAX_PIXELS = 50_000_000  # the photo-too-many-pixels rule; Pillow refuses to decode beyond it
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # a DecompressionBombWarning above it (an error in render), an error at twice it
PIXEL_BUDGET = 120_000_000  # decoded pixels in flight across all workers (about 12 bytes each at peak)

WIDTHS = (480, 960, 1600)
FORMATS = (("webp", "WEBP", {"quality": 78, "method": 2}), ("jpg", "JPEG", {"quality": 80, "optimize": True, "progressive": True}))
# Every input of a rendition's bytes besides the source: our code's version (3: pixels only,
# exact JPEG draft scale), the sizes and encoder settings, and the libraries that encode.
SETTINGS = {
    "version": 3,
    "widths": WIDTHS,
    "formats": [(ext, fmt, opts) for ext, fmt, opts in FORMATS],
    "libraries": {"pillow": PIL.__version__, **{name: features.version(name) for name in ("jpg", "webp", "littlecms2")}},
}
_SETTINGS_BYTES = json.dumps(SETTINGS, sort_keys=True).encode()
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    ext: str
    file: Path  # in the cache


_NOT_IN_NAME = re.compile(r"[^\w.-]+")  # \w: letters and digits of every script (Chinese stays), and _
NAME_BYTES = 150  # the rendition's name part from the photo's: room for "-<key>-1600.webp" under 255 bytes


def web_name(stem: str) -> str:
    """The part of a rendition's file name taken from the photo's (会议 照片(1) → 会议-照片-1).

    Letters and digits of any script, "_", "-" and "." are kept; every run of anything else
    (spaces, # ? , % & = ; + quotes brackets, full-width punctuation) becomes one "-". Such names
    need no escaping in a srcset (where ", " and spaces separate candidates) nor on any host (no
    "?" for Windows, no leading "." that servers hide), and read as the clerk named the photo.
    The content key beside it keeps two photos whose names differ only there apart."""
    name = _NOT_IN_NAME.sub("-", unicodedata.normalize("NFC", stem))
    name = re.sub(r"-{2,}", "-", name).strip("-.")
    while len(name.encode()) > NAME_BYTES:
        name = name[:-1]
    return name.rstrip("-.") or "photo"


@dataclass(frozen=True)
class PhotoSet:
    """One source photo with its renditions, as a page shows it."""

    key: str
    source: Path
    slug: str
    stem: str
    alt: str
    caption: str
    credit: str
    renditions: tuple[Rendition, ...] = ()

    def dest(self, rendition: Rendition) -> str:
        """The rendition's path in the site (a file name: links to it go through `publication.url_path`)."""
        return f"photos/{self.slug}/{web_name(self.stem)}-{self.key[:10]}-{rendition.width}.{rendition.ext}"

    def of(self, ext: str) -> list[Rendition]:
        return [r for r in self.renditions if r.ext == ext]

    @property
    def largest(self) -> Rendition:
        return self.of("jpg")[-1]


@dataclass
class PhotoReport:
    """What the photo step did: processed and reused photos, and problems found decoding."""

    sets: dict[tuple[str, str], PhotoSet] = field(default_factory=dict)  # (slug, file as written) -> set
    processed: int = 0
    reused: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def files(self) -> dict[str, Path]:
        return {s.dest(r): r.file for s in self.sets.values() for r in s.renditions}


def cache_key(source: Path) -> str:
    digest = hashlib.sha256(_SETTINGS_BYTES)
    with source.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB in sRGB, whatever the source: CMYK, ICC profiles, palette, 16-bit, alpha over white."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to the plain conversion below
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB") if image.mode != "RGB" else image


_DECODE_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning)


def _draft_size(image: Image.Image) -> tuple[int, int] | None:
    """For a JPEG larger than the largest rendition: the size to ask libjpeg for (it then
    decodes at 1/2, 1/4 or 1/8 scale, much faster and smaller). None otherwise."""
    if image.format not in ("JPEG", "MPO"):
        return None
    width, height = image.size
    shown = height if image.getexif().get(0x0112, 1) in (5, 6, 7, 8) else width
    if shown <= WIDTHS[-1]:
        return None
    scale = WIDTHS[-1] / shown
    return (math.ceil(width * scale), math.ceil(height * scale))


def decoded_pixels(source: Path) -> int:
    """How many pixels decoding `source` will hold, read from its header without decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                wanted = _draft_size(image)
                if wanted:
                    image.draft(image.mode, wanted)
                return max(1, image.width * image.height)
    except (*_DECODE_ERRORS, Exception):  # the decode itself reports it; cost it as the limit
        return MAX_PIXELS


def _decode(source: Path) -> Image.Image:
    # WeasyPrint sets this process-wide when imported (the PDF step, or a previous build under
    # `mkdocs serve`); a truncated photo must still be an error, not half a grey picture.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with Image.open(source) as image:
        image.seek(0)  # the first frame of an animation
        wanted = _draft_size(image)
        if wanted:  # let libjpeg decode at a reduced scale: much faster for phone photos
            image.draft(image.mode, wanted)
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # no second copy of a large photo
        return _to_srgb(image)


def _pixels_only(image: Image.Image) -> Image.Image:
    """The same pixels with nothing else: Pillow's writers copy some of `info` into the file
    (the JPEG writer a comment from a COM marker, a PNG text chunk or a GIF comment)."""
    image.info = {}
    if hasattr(image, "encoderinfo"):
        image.encoderinfo = {}
    return image


def decode(source: Path) -> Image.Image:
    """The photo, upright, in sRGB, with its metadata dropped; raises one of _DECODE_ERRORS."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return _pixels_only(_decode(source))


def write_renditions(image: Image.Image, target: Path) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    for width in sorted(set(widths)):
        height = round(image.height * width / image.width)
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for ext, fmt, options in FORMATS:
            name = f"{width}.{ext}"
            _pixels_only(resized).save(target / name, fmt, **options)
            out.append((width, height, ext, name))
    return out


# A job's outcome: ("ok", ""), ("broken", what the decoder said), or ("machine", Chinese message).
Outcome = tuple[str, str]


def _render_into_cache(source: str, final: str) -> Outcome:
    """Decode, then render into a temporary folder beside the cache entry and rename it into place.
    A decode failure is the photo's; a failure to write is the machine's, told apart here."""
    final_dir = Path(final)
    try:
        image = decode(Path(source))
    except _DECODE_ERRORS as exc:
        return "broken", f"{type(exc).__name__}: {exc}"
    work: Path | None = None
    try:
        final_dir.parent.mkdir(parents=True, exist_ok=True)
        work = temp_dir(final_dir.parent)  # the mode of mkdir(), not mkdtemp's 0700
        made = write_renditions(image, work)
        (work / "renditions.json").write_text(json.dumps(made), encoding="utf-8")
        try:
            os.replace(work, final_dir)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or _load_entry(final_dir) is None:
                raise
            shutil.rmtree(work, ignore_errors=True)  # another build finished the same photo first
        return "ok", ""
    except OSError as exc:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        if exc.errno is None:  # an encoder error, not the file system: treat as the photo's
            return "broken", f"{type(exc).__name__}: {exc}"
        return "machine", environment_message(exc.errno, str(exc.filename or final_dir.parent), exc.strerror or "")


def _run(
    jobs: list[tuple[str, str]], workers: int | None, budget: int = PIXEL_BUDGET, executor: Any = ProcessPoolExecutor
) -> dict[str, Outcome]:
    """Render `jobs` (source, cache folder), in parallel where there are several, so that the
    pixels decoded at once stay under `budget` (one photo larger than it runs alone)."""
    if len(jobs) <= 1 or workers == 1 or multiprocessing.current_process().daemon:  # a daemon cannot have workers
        return {source: _render_into_cache(source, final) for source, final in jobs}
    cost = {source: decoded_pixels(Path(source)) for source, _ in jobs}
    results: dict[str, Outcome] = {}
    pending = list(jobs)
    running: dict[Future[Outcome], str] = {}
    in_flight = 0
    with executor(max_workers=min(workers or os.cpu_count() or 1, len(jobs))) as pool:
        while pending or running:
            while pending and (not running or in_flight + cost[pending[0][0]] <= budget):
                source, final = pending.pop(0)
                running[pool.submit(_render_into_cache, source, final)] = source
                in_flight += cost[source]
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                source = running.pop(future)
                in_flight -= cost[source]
                results[source] = future.result()
    return results


def _load_entry(folder: Path) -> tuple[Rendition, ...] | None:
    manifest = folder / "renditions.json"
    if not manifest.is_file():
        return None
    made = json.loads(manifest.read_text(encoding="utf-8"))
    return tuple(Rendition(w, h, ext, folder / name) for w, h, ext, name in made)


def cached_renditions(cache_dir: Path, key: str) -> tuple[Rendition, ...]:
    """The renditions of the photo with cache key `key`, or () while it is not in the cache."""
    return _load_entry(cache_dir / key[:2] / key) or ()


@dataclass(frozen=True)
class _Ref:
    slug: str
    file: str
    source: Path
    alt: str
    caption: str
    credit: str
    doc_path: str
    line: int
    col: int


def _refs(ds: Dataset, slugs: set[str], scope: str) -> list[_Ref]:
    """The photos to render: what the publication policy lets the website (or a board) show."""
    select = board_photos if scope == "board" else web_photos
    refs: list[_Ref] = []
    for slug in sorted(slugs):
        entry = ds.valid.orgs[slug]
        for ref in select(entry, ds.today):
            doc, photo = ref.doc, ref.photo
            pos = position(doc.data, (*ref.loc, "file"))
            refs.append(
                _Ref(
                    slug,
                    photo.file,
                    entry.dir / photo.file,
                    photo.alt or "",
                    photo.caption or "",
                    photo.credit or "",
                    doc.path,
                    pos.line,
                    pos.col,
                )
            )
    return refs


def _ensure(sources: Iterable[Path], cache_dir: Path, workers: int | None) -> tuple[dict[Path, str], dict[Path, Outcome], int]:
    """Keys of `sources`, and the outcome of rendering those not in the cache yet (and how many were)."""
    keys = {source: cache_key(source) for source in sources}
    missing = sorted(str(s) for s, key in keys.items() if _load_entry(cache_dir / key[:2] / key) is None)
    outcomes = _run([(s, str(cache_dir / keys[Path(s)][:2] / keys[Path(s)])) for s in missing], workers)
    return keys, {Path(s): outcome for s, outcome in outcomes.items()}, len(missing)


def verify_photos(sources: Iterable[Path], cache_dir: Path, *, workers: int | None = None) -> dict[Path, str]:
    """Fully decode each photo not yet in the rendition cache (and render it there, so the build
    reuses it); an unchanged photo costs a hash. Returns {source: what the decoder said} for the
    photos that cannot be decoded. A cache that cannot be written does not fail validation: the
    photo was decoded before the write, so it is good, just not cached."""
    _, outcomes, _ = _ensure(sources, cache_dir, workers)
    return {source: detail for source, (status, detail) in outcomes.items() if status == "broken"}


def prepare_photos(ds: Dataset, slugs: set[str], cache_dir: Path, *, workers: int | None = None, scope: str = "web") -> PhotoReport:
    """Every published photo of the given organizations, rendered into the cache where missing.
    `scope` "web" takes what the website shows; "board" what a printed 党务公开栏 shows (党内 too).

    A photo that cannot be decoded is a diagnostic at the line of the YAML that refers to it.
    A cache that cannot be written raises BuildEnvironmentError (once, with a Chinese message).
    """
    report = PhotoReport()
    refs = _refs(ds, slugs, scope)
    keys, outcomes, missing = _ensure({ref.source for ref in refs}, cache_dir, workers)
    machine = sorted({detail for status, detail in outcomes.values() if status == "machine"})
    if machine:
        raise BuildEnvironmentError(machine[0])
    failures = {source: detail for source, (status, detail) in outcomes.items() if status == "broken"}
    report.processed = missing - len(failures)
    report.reused = len(keys) - missing
    for ref in refs:
        if ref.source in failures:
            report.diagnostics.append(broken_photo(ref.doc_path, ref.line, ref.col, ref.file, failures[ref.source]))
            continue
        key = keys[ref.source]
        renditions = _load_entry(cache_dir / key[:2] / key)
        if renditions is None:  # pragma: no cover - vanished between render and read
            continue
        report.sets[(ref.slug, ref.file)] = PhotoSet(
            key, ref.source, ref.slug, Path(ref.file).stem, ref.alt, ref.caption, ref.credit, renditions
        )
    return report


def broken_photo(path: str, line: int, col: int, file: str, detail: str) -> Diagnostic:
    """The photo-broken diagnostic, the same from validate and from the build."""
    return Diagnostic(
        path,
        line,
        col,
        Severity.ERROR,
        rule="photo-broken",
        message="照片文件损坏或无法解码，网站无法显示",
        found=f"{file}（{detail}）",
        fix="用手机相册或画图软件重新导出这张照片（JPG 格式）后再上传",
    )


def is_rendition(file: Path) -> bool:
    """Whether `file` is a rendition in the cache (listed in its entry's manifest): what a PDF may embed."""
    entry = _load_entry(file.parent)
    return entry is not None and any(r.file.name == file.name for r in entry)
