"""Text cannot lie: no bidi controls, control characters or invisible characters anywhere.

Every YAML file (org.yml, front matter, the town's data), every Markdown body and every file or
folder name under organizations/ and content/ is read for the characters of `generator.chars`, in
each form that puts one into the published text:

- the character itself, wherever it stands in the file (values, keys, comments, bodies);
- an escape of a double-quoted YAML string (`"\\u202e"`, `"\\x01"`, `"\\e"`, `"\\N"`, `"\\L"`);
- a character reference (`&#x202E;`, `&#8238;`, `&rlm;`, `&zwj;`), which Markdown and the
  browser turn into the character.

Each is reported at its own line and column with its code and name (U+202E 从右到左覆盖). In an
organization's full name, short name or brand name the rule is `name-invisible` (names are also
compared by skeleton, rules/refs.py); elsewhere `text-bidi`, `text-control` or `text-invisible`.
Raw C0 and C1 controls, DEL, U+2028/2029 and U+FFFE/FFFF never get this far: the loader refuses
the file at the character (file-encoding); written as escapes or references they are text-control.
"""

from __future__ import annotations

import html.entities
import os
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..chars import BIDI, CONTROL, HIDDEN_RE, describe, hidden_class, show
from ..diagnostics import Diagnostic
from ..loader import Document, Pos, YList, YMap
from ..project import ORGS_DIR, PAGES_DIR, Dataset, display_path
from .schema import _label

RULES = {
    "text-bidi": "文字、字段或文件名里有方向控制符（如 U+202E 从右到左覆盖）：网页上显示的和实际内容（拨打的号码、链接）不一样",
    "text-control": "文字、字段或文件名里有看不见的控制字符（含双引号里的反斜杠转义写法和 & 开头的字符引用）",
    "text-invisible": "文字、字段或文件名里有看不见的字符（零宽空格、零宽连字、变体选择符、标签字符、盲文空白等）",
    "name-invisible": "全称、简称或品牌名称里有看不见的字符（零宽空格、方向控制符、控制字符等）",
}

_RULE = {BIDI: "text-bidi", CONTROL: "text-control"}
_NAME_FIELDS = {("name",): "全称", ("short_name",): "简称", ("brand", "name"): "品牌名称"}
_WHAT = {BIDI: "方向控制符", CONTROL: "看不见的控制字符"}
_WHY = {BIDI: "：它改变文字的显示顺序，读者看到的和实际内容（拨打的号码、点开的链接）不一样"}
_RETYPE = "删除这个字符：把这一段删掉后用键盘重新输入，不要从网页、聊天软件或 Word 里复制粘贴"

