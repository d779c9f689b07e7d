"""YAML and front-matter loading that remembers where every key and value stood.

The loader knows no rules about organizations: it turns bytes into Python values, records
line and column for each key and value, and reports what YAML itself gets wrong (syntax,
encoding, tabs, duplicate keys, aliases, size) as diagnostics. It never raises on bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from .diagnostics import Diagnostic, Severity

try:  # the C composer is several times faster; positions come out the same
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_TEXT_BYTES = 512 * 1024
"""Largest YAML or Markdown file accepted; a clerk's entry is a few kilobytes."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _CoreLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Plain scalars resolve as in YAML 1.2's core schema, which is what editors and JSON Schema
    see: only true/false are booleans (`yes`, `no`, `on`, `off` stay text), numbers are decimal
    (`012`, `0x1F`, `1_000`, `1:30` stay text) and dates stay text, parsed by the schema's date
    type. Nothing a clerk writes changes meaning on the way in."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag in (_MERGE_TAG, "tag:yaml.org,2002:value")]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


_CoreLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+|\.[0-9]+[eE][-+]?[0-9]+)$"),
    list("-+0123456789."),
)
_CoreLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


@dataclass(frozen=True, slots=True)
class Pos:
    line: int  # 1-based
    col: int  # 1-based


class YMap(dict[Any, Any]):
    """A mapping that knows where each key and each value stood in the source."""

    pos: Pos
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos = {}
        self.value_pos = {}


class YList(list[Any]):
    """A sequence that knows where each item stood in the source."""

    pos: Pos
    item_pos: list[Pos]

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos = []


@dataclass(slots=True)
class Document:
    """One loaded file: its data (None when unreadable), Markdown body, and load problems."""

    path: str
    data: Any = None
    text: str = ""  # the whole file, for finding where a match inside a value stands
    body: str = ""
    body_line: int = 1
    ok: bool = True
    diagnostics: list[Diagnostic] = field(default_factory=list)


