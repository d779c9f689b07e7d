"""Placeholder rule: what `party365 new` writes for the clerk to replace must not be published.

The template marks every fact it cannot know: `待填写` in text, the phone number 0000-00000000,
0 for the member count and the floor areas, `your-username` for the maintainer. An untouched
template is syntactically valid, so without this rule it would pass and go on the website.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..loader import Document, Pos, YList, YMap, locate, position
from ..project import Dataset

RULES = {
    "template-placeholder": "模板里的占位内容还没有改（待填写、电话 0000-00000000、党员总数或面积为 0、维护人 your-username）",
}

PLACEHOLDER_TEXT = "待填写"
PLACEHOLDER_PHONE = "0000-00000000"
PLACEHOLDER_MAINTAINER = "your-username"

_ZERO_PHONE = re.compile(r"^[0\s\-－()（）+]*0[0\s\-－()（）]*$")

# Numbers the template writes as 0 for the clerk to fill in, by their place in org.yml.
_ZERO_FACTS = {
    ("members", "total"): ("党员总数还是模板里的 0", "写上本组织的党员总数（阿拉伯数字），例如 total: 36"),
    ("space", "area"): ("活动场所面积还是模板里的 0", "写上活动场所的面积（平方米），例如 area: 150"),
    ("space", "hall_area"): ("服务中心大厅面积还是模板里的 0", "写上党员群众服务中心大厅的面积（平方米），例如 hall_area: 80"),
}


def _error(doc: Document, pos: Pos, message: str, found: str, fix: str) -> Diagnostic:
    return Diagnostic(doc.path, pos.line, pos.col, Severity.ERROR, "template-placeholder", message, found, fix)


def _strings(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text value in the document with its path."""
    if isinstance(data, YMap):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, YList):
        for i, value in enumerate(data):
            yield from _strings(value, (*loc, i))
    elif isinstance(data, str):
        yield loc, data


def _check_text(doc: Document) -> Iterator[Diagnostic]:
    for loc, value in _strings(doc.data):
        key = str(loc[-1]) if loc else ""
        if PLACEHOLDER_TEXT in value:
            pos = locate(doc, PLACEHOLDER_TEXT, position(doc.data, loc))
            yield _error(
                doc, pos, "这里还是模板里的“待填写”", value.strip(), f"把“{key}”后面的“待填写……”换成真实内容；选填的字段不需要时整行删掉"
            )
        elif key == "phone" and _ZERO_PHONE.match(value):
            yield _error(
                doc,
                position(doc.data, loc),
                "电话号码还是模板里的 0000-00000000",
                value,
                '改成真实的办公电话并加引号，例如 phone: "0519-88881234"；没有办公电话就整行删掉',
            )
        elif key == PLACEHOLDER_MAINTAINER or value.lstrip("@") == PLACEHOLDER_MAINTAINER:
            yield _error(
                doc,
                position(doc.data, loc),
                "维护人还是模板里的 your-username",
                value,
                "改成负责本组织资料的同志在代码仓库（GitHub/GitLab/Gitee）的用户名",
            )
    if PLACEHOLDER_TEXT in doc.body:
        pos = locate(doc, PLACEHOLDER_TEXT, Pos(doc.body_line, 1))
        line = doc.body.split("\n")[pos.line - doc.body_line].strip() if pos.line >= doc.body_line else ""
        yield _error(doc, pos, "正文里还有模板里的“待填写”", line, "把“待填写”换成真实内容")


def _check_org_numbers(doc: Document) -> Iterator[Diagnostic]:
    for loc, (message, fix) in _ZERO_FACTS.items():
        node: Any = doc.data
        for part in loc:
            node = node.get(part) if isinstance(node, dict) else None
        if node == 0 and not isinstance(node, bool):
            yield _error(doc, position(doc.data, loc), message, "0", fix)


def check(ds: Dataset) -> Iterator[Diagnostic]:
    """Placeholders in organizations' files and the town's data (not in the guide, which names them)."""
    for doc in [*ds.town_docs.values(), *ds.collection_docs.values()]:
        if doc.ok:
            yield from _check_text(doc)
    for entry in ds.orgs.values():
        if entry.doc.ok:
            yield from _check_text(entry.doc)
            yield from _check_org_numbers(entry.doc)
        for item in [*entry.disclosures, *entry.notices]:
            if item.doc.ok:
                yield from _check_text(item.doc)
