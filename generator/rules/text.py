"""Walk every piece of free text in a document, with where it stands."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..loader import Document, Pos, YList, YMap, locate
from ..project import Dataset

BODY = "正文"
FILE_NAME = "文件名"

PLAIN = "plain"  # a YAML string: escaped by the templates, never HTML
MARKDOWN = "markdown"  # an organization's Markdown body: rendered and cleaned
TOWN = "town"  # a town-owned Markdown page under content/, rendered by MkDocs
NAME = "name"  # a file or folder name that becomes part of a URL


@dataclass(frozen=True, slots=True)
class Text:
    doc: Document
    loc: tuple[Any, ...]
    value: str
    pos: Pos  # where the value starts
    kind: str = PLAIN

    def where(self, start: int, end: int) -> Pos:
        """Position of value[start:end] in the file (a name stands at the file's start): exact
        where the value stands verbatim in the file (a body, a one-line scalar), else the first
        place after the value's start where that piece of text appears."""
        if self.kind == NAME:
            return self.pos
        base = _offset_of(self.doc.text, self.pos)
        if base is not None:
            for skip in (0, 1):  # a quoted scalar starts at its quote
                if self.doc.text.startswith(self.value, base + skip) and self.value:
                    return _pos_at(self.doc.text, base + skip + start)
        needle = self.value[start:end]
        if len(needle) < 12:  # a short piece is found more surely with what follows it
            needle = self.value[start : start + 24].split("\n")[0] or needle
        return locate(self.doc, needle, self.pos)


def _offset_of(text: str, pos: Pos) -> int | None:
    offset = 0
    for _ in range(pos.line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    return offset + pos.col - 1


def _pos_at(text: str, offset: int) -> Pos:
    line_start = text.rfind("\n", 0, offset) + 1
    return Pos(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _walk(doc: Document, data: Any, loc: tuple[Any, ...], pos: Pos) -> Iterator[Text]:
    if isinstance(data, str):
        yield Text(doc, loc, data, pos)
    elif isinstance(data, YMap):
        for key, value in data.items():
            yield from _walk(doc, value, (*loc, key), data.value_pos[key])
    elif isinstance(data, YList):
        for i, value in enumerate(data):
            yield from _walk(doc, value, (*loc, i), data.item_pos[i])


def iter_texts(doc: Document, *, town: bool = False) -> Iterator[Text]:
    """Every string value of the document, then its Markdown body."""
    if doc.data is not None:
        yield from _walk(doc, doc.data, (), Pos(1, 1))
    if doc.body.strip():
        yield Text(doc, (BODY,), doc.body, Pos(doc.body_line, 1), TOWN if town else MARKDOWN)


def iter_all_texts(ds: Dataset) -> Iterator[Text]:
    pages = {id(doc) for doc in ds.pages.values()}
    for doc in ds.documents():
        yield from iter_texts(doc, town=id(doc) in pages)


def iter_names(ds: Dataset) -> Iterator[Text]:
    """File and folder names that become URLs, anchors and search locations."""
    start = Pos(1, 1)
    for entry in ds.orgs.values():
        yield Text(entry.doc, (FILE_NAME,), entry.slug, start, NAME)
        for item in [*entry.disclosures, *entry.notices]:
            yield Text(item.doc, (FILE_NAME,), item.name, start, NAME)
    for key, doc in ds.collection_docs.items():
        yield Text(doc, (FILE_NAME,), key, start, NAME)
    for key, doc in ds.pages.items():
        yield Text(doc, (FILE_NAME,), key, start, NAME)