# A character reference as HTML reads it: numeric (with or without `;`) or named.
_REFERENCE = re.compile(r"&#[xX]([0-9a-fA-F]{1,8});?|&#([0-9]{1,10});?|&([A-Za-z][A-Za-z0-9]{1,31};?)")
# An escape of a double-quoted YAML scalar.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_NAMED_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c", "r": "\r", "e": "\x1b"}
_NAMED_ESCAPES |= {"N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


@dataclass(frozen=True, slots=True)
class _Hit:
    offset: int  # in the document's text
    char: str  # the character the text holds there
    written: str = ""  # an escape or a character reference, when not the character itself


def _reference(match: re.Match[str]) -> str:
    """The characters a character reference stands for ('' when none)."""
    hex_digits, digits, name = match.groups()
    if name is not None:
        if name in html.entities.html5:
            return html.entities.html5[name]
        # In text a browser also reads the longest legacy name without `;` that starts it: `&shyx`.
        prefix = next((name[:k] for k in range(len(name.rstrip(";")), 1, -1) if name[:k] in html.entities.html5), None)
        return html.entities.html5[prefix] if prefix else ""
    code = int(hex_digits, 16) if hex_digits is not None else int(digits)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # what HTML reads for a number that is no character
    if 0x80 <= code <= 0x9F:  # HTML reads these as Windows-1252 (&#x85; is …) where that has a character
        try:
            return bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            pass
    return {0: "\ufffd"}.get(code, chr(code))


def _escape(match: re.Match[str]) -> str:
    body = match.group(1)
    if len(body) > 1:
        code = int(body[1:], 16)
        return chr(code) if code <= 0x10FFFF else ""
    return _NAMED_ESCAPES.get(body, "")


def _quoted_hits(text: str, start: int) -> Iterator[_Hit]:
    """Hidden characters written as escapes in the double-quoted scalar opening at `start`."""
    i = start + 1
    while i < len(text) and text[i] != '"':
        if text[i] == "\\":
            m = _ESCAPE.match(text, i)
            if m is None:
                return
            for ch in _escape(m):
                if hidden_class(ch):
                    yield _Hit(i, ch, m.group())
            i = m.end()
        else:
            i += 1


def _offsets(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _pos(lines: list[int], offset: int) -> Pos:
    line = bisect_right(lines, offset)
    return Pos(line, offset - lines[line - 1] + 1)


def _nodes(data: Any, loc: tuple[Any, ...], out: list[tuple[Pos, str, tuple[Any, ...]]]) -> None:
    """Every key and scalar value of the document with where it starts: ("key" | "value", loc)."""
    if isinstance(data, YMap):
        for key, value in data.items():
            out.append((data.key_pos[key], "key", (*loc, key)))
            if isinstance(value, YMap | YList):
                _nodes(value, (*loc, key), out)
            else:
                out.append((data.value_pos[key], "value", (*loc, key)))
    elif isinstance(data, YList):
        for i, value in enumerate(data):
            if isinstance(value, YMap | YList):
                _nodes(value, (*loc, i), out)
            else:
                out.append((data.item_pos[i], "value", (*loc, i)))


def _hits(doc: Document, nodes: list[tuple[int, str, tuple[Any, ...]]], front_end: int) -> list[_Hit]:
    text = doc.text
    found = [_Hit(m.start(), m.group()) for m in HIDDEN_RE.finditer(text)]
    if "&" in text:
        for m in _REFERENCE.finditer(text):
            found.extend(_Hit(m.start(), ch, m.group()) for ch in _reference(m) if hidden_class(ch))
    if "\\" in text[:front_end]:
        for offset, _, _ in nodes:
            if offset < front_end and text.startswith('"', offset):
                found.extend(_quoted_hits(text, offset))
    return sorted(found, key=lambda h: h.offset)


@dataclass(frozen=True, slots=True)
class _Context:
    kind: str  # the file's kind for field titles ("org", "notice", …; "" for a town page)
    org: bool  # an organization's org.yml: its names are checked as names


def _contexts(ds: Dataset) -> dict[int, _Context]:
    found: dict[int, _Context] = {}
    for kind, doc in ds.town_docs.items():
        found[id(doc)] = _Context(kind, False)
    for doc in ds.collection_docs.values():
        found[id(doc)] = _Context("collection", False)
    for doc in ds.pages.values():
        found[id(doc)] = _Context("", False)
    for entry in ds.orgs.values():
        found[id(entry.doc)] = _Context("org", True)
        for item in [*entry.disclosures, *entry.notices]:
            found[id(item.doc)] = _Context(item.kind, False)
    return found


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end >= 0 else len(text)].strip()
    return show(line if len(line) <= 60 else text[max(start, offset - 30) : offset + 30])


def check_document(doc: Document, context: _Context) -> Iterator[Diagnostic]:
    text = doc.text
    front_end = len(text) - len(doc.body) if doc.body else len(text)
    if not text or not (HIDDEN_RE.search(text) or "&" in text or "\\" in text[:front_end]):
        return  # nearly every file: nothing to look at more closely
    lines = _offsets(text)
    raw: list[tuple[Pos, str, tuple[Any, ...]]] = []
    _nodes(doc.data, (), raw)
    nodes = sorted(((lines[p.line - 1] + p.col - 1, what, loc) for p, what, loc in raw), key=lambda n: n[0])
    starts = [n[0] for n in nodes]
    for hit in _hits(doc, nodes, front_end):
        at = bisect_right(starts, hit.offset) - 1
        owner = nodes[at] if at >= 0 and hit.offset < front_end else None
        yield _diagnostic(doc, context, hit, owner, _pos(lines, hit.offset), _line_of(text, hit.offset))


def _diagnostic(
    doc: Document, context: _Context, hit: _Hit, owner: tuple[int, str, tuple[Any, ...]] | None, pos: Pos, line: str
) -> Diagnostic:
    cls = hidden_class(hit.char) or ""
    what = _WHAT.get(cls, "看不见的字符")
    how = ""
    fix = _RETYPE
    if hit.written.startswith("\\"):
        how = f"（写成了转义 {hit.written}）"
        fix = f'删掉这个转义写法 {hit.written}：双引号里的反斜杠只用来写引号本身（\\"）'
    elif hit.written:
        how = f"（写成了字符引用 {hit.written}）"
        fix = f"删掉这个字符引用 {hit.written}"
    if owner is not None and owner[1] == "value" and context.org and owner[2] in _NAME_FIELDS:
        field = ".".join(owner[2])
        return Diagnostic.at(
            doc.path,
            pos,
            rule="name-invisible",
            message=f"{field}（{_NAME_FIELDS[owner[2]]}）里有{what} {describe(hit.char)}{how}：名称看起来和实际写的字不一样",
            found=describe(hit.char),
            fix="删掉这个字符：把名称整行删掉后重新输入，不要从网页或聊天软件里复制",
        )
    if owner is None:
        where = "正文里" if doc.body and hit.offset >= len(doc.text) - len(doc.body) else "这里"
    elif owner[1] == "key":
        where = f"字段名“{show(str(owner[2][-1]))}”里"
    else:
        label = _label(context.kind, owner[2]) if context.kind else ".".join(map(str, owner[2]))
        where = f"{label}里" if label.endswith("）") else f"{label} 里"
    return Diagnostic.at(
        doc.path,
        pos,
        rule=_RULE.get(cls, "text-invisible"),
        message=f"{where}有{what} {describe(hit.char)}{how}{_WHY.get(cls, '')}",
        found=line,
        fix=fix,
    )


def _name_diagnostics(path: str, name: str, *, folder: bool) -> Iterator[Diagnostic]:
    what_name = "文件夹名" if folder else "文件名"
    for m in HIDDEN_RE.finditer(name):
        cls = hidden_class(m.group()) or ""
        yield Diagnostic.at(
            path,
            Pos(1, m.start() + 1),
            rule=_RULE.get(cls, "text-invisible"),
            message=f"{what_name}里第 {m.start() + 1} 个字符是{_WHAT.get(cls, '看不见的字符')} {describe(m.group())}{_WHY.get(cls, '')}",
            found=show(name),
            fix="给它改名：把名称删掉后用键盘重新输入，不要从网页或聊天软件里复制文件名",
        )


def check_names(ds: Dataset) -> Iterator[Diagnostic]:
    """Every file and folder name under organizations/ and content/ (links too, never followed):
    they become addresses of the site, and the office reads them in every list."""
    for top in (ds.root / ORGS_DIR, ds.root / PAGES_DIR):
        for parent, dirs, files in os.walk(top, followlinks=False):
            dirs.sort()
            for name in dirs:
                if HIDDEN_RE.search(name):
                    yield from _name_diagnostics(display_path(ds.root, Path(parent, name)) + "/", name, folder=True)
            for name in sorted(files):
                if HIDDEN_RE.search(name):
                    yield from _name_diagnostics(display_path(ds.root, Path(parent, name)), name, folder=False)


def check(ds: Dataset) -> Iterator[Diagnostic]:
    contexts = _contexts(ds)
    for doc in ds.documents():
        yield from check_document(doc, contexts.get(id(doc), _Context("", False)))
    yield from check_names(ds)
