"""The public site, without MkDocs: validate a town and render every generated file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..diagnostics import DataError, Diagnostic
from ..loader import load_yaml
from ..project import TOWN_DIR, TOWN_FILES
from ..rules.schema import validate_document
from ..schema import Town
from ..validate import validate
from .build import SiteOptions, build_site, options_from_town

__all__ = ["SiteOptions", "generate", "read_town"]


def read_town(root: Path) -> Town | None:
    """The town's identity (name, site_url, footer numbers), or None while town.yml is invalid:
    the full validation in `generate` then reports why."""
    file = root / TOWN_DIR / TOWN_FILES["town"]
    if not file.is_file():
        return None
    model, _ = validate_document("town", load_yaml(file, file.name))
    return model


def generate(root: Path, today: dt.date | None = None) -> tuple[dict[str, str | bytes], list[Diagnostic]]:
    """Every generated file of the site and the warnings of the data.

    Raises DataError, carrying every diagnostic, when the data has errors: nothing is
    rendered from invalid data.
    """
    result = validate(root, today)
    if result.errors:
        raise DataError(result.diagnostics)
    return build_site(result, options_from_town(result)), result.warnings
