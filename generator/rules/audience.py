"""Audience rule: an item that reads as 党内 business but is written as public gets a warning.

The publication policy (`generator.publication`) keeps such an item internal when its file
says nothing; a file that says `audience: 向社会公开` is published, and the office is told,
because a 党内通报 or a list of 困难党员 on the public web cannot be taken back.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, Severity
from ..loader import position
from ..project import Dataset
from ..publication import INTERNAL_NOTICE_KINDS, PUBLIC, audience_written, looks_internal
from ..schema import Notice

RULES = {
    "audience-public-internal": "看起来是党内事项（党内通报、标题含“党内”“困难党员”）却写明向社会公开（警告）",
}


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for entry in ds.valid.orgs.values():
        for item in entry.items:
            if audience_written(item) != PUBLIC or not looks_internal(item):
                continue
            if isinstance(item.model, Notice) and item.model.kind in INTERNAL_NOTICE_KINDS:
                continue  # refused outright by notice-audience
            pos = position(item.doc.data, ("audience",))
            yield Diagnostic.at(
                item.doc.path,
                pos,
                severity=Severity.WARNING,
                rule="audience-public-internal",
                message="这条看起来是党内事项，却写了向社会公开，会出现在网站上",
                found=PUBLIC,
                fix="确实要上网站就保留；只在党内公开请改为 audience: 党内（会印在党务公开栏上，不上网站）",
            )
