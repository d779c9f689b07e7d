"""Walk every piece of free text in a document, with where it stands."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..loader import Document, Pos, YList, YMap, locate
from ..project import Dataset

BODY = "正文"


@dataclass(frozen=True, slots=True)
class Text:
    doc: Document
    loc: tuple[Any, ...]
    value: str
    pos: Pos  # where the value starts

    def where(self, start: int, end: int) -> Pos:
        """Position of value[start:end] in the file."""
        return locate(self.doc, self.value[start:end], self.pos)


def _walk(doc: Document, data: Any, loc: tuple[Any, ...], pos: Pos) -> Iterator[Text]:
    if isinstance(data, str):
        yield Text(doc, loc, data, pos)
    elif isinstance(data, YMap):
        for key, value in data.items():
            yield from _walk(doc, value, (*loc, key), data.value_pos[key])
    elif isinstance(data, YList):
        for i, value in enumerate(data):
            yield from _walk(doc, value, (*loc, i), data.item_pos[i])


def iter_texts(doc: Document) -> Iterator[Text]:
    """Every string value of the document, then its Markdown body."""
    if doc.data is not None:
        yield from _walk(doc, doc.data, (), Pos(1, 1))
    if doc.body.strip():
        yield Text(doc, (BODY,), doc.body, Pos(doc.body_line, 1))


def iter_all_texts(ds: Dataset) -> Iterator[Text]:
    for doc in ds.documents():
        yield from iter_texts(doc)
