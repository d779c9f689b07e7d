"""Validate a town, render its photos and booklets, and render every generated file of the site."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import cache, printing
from ..diagnostics import DataError, Diagnostic
from ..images import CACHE_DIR, PhotoReport, prepare_photos
from ..loader import load_yaml
from ..manifest import check_published
from ..project import TOWN_DIR, TOWN_FILES, Dataset, display_path
from ..rules.schema import validate_document
from ..schema import Town
from ..validate import validate
from .build import Page, SiteBuilder, options_from_town
from .tianditu import find_leaflet, missing_reason, tianditu_key


def town_problems(root: Path) -> list[Diagnostic]:
    """The errors of town.yml (reading it, and the contract), at their lines: why `read_town` is None."""
    file = root / TOWN_DIR / TOWN_FILES["town"]
    if file.is_symlink() or not file.exists():
        return validate(root).errors  # a link or no file: the validator's own words
    doc = load_yaml(file, display_path(root, file))
    _, problems = validate_document("town", doc)
    return [d for d in doc.diagnostics + problems if d.is_error]


def read_town(root: Path) -> Town | None:
    """The town's identity (name, site_url, footer numbers), or None while town.yml is invalid:
    the full validation in `generate` then reports why."""
    file = root / TOWN_DIR / TOWN_FILES["town"]
    if file.is_symlink() or not file.is_file():  # never read through a link (the validator says why)
        return None
    model, _ = validate_document("town", load_yaml(file, file.name))
    return model


@dataclass
class Generated:
    """The generated files (text, bytes, or a file on disk for photos) and what it took."""

    files: dict[str, str | bytes | Path | Page]
    warnings: list[Diagnostic]
    photos_processed: int
    photos_reused: int
    print_problem: str | None = None  # why the PDF booklets could not be made, if they could not
    dataset: Dataset | None = None  # the validated town the files were made from
    map_problem: str | None = None  # why the 天地图 switch is missing although town.yml sets a key


def generate(root: Path, today: dt.date | None = None, *, cache_dir: Path | None = None) -> Generated:
    """Every generated file of the site, after validating the data and rendering the photos.

    Raises DataError, carrying every diagnostic, when the data has errors, when a record the
    deployed site lists (town.yml `published_manifest`) would be dropped without a withdrawal,
    or when a photo cannot be decoded: nothing is rendered from invalid data.
    """
    with cache.session(root):  # parsed files, rendered Markdown and per-text checks are reused where unchanged
        return _generate(root, today, cache_dir)


def _generate(root: Path, today: dt.date | None, cache_dir: Path | None) -> Generated:
    result = validate(root, today)
    if result.errors:
        raise DataError(result.diagnostics)
    options = options_from_town(result)
    dropped, unavailable = check_published(result.dataset, options.site_url, result.dataset.valid.settings.published_manifest)
    if dropped:  # a published record would vanish: refuse before anything is written
        raise DataError(dropped + result.warnings)
    slugs = set(result.dataset.valid.orgs)
    photos = prepare_photos(result.dataset, slugs, cache_dir or root / CACHE_DIR)
    if photos.diagnostics:
        raise DataError(photos.diagnostics + result.warnings)
    booklets, print_problem = _booklets(result.dataset, photos, (cache_dir or root / CACHE_DIR).parent / "pdf", demo=options.demo)
    leaflet = find_leaflet(root) if tianditu_key(result.dataset.valid.town) else None
    map_problem = missing_reason() if tianditu_key(result.dataset.valid.town) and leaflet is None else None
    builder = SiteBuilder(result, options, photos, booklets, leaflet)
    files = builder.build()
    return Generated(files, result.warnings + unavailable, photos.processed, photos.reused, print_problem, result.dataset, map_problem)


def _booklets(ds: Dataset, photos: PhotoReport, cache: Path, *, demo: bool) -> tuple[dict[str, Path], str | None]:
    """PDF booklets of the collections, typeset before MkDocs touches the site directory."""
    booklets: dict[str, Path] = {}
    for cid in ds.valid.collections:
        try:
            booklets[cid], _ = printing.cached_pdf(printing.booklet_html(ds, cid, photos, demo=demo), cache)
        except printing.PrintUnavailable as exc:
            return {}, str(exc)
    return booklets, None
