"""Load a town and run every rule: the one entry point for the CLI and the plugin."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import cache
from .dates import town_today
from .diagnostics import Diagnostic, Severity
from .project import Dataset, load_dataset
from .rules import MODULES, brands
from .rules.schema import build_models
from .schema import SECTORS


@dataclass
class Result:
    dataset: Dataset
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def summary(self) -> dict[str, object]:
        orgs = [e.model for e in self.dataset.valid.orgs.values()]
        sectors: Counter[str] = Counter(o.sector for o in orgs)
        tally = brands.counts(self.dataset)
        return {
            "organizations": len(self.dataset.orgs),
            "by_sector": {s: sectors[s] for s in SECTORS},
            "brands": {"一期": tally["一期"], "二期": tally["二期"]},
            "demo_sites": tally["区级示范点"],
            "disclosures": sum(len(e.disclosures) for e in self.dataset.orgs.values()),
            "notices": sum(len(e.notices) for e in self.dataset.orgs.values()),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def validate(root: Path, today: dt.date | None = None) -> Result:
    """Load everything under `root` and return every problem found, sorted, YAML syntax first."""
    with cache.session(root):  # parsed files and per-text work come from the content cache where unchanged
        return _validate(root, today)


def _validate(root: Path, today: dt.date | None) -> Result:
    ds = load_dataset(root, today or town_today(root)[0])  # the demo pins its date; a real town is checked as of today
    found = list(ds.diagnostics)
    for doc in ds.documents():
        found.extend(doc.diagnostics)
    found.extend(build_models(ds))  # typed models first: every rule below only reads them
    for module in MODULES:
        found.extend(module.check(ds))
    unique = sorted(set(found), key=Diagnostic.sort_key)
    return Result(ds, unique)
