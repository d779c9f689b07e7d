"""Photos for the web: responsive renditions without metadata, kept in a content-addressed cache.

Each source photo becomes WebP and JPEG renditions at a few widths. Every rendition is decoded
and re-encoded: orientation applied from EXIF, colour converted to sRGB (CMYK and other ICC
profiles through LittleCMS, palette, 16-bit and alpha over white), the first frame of an
animation, and nothing else: no EXIF, no GPS, no XMP, no IPTC, no ICC profile is written.

The cache key is the source bytes plus the settings below, so an unchanged photo is never
processed twice. Entries are written to a temporary folder and renamed into place, which
makes concurrent builds safe: the loser of a race simply discards its copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps

from .diagnostics import Diagnostic, Severity
from .loader import position
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

WIDTHS = (480, 960, 1600)
FORMATS = (("webp", "WEBP", {"quality": 78, "method": 2}), ("jpg", "JPEG", {"quality": 80, "optimize": True, "progressive": True}))
SETTINGS = {"version": 2, "widths": WIDTHS, "formats": [(ext, fmt, opts) for ext, fmt, opts in FORMATS]}
_SETTINGS_BYTES = json.dumps(SETTINGS, sort_keys=True).encode()
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    ext: str
    file: Path  # in the cache


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
        return f"photos/{self.slug}/{self.stem}-{self.key[:10]}-{rendition.width}.{rendition.ext}"

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
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
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


def _decode(source: Path) -> Image.Image:
    # WeasyPrint sets this process-wide when imported (the PDF step, or a previous build under
    # `mkdocs serve`); a truncated photo must still be an error, not half a grey picture.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with Image.open(source) as image:
        image.seek(0)  # the first frame of an animation
        if image.format == "JPEG":  # let libjpeg decode at a reduced scale: much faster for phone photos
            width, height = image.size
            shown = height if image.getexif().get(0x0112, 1) in (5, 6, 7, 8) else width
            if shown > WIDTHS[-1]:
                scale = WIDTHS[-1] / shown
                image.draft(image.mode, (int(width * scale) + 1, int(height * scale) + 1))
        image.load()
        upright = ImageOps.exif_transpose(image)
        return _to_srgb(upright)


def render(source: str, target: str) -> list[tuple[int, int, str, str]]:
    """Write every rendition of `source` into the folder `target`; runs in a worker process."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _decode(Path(source))
    out: list[tuple[int, int, str, str]] = []
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    for width in sorted(set(widths)):
        height = round(image.height * width / image.width)
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for ext, fmt, options in FORMATS:
            name = f"{width}.{ext}"
            resized.save(Path(target) / name, fmt, **options)
            out.append((width, height, ext, name))
    return out


def _render_into_cache(source: str, final: str) -> tuple[str, str | None]:
    """Render into a temporary folder beside the cache entry, then rename it into place."""
    final_dir = Path(final)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=final_dir.parent))
    try:
        made = render(source, str(work))
        (work / "renditions.json").write_text(json.dumps(made), encoding="utf-8")
        try:
            os.replace(work, final_dir)
        except OSError:  # another build finished the same photo first
            shutil.rmtree(work, ignore_errors=True)
        return final, None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        shutil.rmtree(work, ignore_errors=True)
        return final, f"{type(exc).__name__}: {exc}"


def _load_entry(folder: Path) -> tuple[Rendition, ...] | None:
    manifest = folder / "renditions.json"
    if not manifest.is_file():
        return None
    made = json.loads(manifest.read_text(encoding="utf-8"))
    return tuple(Rendition(w, h, ext, folder / name) for w, h, ext, name in made)


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
        entry = ds.orgs[slug]
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


def prepare_photos(ds: Dataset, slugs: set[str], cache_dir: Path, *, workers: int | None = None, scope: str = "web") -> PhotoReport:
    """Every published photo of the given organizations, rendered into the cache where missing.
    `scope` "web" takes what the website shows; "board" what a printed 党务公开栏 shows (党内 too).

    A photo that cannot be decoded is a diagnostic at the line of the YAML that refers to it.
    """
    report = PhotoReport()
    refs = _refs(ds, slugs, scope)
    keys = {ref.source: cache_key(ref.source) for ref in refs}
    folders = {source: cache_dir / key[:2] / key for source, key in keys.items()}
    missing = sorted({str(s) for s, folder in folders.items() if _load_entry(folder) is None})
    failures: dict[str, str] = {}
    if missing:
        if len(missing) == 1 or workers == 1:
            results = [_render_into_cache(s, str(folders[Path(s)])) for s in missing]
        else:
            with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
                results = list(pool.map(_render_into_cache, missing, [str(folders[Path(s)]) for s in missing]))
        failures = {str(Path(folder)): error for folder, error in results if error}
    report.processed = len(missing) - len(failures)
    report.reused = len(folders) - len(missing)
    for ref in refs:
        folder = folders[ref.source]
        if str(folder) in failures:
            report.diagnostics.append(
                Diagnostic(ref.doc_path, ref.line, ref.col, Severity.ERROR, "photo-broken", "照片文件损坏或无法解码，网站无法显示",
                           f"{ref.file}（{failures[str(folder)]}）", "用手机相册或画图软件重新导出这张照片（JPG 格式）后再上传")
            )  # fmt: skip
            continue
        renditions = _load_entry(folder)
        if renditions is None:  # pragma: no cover - vanished between render and read
            continue
        report.sets[(ref.slug, ref.file)] = PhotoSet(
            keys[ref.source], ref.source, ref.slug, Path(ref.file).stem, ref.alt, ref.caption, ref.credit, renditions
        )
    return report