def position(data: Any, loc: tuple[Any, ...], *, key: bool = False) -> Pos:
    """The best known position for `loc`: the value (or key) itself, else its nearest parent."""
    best = getattr(data, "pos", Pos(1, 1))
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, YMap) and part in node:
            best = node.key_pos[part] if (last and key) else node.value_pos[part]
            node = node[part]
        elif isinstance(node, YList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_pos[part]
            node = node[part]
        else:
            break
    return best


def _error(path: str, pos: Pos, rule: str, message: str, found: str = "", fix: str = "") -> Diagnostic:
    return Diagnostic(path, pos.line, pos.col, Severity.ERROR, rule, message, found, fix)


def read_text(file: Path, display: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a text file as UTF-8 (a BOM is fine), within the size limit."""
    try:
        size = file.stat().st_size
        if size > MAX_TEXT_BYTES:
            return None, [
                _error(
                    display,
                    Pos(1, 1),
                    "file-too-large",
                    f"文件过大，超过 {MAX_TEXT_BYTES // 1024} KB 上限",
                    f"{size // 1024} KB",
                    "把长内容拆成几条公开事项，或把图片放进 photos/ 文件夹而不是写进文本",
                )
            ]
        raw = file.read_bytes()
    except OSError as exc:
        return None, [_error(display, Pos(1, 1), "file-unreadable", "无法读取文件", str(exc.strerror), "检查文件是否存在、是否有读取权限")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gbk")
            message, found = "文件是 GBK（简体中文 Windows）编码，不是 UTF-8", "GBK 编码"
        except UnicodeDecodeError:
            message, found = "文件不是 UTF-8 编码", f"字节 0x{raw[exc.start]:02X}"
        return None, [
            _error(
                display,
                Pos(line, col),
                "file-encoding",
                message,
                found,
                "用编辑器把文件“另存为 UTF-8”（记事本：另存为 → 编码选 UTF-8；WPS/VS Code 同理）后再提交",
            )
        ]
    if "\x00" in text:
        return None, [
            _error(
                display,
                Pos(1, 1),
                "file-encoding",
                "文件含有空字符，不是文本文件",
                "NUL",
                "确认提交的是 .yml/.md 文本文件，而不是 Word 文档或图片",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)

_PROBLEMS = {
    "mapping values are not allowed": (
        "这里不能出现冒号“:”",
        '值里含有冒号时请给整个值加上引号，例如 title: "时间：周五"；也可能是上一行缩进不对',
    ),
    "could not find expected ':'": ("缺少冒号“:”", "每个字段写成“字段名: 值”，冒号后面留一个空格"),
    "did not find expected key": ("缩进不一致或缺少字段名", "同一层的字段要对齐，用空格缩进，不要用 Tab"),
    "did not find expected '-' indicator": ("列表项的缩进不一致", "同一列表的每一项都以“- ”开头并对齐"),
    "found unexpected end of stream": ("文件在引号或括号还没结束时就结束了", "检查引号、方括号是否成对"),
    "found undefined alias": ("使用了未定义的别名（*名称）", "不要使用 YAML 的锚点和别名，直接写出内容"),
    "expected a single document in the stream": ("文件里有多个 YAML 文档（多余的 ---）", "一个文件只写一个文档，删掉中间多余的 ---"),
    "found character '\\t' that cannot start any token": ("出现了 Tab 字符", "把 Tab 换成空格"),
    "found unknown escape character": ("双引号里有无效的转义字符（\\）", "改用单引号，或把 \\ 写成 \\\\"),
    "while scanning a quoted scalar": ("引号没有闭合", "检查这一行的引号是否成对"),
}


def _syntax_error(display: str, exc: yaml.MarkedYAMLError, line_offset: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1 if mark else 1) + line_offset
    col = mark.column + 1 if mark else 1
    problem = exc.problem or exc.context or "语法错误"
    message, fix = "YAML 语法错误", "检查这一行及上一行的缩进、冒号和引号"
    for english, (zh_message, zh_fix) in _PROBLEMS.items():
        if english in problem or (exc.context and english in exc.context):
            message, fix = f"YAML 语法错误：{zh_message}", zh_fix
            break
    return _error(display, Pos(line, col), "yaml-syntax", message, problem, fix)


def _anchors_and_aliases(text: str, display: str, line_offset: int) -> list[Diagnostic]:
    """Every anchor (&name) and alias (*name), found by the scanner before anything is built,
    so a "billion laughs" document is refused without being expanded."""
    if "&" not in text and "*" not in text:
        return []
    found: list[Diagnostic] = []
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                sign = "*" if isinstance(token, yaml.AliasToken) else "&"
                found.append(
                    _error(
                        display,
                        Pos(token.start_mark.line + 1 + line_offset, token.start_mark.column + 1),
                        "yaml-alias",
                        "不允许使用 YAML 锚点和别名（&名称 / *名称）",
                        f"{sign}{token.value}",
                        "把要重复的内容直接写出来；文字里的 * 和 & 请放在引号里",
                    )
                )
    except yaml.YAMLError:
        return found  # the composer reports the syntax error itself
    return found


class _Builder:
    """Turns a composed node tree into YMap/YList values, reporting what YAML allows but we do not."""

    def __init__(self, loader: yaml.SafeLoader, display: str, line_offset: int) -> None:
        self.loader = loader
        self.display = display
        self.offset = line_offset
        self.diagnostics: list[Diagnostic] = []

    def pos(self, node: yaml.Node) -> Pos:
        return Pos(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._build_map(node)
        if isinstance(node, yaml.SequenceNode):
            items = YList(self.pos(node))
            for child in node.value:
                items.item_pos.append(self.pos(child))
                items.append(self.build(child))
            return items
        try:
            return self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. the date 2026-02-30
            self.diagnostics.append(
                _error(
                    self.display,
                    self.pos(node),
                    "yaml-syntax",
                    "这个值无法识别",
                    f"{node.value}（{exc}）",
                    "检查日期是否真实存在（如 2 月没有 30 日）；不是日期或数字的文字请加引号",
                )
            )
            return None

    def _build_map(self, node: yaml.MappingNode) -> YMap:
        result = YMap(self.pos(node))
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.diagnostics.append(
                    _error(self.display, self.pos(key_node), "yaml-alias", "不允许使用 YAML 合并键（<<）", "<<", "把要合并的字段直接写出来")
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    _error(self.display, self.pos(key_node), "yaml-syntax", "字段名必须是简单的文字", "复杂键", "写成“字段名: 值”")
                )
                continue
            # Keys stay as written: YAML 1.1 would turn `no:` or `on:` into booleans.
            key = str(key_node.value)
            if key in result:
                first = result.key_pos[key]
                self.diagnostics.append(
                    _error(
                        self.display,
                        self.pos(key_node),
                        "yaml-duplicate-key",
                        f"字段“{key}”重复出现，第 {first.line} 行已经写过",
                        key,
                        "删掉其中一个，或把两处内容合并到一处",
                    )
                )
                continue
            result.key_pos[key] = self.pos(key_node)
            result.value_pos[key] = self.pos(value_node)
            result[key] = self.build(value_node)
        return result


def parse_yaml(text: str, display: str, *, line_offset: int = 0) -> tuple[Any, list[Diagnostic], bool]:
    """Parse YAML text into positioned values. Returns (data, diagnostics, ok)."""
    tabs = [
        _error(
            display,
            Pos(text.count("\n", 0, m.end()) + 1 + line_offset, m.end() - m.start()),
            "yaml-tab",
            "缩进里用了 Tab 字符，YAML 只允许空格缩进",
            "Tab",
            "把这一行开头的 Tab 换成空格（每层两个空格）",
        )
        for m in _TAB_INDENT.finditer(text)
    ]
    if tabs:
        return None, tabs, False
    refused = _anchors_and_aliases(text, display, line_offset)
    if refused:
        return None, refused, False
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [], True
        builder = _Builder(loader, display, line_offset)
        data = builder.build(node)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(display, exc, line_offset)], False
    except yaml.YAMLError as exc:
        return (
            None,
            [
                _error(
                    display,
                    Pos(1 + line_offset, 1),
                    "yaml-syntax",
                    "YAML 内容无法解析",
                    str(exc),
                    "检查这一行及上一行的缩进、冒号和引号",
                )
            ],
            False,
        )
    finally:
        loader.dispose()
    # A duplicate key keeps its first value, so the rest of the file can still be checked.
    ok = all(d.rule == "yaml-duplicate-key" for d in builder.diagnostics)
    return data, builder.diagnostics, ok


def load_yaml(file: Path, display: str) -> Document:
    """Load a YAML file (org.yml, town data)."""
    doc = Document(display)
    text, problems = read_text(file, display)
    doc.diagnostics.extend(problems)
    if text is None:
        doc.ok = False
        return doc
    doc.text = text
    doc.data, problems, doc.ok = parse_yaml(text, display)
    doc.diagnostics.extend(problems)
    return doc


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def load_markdown(file: Path, display: str) -> Document:
    """Load a Markdown file whose YAML front matter sits between two `---` lines."""
    doc = Document(display)
    text, problems = read_text(file, display)
    doc.diagnostics.extend(problems)
    if text is None:
        doc.ok = False
        return doc
    doc.text = text
    opening = _FENCE.match(text)
    closing = _FENCE.search(text, opening.end()) if opening else None
    if not opening or not closing:
        doc.ok = False
        doc.diagnostics.append(
            _error(
                display,
                Pos(1, 1),
                "file-front-matter",
                "缺少开头的字段区（front matter）",
                text[:30],
                "文件第一行写 ---，接着写 title、category 等字段，再用一行 --- 结束，正文写在后面",
            )
        )
        return doc
    front = text[opening.end() + 1 : closing.start()]
    doc.data, problems, doc.ok = parse_yaml(front, display, line_offset=1)
    doc.diagnostics.extend(problems)
    body_start = closing.end() + 1
    doc.body = text[body_start:]
    doc.body_line = text.count("\n", 0, body_start) + 1
    return doc


def locate(doc: Document, needle: str, start: Pos) -> Pos:
    """Where `needle` stands in the file at or after `start`; `start` itself when not found
    literally (e.g. inside an escaped or folded scalar)."""
    text = doc.text
    offset = 0
    for _ in range(start.line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return start
    found = text.find(needle, offset + start.col - 1)
    if found < 0:
        return start
    line = text.count("\n", 0, found) + 1
    return Pos(line, found - (text.rfind("\n", 0, found) + 1) + 1)
