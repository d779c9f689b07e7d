"""The typed town: what the model step (`rules.schema.build_models`) makes of a loaded `Dataset`.

Only what passed the contract is here, frozen and typed: an organization whose org.yml is
valid, with its items whose file name and fields are valid. So nothing downstream asks "is
there a model?": rules read these records (and the loaded documents for positions), and the
outputs (pages, PDFs, exports, diff, boards) run only on a town without errors, where every
loaded file has its record here.

Everything loaded, valid or not, stays in `Dataset` (`orgs`, `town_docs`, ...) for the rules
that report on files: a reference to an organization that exists (`slug in ds.orgs`) but is
not valid (`slug not in ds.valid.orgs`) is not reported again, its own file already is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Generic, Literal, TypeVar

from .loader import Document
from .schema import Assessments, Collection, Disclosure, Holidays, Notice, Org, Plan, Renames, Routes, Town

M = TypeVar("M", Disclosure, Notice)


@dataclass(frozen=True)
class ValidItem(Generic[M]):
    """A dated item whose file name and fields are valid: a disclosure or a notice."""

    kind: Literal["disclosure", "notice"]
    doc: Document
    file: Path
    date: dt.date  # from the file name
    name: str  # the file name's slug part, stable in URLs
    model: M


AnyItem = ValidItem[Disclosure] | ValidItem[Notice]


@dataclass(frozen=True)
class ValidOrg:
    """An organization whose org.yml is valid, with its valid items (file-name order)."""

    slug: str
    dir: Path
    doc: Document
    model: Org
    disclosures: tuple[ValidItem[Disclosure], ...] = ()
    notices: tuple[ValidItem[Notice], ...] = ()

    @property
    def display(self) -> str:
        return self.doc.path

    @property
    def items(self) -> tuple[AnyItem, ...]:
        """Disclosures, then notices."""
        return (*self.disclosures, *self.notices)


def _frozen_map() -> Mapping[str, ValidOrg]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ValidTown:
    """The valid part of a town: the town's own files and every valid organization."""

    today: dt.date
    orgs: Mapping[str, ValidOrg] = field(default_factory=_frozen_map)  # slug -> organization, sorted by slug
    town: Town | None = None  # town.yml
    plan: Plan | None = None
    assessments: Assessments | None = None
    routes: Routes | None = None
    holidays: Holidays | None = None
    renames: Renames | None = None
    collections: Mapping[str, Collection] = field(default_factory=lambda: MappingProxyType({}))  # id -> collection

    @property
    def settings(self) -> Town:
        """town.yml, for the outputs. They run only on a town without errors, and a town
        without a valid town.yml has one (file-missing or a schema error), so it is there."""
        if self.town is None:
            raise RuntimeError("outputs need a valid content/_town/town.yml; validate first")
        return self.town
