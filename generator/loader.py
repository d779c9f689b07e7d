"""YAML and front-matter loading that remembers where every key and value stood.

The loader knows no rules about organizations: it turns bytes into Python values, records
line and column for each key and value, and reports what YAML itself gets wrong (syntax,
encoding, tabs, duplicate keys, aliases, size) as diagnostics. It never raises on bad input.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from . import cache
from .chars import describe
from .diagnostics import Diagnostic, Severity

try:  # the C composer is several times faster; positions come out the same
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_TEXT_BYTES = 512 * 1024
"""Largest YAML or Markdown file accepted; a clerk's entry is a few kilobytes."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted (the file itself is level 1). The deepest real
data is 6 levels (routes.yml: basemap → roads → a road → line → a point), a profile's 4 (brand →
practices → a practice); a file nested past this is refused before anything recursive in Python
walks it (340 levels were a RecursionError)."""

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


# Files a clerk may commit by mistake, by their first bytes: what they are, in the clerk's words.
_BINARY_KINDS = (
    (b"PK\x03\x04", "Word 文档（.docx）、WPS 文档或压缩包"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word 文档（.doc）或 Excel 表格（.xls）"),
    (b"{\\rtf", "Word 的 RTF 文档"),
    (b"%PDF", "PDF 文件"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"\x89PNG", "PNG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
)
_SAVE_AS_UTF8 = "用编辑器把文件“另存为 UTF-8”（记事本：另存为 → 编码选 UTF-8；WPS/VS Code 同理）后再提交"
_NOT_TEXT_FIX = "确认提交的是 .yml/.md 文本文件：Word 里的内容请复制粘贴到文本编辑器（如记事本）里，按模板写好后另存为 UTF-8"


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _looks_like_gbk_text(raw: bytes) -> bool:
    """True when `raw` decodes as GBK into Chinese text: printable, mostly Chinese or ASCII."""
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        return False
    if any(ch < " " and ch not in "\t\n\r" for ch in text) or "\x7f" in text:
        return False
    chinese = sum(_is_cjk(ch) for ch in text)
    ascii_text = sum(ch.isascii() for ch in text)
    return chinese > 0 and chinese + ascii_text >= 0.95 * len(text) and chinese >= 0.5 * (len(text) - ascii_text)


def _byte(line: int, raw: bytes) -> str:
    return f"第 {line} 行的字节 {raw[0]:02X}（十六进制）"


def _not_text(raw: bytes, display: str, start: int = 0) -> Diagnostic:
    for magic, kind in _BINARY_KINDS:
        if raw.startswith(magic):
            space = " " if kind[0].isascii() else ""
            return _error(display, Pos(1, 1), "file-encoding", f"这不是文本文件，而是{space}{kind}", kind, _NOT_TEXT_FIX)
    line = raw.count(b"\n", 0, start) + 1
    col = start - (raw.rfind(b"\n", 0, start) + 1) + 1
    message = "不是文本文件，或是无法识别的编码（不是 UTF-8）"
    return _error(display, Pos(line, col), "file-encoding", message, _byte(line, raw[start:]), _NOT_TEXT_FIX)


def _undecodable(raw: bytes, display: str, start: int) -> Diagnostic:
    """Why bytes that are not UTF-8 are refused: another text encoding, or not a text file at all."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _error(display, Pos(1, 1), "file-encoding", "文件是 UTF-16（“Unicode”）编码，不是 UTF-8", "UTF-16 编码", _SAVE_AS_UTF8)
    if _looks_like_gbk_text(raw):
        line = raw.count(b"\n", 0, start) + 1
        col = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        return _error(display, Pos(line, col), "file-encoding", "文件是 GBK（简体中文 Windows）编码，不是 UTF-8", "GBK 编码", _SAVE_AS_UTF8)
    return _not_text(raw, display, start)


def _read(file: Path, display: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A file's bytes, within the size limit."""
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):  # a folder named org.yml, or a pipe (reading it would never end)
            what = "文件夹" if stat.S_ISDIR(info.st_mode) else "特殊文件（管道或设备）"
            name = display.rsplit("/", 1)[-1]
            message = f"这里应该是文本文件，却是一个{what}"
            return None, [_error(display, Pos(1, 1), "file-unreadable", message, name, f"把这个{what}移走，在这里放 {name} 文本文件")]
        size = info.st_size
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
        return file.read_bytes(), []
    except OSError:
        return None, [_error(display, Pos(1, 1), "file-unreadable", "无法读取文件", "", "检查文件是否存在、是否有读取权限")]


# Control characters a text file must not hold: C0 but tab, line feed and carriage return, DEL and
# the C1 controls (YAML itself refuses most of them, without saying where), the line and paragraph
# separators (YAML ends a line at them, editors do not: every line number after one would be off)
# and the noncharacters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")


def _normalized(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_text(raw: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes as UTF-8 text (a BOM is fine), with line ends made LF; None with the reason when not text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_undecodable(raw, display, exc.start)]
    controls = [m.start() for m in _CONTROL.finditer(text)]
    if controls and ("\x00" in text or len(controls) > max(3, len(text) // 100)):
        return None, [_not_text(raw, display, len(text[: controls[0]].encode()))]
    if controls:
        at = controls[0]
        line = text.count("\n", 0, at) + 1
        found = _byte(line, text[at].encode()) if text[at].isascii() else f"第 {line} 行的字符"
        return None, [
            _error(
                display,
                Pos(line, at - (text.rfind("\n", 0, at) + 1) + 1),
                "file-encoding",
                f"文件里有看不见的控制字符 {describe(text[at])}",
                found,
                "删掉这一处再重新输入（常见于从 Word 或网页复制的内容）",
            )
        ]
    return _normalized(text), []


def read_text(file: Path, display: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a text file as UTF-8 (a BOM is fine), within the size limit."""
    raw, problems = _read(file, display)
    return (None, problems) if raw is None else _decode_text(raw, display)


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)

# ---------------------------------------------------------------- what the clerk got wrong
#
# PyYAML reports where its scanner gave up, often a line after the mistake and in English. The
# clerk needs the line they wrote wrong and the likely cause: these look at the source lines
# around the parser's mark and name the line to edit, in Chinese, showing the clerk's own text.


@dataclass(frozen=True, slots=True)
class _Cause:
    line: int  # 0-based index into the lines
    col: int  # 0-based
    message: str
    fix: str


_SYNTAX = "YAML 语法错误："
_FIX_GENERIC = "检查这一行及上一行的缩进、冒号和引号：每行写成“字段名: 值”（英文冒号后加一个空格），同一层的字段用同样多的空格开头"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_BLOCK_SCALAR = re.compile(r"(?:^|:|-)[ ]+[|>][-+0-9]*[ ]*(?:#.*)?$")
_CLOSING = {"[": "]", "{": "}"}


def _content_start(line: str) -> int:
    """Where a line's content starts after its indentation and any list dashes `- `."""
    i = len(line) - len(line.lstrip(" "))
    while line.startswith("- ", i) or line[i:] == "-":
        i += 2
        while i < len(line) and line[i] == " ":
            i += 1
    return i


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """Lines inside `|` or `>` blocks: free text, where nothing is a mistake of syntax."""
    inside: set[int] = set()
    opener_indent: int | None = None
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if opener_indent is not None:
            if not line.strip() or indent > opener_indent:
                inside.add(i)
                continue
            opener_indent = None
        if _BLOCK_SCALAR.search(line.split(" #", 1)[0] if " #" in line else line):
            opener_indent = indent
    return inside


def _strip_comment(text: str) -> str:
    """`text` without a trailing ` # comment` outside quotes."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _value_cause(line: str, start: int, index: int, key: str = "") -> _Cause | None:
    """A mistake inside the value that starts at `start` of line `index`."""
    value = _strip_comment(line[start:])
    if not value:
        return None
    first = value[0]
    if first in "\"'":
        close = value.find(first, 1)
        while first == '"' and close > 0 and value[close - 1] == "\\":
            close = value.find(first, close + 1)
        if close < 0:
            return _Cause(index, start, f"{_SYNTAX}引号没有闭合", f"在值的末尾补上同样的英文引号 {first}，或者去掉开头的引号")
        if value[close + 1 :].strip():
            return _Cause(
                index, start + close + 1, f"{_SYNTAX}引号后面还有文字", "把整个值放在一对引号里，引号里面再需要引号时改用中文引号“”"
            )
        return None
    if first in _CLOSING:
        depth = 0
        for i, ch in enumerate(value):
            depth += ch in "[{"
            depth -= ch in "]}"
            if depth < 0:
                return _Cause(index, start + i, f"{_SYNTAX}多了一个右括号", f"删掉多余的“{ch}”")
        if depth > 0:
            return _Cause(
                index,
                start,
                f"{_SYNTAX}“{first}”没有闭合",
                f"在这一行末尾补上“{_CLOSING[first]}”，各项之间用英文逗号隔开，例如 maintainers: [lixiaohong, wangdeshun]",
            )
        return None
    if first in "@`%&*!|>":
        if first in "&*!" or re.fullmatch(r"[|>][-+1-9]{0,2}", value):  # a `|` or `>` block's header is no mistake
            return None  # anchors, aliases and tags are reported by their own checks
        return _Cause(index, start, f"{_SYNTAX}值不能以“{first}”开头", f'给整个值加上英文引号，例如 "{value}"')
    inner = value.find(": ")
    if inner < 0 and value.endswith(":"):
        inner = len(value) - 1
    if inner >= 0:
        return _Cause(
            index,
            start + inner,
            f"{_SYNTAX}值里有英文冒号“:”",
            f'给整个值加上英文引号，写成 {key or "title"}: "{value}"；或者把值里的冒号改成中文冒号“：”',
        )
    return None


def _line_cause(lines: list[str], index: int) -> _Cause | None:
    """The mistake line `index` shows by itself, if any."""
    line = lines[index]
    text = _strip_comment(line)
    if not text.strip() or text.strip() in ("---", "..."):
        return None
    start = _content_start(text)
    body = text[start:]
    if body.startswith("-") and not body.startswith("--") and len(body) > 1:
        return _Cause(index, start, f"{_SYNTAX}列表项的“-”后面缺少空格", f"在“-”后面加一个空格，写成“- {body[1:].strip()}”")
    key = _KEY.match(body)
    if key:
        rest = body[key.end() :]
        after = start + key.end() + (len(rest) - len(rest.lstrip(" ")))
        rest = rest.lstrip(" ")
        if rest.startswith("："):
            return _Cause(
                index,
                after,
                f"{_SYNTAX}字段名“{key.group()}”后面用了中文冒号“：”",
                f"把“：”改成英文冒号加一个空格，写成“{key.group()}: …”（输入法切换到英文标点再输入冒号）",
            )
        if rest.startswith(":") and len(rest) > 1 and rest[1] != " " and not rest.startswith("://"):
            return _Cause(index, after, f"{_SYNTAX}冒号后面缺少空格", f"在英文冒号后面加一个空格，写成“{key.group()}: {rest[1:].strip()}”")
        if rest.startswith(": ") or rest == ":":
            value_start = after + 2 + (len(rest[2:]) - len(rest[2:].lstrip(" "))) if rest != ":" else len(text)
            return _value_cause(text, value_start, index, key.group())
    if body[:1] in "\"'[{":
        return _value_cause(text, start, index)
    if "：" in body and ":" not in body:
        col = start + body.index("：")
        return _Cause(
            index,
            col,
            f"{_SYNTAX}字段名后面用了中文冒号“：”",
            "把“：”改成英文冒号加一个空格，写成“字段名: 值”（字段名用英文，见模板）",
        )
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _nonblank_before(lines: list[str], index: int) -> int | None:
    for i in range(min(index, len(lines)) - 1, -1, -1):
        if _strip_comment(lines[i]).strip():
            return i
    return None


_MAX_KEY = 1024
_LONG_KEY = re.compile(r"[ ]*(?:-[ ]+)*([^ :#'\"\[{][^:]*):(?: |$)")


def _diagnose(lines: list[str], exc: yaml.MarkedYAMLError) -> _Cause:
    """The line to edit and the likely cause of a syntax error the parser reported at its mark."""
    mark = exc.problem_mark or exc.context_mark
    at = mark.line if mark else 0
    col = mark.column if mark else 0
    problem = exc.problem or ""
    context = exc.context or ""
    blocks = _block_scalar_lines(lines)
    if at >= len(lines) or not _strip_comment(lines[at]).strip():  # past the end, or a blank line
        before = _nonblank_before(lines, at)
        at, col = (before, len(lines[before])) if before is not None else (0, 0)
    long_key = _LONG_KEY.match(lines[at]) if at < len(lines) else None
    if long_key and len(long_key.group(1)) > _MAX_KEY:  # YAML reads no key longer than this
        return _Cause(
            at,
            long_key.start(1),
            f"{_SYNTAX}冒号前面的字段名太长（{len(long_key.group(1))} 个字符，YAML 最多 {_MAX_KEY} 个）",
            "每行写成“字段名: 值”：字段名用模板里的英文名，长文字写在冒号和空格后面",
        )
    if "quoted scalar" in context and exc.context_mark:
        start = exc.context_mark.line
        if "escape" in problem or "hexdecimal" in problem:
            return _Cause(at, col, f"{_SYNTAX}双引号里的反斜杠“\\”", "改用单引号把值括起来，或把 \\ 写成 \\\\")
        return _value_cause(lines[start], exc.context_mark.column, start) or _Cause(
            start, exc.context_mark.column, f"{_SYNTAX}引号没有闭合", "在值的末尾补上同样的英文引号，或者去掉开头的引号"
        )
    if "flow" in context and exc.context_mark:
        start = exc.context_mark.line
        cause = _value_cause(lines[start], exc.context_mark.column, start)
        if cause:
            return cause
    if "another document" in problem or "single document" in context:
        fix = "一个文件只写一个文档：删掉这一行 ---（Markdown 文件只在字段区开头和结尾各写一行 ---）"
        return _Cause(at, 0, f"{_SYNTAX}文件里多了一行 ---", fix)
    if "cannot start any token" in problem and at < len(lines) and col < len(lines[at]):
        ch = lines[at][col]
        if ch == "\t":
            return _Cause(at, col, f"{_SYNTAX}出现了 Tab 字符", "把 Tab 换成空格")
        return _value_cause(lines[at], col, at) or _Cause(at, col, f"{_SYNTAX}值不能以“{ch}”开头", "给整个值加上英文引号")
    first = exc.context_mark.line if exc.context_mark and "simple key" in context else at - 1
    for i in range(min(at, len(lines) - 1), max(first, 0) - 1, -1):
        if i not in blocks and (cause := _line_cause(lines, i)):
            return cause
    if "mapping values are not allowed" in problem:
        prev = _nonblank_before(lines, at)
        if prev is not None and _indent(lines[at]) > _indent(lines[prev]) and not _strip_comment(lines[prev]).endswith(":"):
            if found := _realign(lines, at):
                return _indent_cause(lines, found)
            return _Cause(at, 0, f"{_SYNTAX}这一行缩进多了", "和上一行的同级字段对齐：用同样多的空格开头")
        return _Cause(at, col, f"{_SYNTAX}这里不能出现英文冒号“:”", '值里含有冒号时给整个值加上英文引号，例如 title: "时间: 周五"')
    if "simple key" in context and exc.context_mark:
        start = exc.context_mark.line
        if (found := _realign(lines, start)) and found.line < start:  # a line above went wrong first
            return _indent_cause(lines, found)
        return _Cause(
            start,
            0,
            f"{_SYNTAX}这一行缺少“字段名: ”",
            "每一行写成“字段名: 值”（英文冒号后加一个空格）；如果这是上一行内容的一部分，把它接到上一行末尾",
        )
    if "expected key" in problem or "'-' indicator" in problem or "block end" in problem or "document start" in problem:
        if found := _realign(lines, at):
            return _indent_cause(lines, found)
        prev = _nonblank_before(lines, at)
        if prev is not None and _indent(lines[prev]) % 2 and not _indent(lines[at]) % 2:
            at = prev
        return _Cause(
            at,
            0,
            f"{_SYNTAX}缩进和上下文对不上",
            "同一层的字段要用同样多的空格开头（每深一层多两个空格）；列表的每一项以“- ”开头并对齐",
        )
    return _Cause(at, col, "YAML 语法错误", _FIX_GENERIC)


# ---------------------------------------------------------------- indentation
#
# YAML notices a wrong indentation where the next line no longer fits, often a line or several
# below the line the clerk changed (a first field indented three spaces reads fine until its
# sibling at two). The line to name is the one whose re-indentation alone lets the parser past the
# point where it stopped and leaves the file indented regularly (each level one step deeper than
# the field that opens it, siblings aligned): every candidate is tried with the parser itself.

_REALIGN_LINES = 1000  # files longer than this (none a clerk writes) keep the parser's line
_REALIGN_BACK = 30  # how far above the parser's line the mistake is looked for
_REALIGN_TRIALS = 200  # parses at most, so that even a hostile file costs a fraction of a second


def _rows(lines: list[str]) -> list[int]:
    """The lines that carry structure: not blank, not only a comment, not free text in a | or > block."""
    blocks = _block_scalar_lines(lines)
    return [i for i, line in enumerate(lines) if i not in blocks and _strip_comment(line).strip() not in ("", "---", "...")]


def _is_dash(line: str) -> bool:
    body = line.lstrip(" ")
    return body == "-" or body.startswith("- ")


_KEYISH = re.compile(r"""[^-\s\[\]{}#'"|>][^:]*:(?: |$)|["'][^"']*["']:(?: |$)""")  # `key:` or `key: value`, any key


def _child_indents(line: str, step: int, dash_below: bool) -> set[int] | None:
    """Where the lines under `line` may start, when `line` opens a block (`key:` or a bare `-`)."""
    body = _strip_comment(line)
    start = _content_start(body)
    if body.strip() == "-" or body.rstrip().endswith(" -"):
        return {start}
    if body.endswith(":") and _KEYISH.match(body[start:]):
        return {start + step, start} if dash_below else {start + step}
    return None


def _step(lines: list[str], rows: list[int]) -> int:
    """The file's indentation step: how much deeper a field's first child usually starts (2)."""
    steps = {2: 1}  # the templates' step, unless the file says otherwise more than once
    for a, b in itertools.pairwise(rows):
        body = _strip_comment(lines[a])
        if body.endswith(":") and (d := _indent(lines[b]) - _content_start(body)) > 0:
            steps[d] = steps.get(d, 0) + 1
    return max(steps, key=lambda d: (steps[d], d == 2))


def _irregular(lines: list[str], rows: list[int], step: int) -> list[int]:
    """The lines that stand where no regularly indented file would put them."""
    stack: list[tuple[int, bool]] = [(0, False)]  # (column, is a list) of the open blocks
    bad: list[int] = []
    expected: set[int] | None = {0}
    for n, j in enumerate(rows):
        line = lines[j]
        col, dash = _indent(line), _is_dash(line)
        top = stack[-1][0]
        if expected is not None and (col > top or (col == top and dash and not stack[-1][1] and col in expected)):
            if col not in expected:
                bad.append(j)
            stack.append((col, dash))
        else:
            if expected is not None and n:
                bad.append(j)  # `key:` left empty, the next line not under it: rare in a clerk's file
            while len(stack) > 1 and (stack[-1][0] > col or (stack[-1][0] == col and stack[-1][1] and not dash)):
                stack.pop()
            if stack[-1][0] != col or (dash and not stack[-1][1]):
                bad.append(j)
        if dash:
            body = _strip_comment(line)
            i = col
            while body.startswith("- ", i):  # `- - x`: a list in a list
                i += 2
                while i < len(body) and body[i] == " ":
                    i += 1
                if body.startswith("- ", i):
                    stack.append((i, True))
            if _KEYISH.match(body[i:]):
                stack.append((i, False))
        expected = _child_indents(line, step, n + 1 < len(rows) and _is_dash(lines[rows[n + 1]]))
    return bad


def _stumbles(lines: list[str]) -> int | None:
    """The first line where the parser (or the check for list items read as text) stops; None."""
    loader = _CoreLoader("\n".join(lines) + "\n")
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:  # a line without its colon is only found wanting at the next line
        mark = exc.context_mark if "simple key" in (exc.context or "") else exc.problem_mark or exc.context_mark
        return mark.line if mark else 0
    except yaml.YAMLError:
        return 0
    finally:
        loader.dispose()
    todo = [node] if node is not None else []
    while todo:  # a flat walk: the tree may be deep
        node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            todo.extend(v for pair in node.value for v in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and not node.style and (cause := _swallowed(lines, node, realign=False)):
            return cause.line
    return None


@dataclass(frozen=True, slots=True)
class _Realigned:
    line: int  # 0-based
    spaces: int  # the indentation that lets the parser past its stop
    other: tuple[int, int] | None  # another line whose re-indentation would serve as well, if any
    step: int  # the file's indentation step
    rows: list[int]


def _realign(lines: list[str], at: int) -> _Realigned | None:
    """The line whose indentation the clerk most likely got wrong, for a parser that stopped at
    line `at`, and the indentation that fixes it; None when no single line's does."""
    if len(lines) > _REALIGN_LINES or at >= len(lines):
        return None
    rows = _rows(lines)
    step = _step(lines, rows)
    odd = set(_irregular(lines, rows, step))
    fixes: list[tuple[tuple[int, bool, bool, int, int], int, int]] = []
    window = [r for r in rows if at - _REALIGN_BACK <= r <= at]
    near = [r for r in rows if at - _REALIGN_BACK <= r <= at + 1]
    levels = {0} | {_indent(lines[r]) for r in near} | {_content_start(_strip_comment(lines[r])) for r in near}
    trials = 0
    for c in window:
        k = rows.index(c)
        targets = set(levels) | ((_child_indents(lines[rows[k - 1]], step, _is_dash(lines[c])) or set()) if k else set())
        current = _indent(lines[c])
        for spaces in sorted(targets - {current}):
            trials += 1
            if trials > _REALIGN_TRIALS:
                break
            trial = list(lines)
            trial[c] = " " * spaces + lines[c].lstrip(" ")
            stop = _stumbles(trial[: at + 1])
            if stop is not None and stop <= at:
                continue
            # fewest irregular lines; then a line that was irregular, or off the file's step; then the earliest
            fixes.append(((len(_irregular(trial, rows, step)), c not in odd, current % step == 0, c, abs(spaces - current)), c, spaces))
    if not fixes:
        return None
    best = min(fixes)
    others = [f for f in fixes if f[1] != best[1] and f[0][0] == best[0][0]]  # as regular a file another way
    other = min(others) if others else None
    return _Realigned(best[1], best[2], (other[1], other[2]) if other else None, step, rows)


def _indent_cause(lines: list[str], found: _Realigned) -> _Cause:
    line, spaces = found.line, found.spaces
    current = _indent(lines[line])
    sibling = next((i for i in reversed(found.rows) if i < line and _indent(lines[i]) <= spaces), None)
    align = ""
    if sibling is not None and _indent(lines[sibling]) == spaces and _is_dash(lines[sibling]) == _is_dash(lines[line]):
        align = f"，和上面的“{lines[sibling].strip()[:20]}”对齐"
    where = "顶格写（前面不留空格）" if spaces == 0 else f"改成 {spaces} 个空格开头"
    more = "多" if current > spaces else "少"
    fix = f"把这一行{where}{align}（同一层的字段和列表项用同样多的空格开头，每深一层多 {found.step} 个空格）"
    if found.other is not None:
        o_line, o_spaces = found.other
        side = "上面" if o_line < line else "下面"
        o_more = "多" if _indent(lines[o_line]) > o_spaces else "少"
        fix += f"；如果这一行本来就对，那就是{side}的“{lines[o_line].strip()[:20]}”缩进{o_more}了，把它改成 {o_spaces} 个空格开头"
    return _Cause(line, 0, f"{_SYNTAX}这一行缩进{more}了：前面有 {current} 个空格，这一层应为 {spaces} 个", fix)


def _lint_lines(lines: list[str]) -> list[_Cause]:
    """Mistakes YAML itself accepts silently: full-width spaces used as indentation."""
    blocks = _block_scalar_lines(lines)
    return [
        _Cause(i, _indent(line), f"{_SYNTAX}行首用了全角空格（中文空格）", "把行首的全角空格删掉，改用英文空格缩进（每层两个）")
        for i, line in enumerate(lines)
        if i not in blocks and line.lstrip(" ").startswith("\u3000")
    ]


def _syntax_error(display: str, lines: list[str], exc: yaml.MarkedYAMLError, line_offset: int) -> Diagnostic:
    cause = _diagnose(lines, exc)
    return _cause_error(display, lines, cause, line_offset)


def _shown(lines: list[str], index: int, limit: int = 200) -> str:
    """Line `index` as a diagnostic shows what was found: stripped, and short (a line may be 500 KB)."""
    text = lines[index].strip() if index < len(lines) else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cause_error(display: str, lines: list[str], cause: _Cause, line_offset: int) -> Diagnostic:
    found = _shown(lines, cause.line)
    return _error(display, Pos(cause.line + 1 + line_offset, cause.col + 1), "yaml-syntax", cause.message, found, cause.fix)


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


class _TooDeep(Exception):
    """A mapping or list nested deeper than MAX_DEPTH, at `mark` (PyYAML's or libyaml's)."""

    def __init__(self, mark: Any) -> None:
        super().__init__("too deep")
        self.mark = mark


_OPENING_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _too_deep(text: str, parser: Any = yaml.SafeLoader) -> Any:
    """The mark where the first mapping or list deeper than MAX_DEPTH starts, from the parser's
    events (a flat stream: nothing recursive runs); None when the text is not that deep, or when
    its syntax fails first (reported by the composer)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=parser):
            if isinstance(event, _OPENING_EVENTS):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, _CLOSING_EVENTS):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _past_libyaml(text: str, exc: yaml.MarkedYAMLError) -> Any:
    """Where MAX_DEPTH was crossed in a text libyaml refused for passing its own 1,000 levels.
    Its scanner looks ahead and fails before it sends one event, so the text up to its failure
    is read (the crossing is in it); PyYAML's own parser, which looks less far ahead but costs a
    quadratic half-second on such a text, only if that fails."""
    mark = exc.problem_mark
    return (mark is not None and _too_deep(text[: mark.index], _BaseLoader)) or _too_deep(text)


def _depth_error(display: str, lines: list[str], mark: Any, line_offset: int) -> Diagnostic:
    line = _shown(lines, mark.line)
    return _error(
        display,
        Pos(mark.line + 1 + line_offset, mark.column + 1),
        "yaml-depth",
        f"YAML 嵌套超过 {MAX_DEPTH} 层（字段套字段、列表套列表），从这里开始是第 {MAX_DEPTH + 1} 层",
        line,
        "档案最多套五六层（例如 brand → practices → 每一项 → text）：删掉多余的“[”“{”或多余的缩进层级；"
        "从别处复制来的内容只保留模板里有的字段",
    )


_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_SWALLOWED_KEY = re.compile(r"[a-z_][a-z0-9_]*(?:[ ]*：|:[^ /])")


def _swallowed(lines: list[str], node: yaml.ScalarNode, *, realign: bool = True) -> _Cause | None:
    """A plain text value that swallowed a mistake YAML accepts: `-功能室` (no space after the
    dash) or `name：王某某` (a full-width colon) on a line of its own, or continuing the line above;
    or a list item indented unlike the item above, read as more text of that item."""
    first, last = node.start_mark.line, node.end_mark.line
    for i in range(first, min(last, len(lines) - 1) + 1):
        line = lines[i]
        own_line = i > first or not line[: node.start_mark.column].strip()
        body = line.strip()
        if i > first and (body == "-" or body.startswith("- ")):
            if realign and (found := _realign(lines, i)):
                return _indent_cause(lines, found)
            return _Cause(
                i,
                _indent(line),
                f"{_SYNTAX}这一项的缩进和上一项不一致",
                "同一列表的每一项都以“- ”开头，并和上一项用同样多的空格对齐",
            )
        if own_line and ((body.startswith("-") and not body.startswith("--")) or _SWALLOWED_KEY.match(body)):
            return _line_cause(lines, i)
    return None


class _Builder:
    """Turns a composed node tree into YMap/YList values, reporting what YAML allows but we do not."""

    def __init__(self, loader: yaml.SafeLoader, display: str, line_offset: int, lines: list[str]) -> None:
        self.loader = loader
        self.display = display
        self.offset = line_offset
        self.lines = lines
        self.diagnostics: list[Diagnostic] = []

    def pos(self, node: yaml.Node) -> Pos:
        return Pos(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def build(self, node: yaml.Node, depth: int = 1) -> Any:
        if isinstance(node, yaml.CollectionNode) and depth > MAX_DEPTH:
            raise _TooDeep(node.start_mark)
        if node.tag not in _PLAIN_TAGS:
            line = _shown(self.lines, node.start_mark.line)
            self.diagnostics.append(
                _error(
                    self.display,
                    self.pos(node),
                    "yaml-syntax",
                    "YAML 语法错误：不支持以“!”开头的类型标记",
                    line,
                    "删掉“!”开头的标记，直接写出值；文字里的“!”请放在引号里",
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._build_map(node, depth)
        if isinstance(node, yaml.SequenceNode):
            items = YList(self.pos(node))
            for child in node.value:
                items.item_pos.append(self.pos(child))
                self._hash_comment(child)
                items.append(self.build(child, depth + 1))
            return items
        if isinstance(node, yaml.ScalarNode) and not node.style and node.tag == _STR_TAG and (cause := _swallowed(self.lines, node)):
            self.diagnostics.append(_cause_error(self.display, self.lines, cause, self.offset))
            return None
        try:
            return self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):  # pragma: no cover - only plain tags reach here
            message = "YAML 语法错误：这个值无法识别"
            self.diagnostics.append(_error(self.display, self.pos(node), "yaml-syntax", message, str(node.value), "不是数字的文字请加引号"))
            return None

    def _build_map(self, node: yaml.MappingNode, depth: int) -> YMap:
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
            self._hash_comment(value_node, key)
            result[key] = self.build(value_node, depth + 1)
        return result

    def _hash_comment(self, node: yaml.Node, key: str = "") -> None:
        """A value YAML read as nothing because it starts with `#`: `slogan: #乡村振兴# 我们在行动`
        (a WeChat topic) is a comment to YAML, and the slogan would silently vanish. `#` right before
        text is an error; `# text` (a comment as the templates write them) after a field left empty
        is a warning, in case the text was meant to be the value."""
        if not (isinstance(node, yaml.ScalarNode) and node.value == "" and not node.style and node.start_mark.line < len(self.lines)):
            return None
        line, col = self.lines[node.start_mark.line], node.start_mark.column
        rest = line[col:].lstrip(" ")
        if not rest.startswith("#"):
            return None
        at = Pos(node.start_mark.line + 1 + self.offset, len(line) - len(rest) + 1)
        text = rest.rstrip()
        quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
        written = f"{key}: {quoted}" if key else f"- {quoted}"
        what = f"字段“{key}”" if key else "这一项"
        if len(text) > 1 and text[1] not in " #":
            self.diagnostics.append(
                _error(
                    self.display,
                    at,
                    "yaml-hash-comment",
                    f"{what}的值以“#”开头，YAML 把“#”后面的内容当成注释，{what}实际是空的",
                    text,
                    f"给整个值加上英文引号，写成 {written}",
                )
            )
        else:
            self.diagnostics.append(
                Diagnostic(
                    self.display,
                    at.line,
                    at.col,
                    Severity.WARNING,
                    "yaml-hash-comment",
                    f"{what}是空的：“#”后面的文字是注释，不会显示",
                    text,
                    f"如果这段文字就是要填的内容，给它加上英文引号，写成 {written}；如果只是备注，把备注移到上一行",
                )
            )
        return None


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
    lines = text.split("\n")
    wide = [_cause_error(display, lines, cause, line_offset) for cause in _lint_lines(lines)]
    if wide:
        return None, wide, False
    refused = _anchors_and_aliases(text, display, line_offset)
    if refused:
        return None, refused, False
    if _BaseLoader is yaml.SafeLoader and (deep := _too_deep(text)):  # pragma: no cover - PyYAML without libyaml
        return None, [_depth_error(display, lines, deep, line_offset)], False  # its composer recurses in Python
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [], True
        builder = _Builder(loader, display, line_offset, lines)
        data = builder.build(node)
    except _TooDeep as exc:
        return None, [_depth_error(display, lines, exc.mark, line_offset)], False
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or "") and (deep := _past_libyaml(text, exc)):
            return None, [_depth_error(display, lines, deep, line_offset)], False
        return None, [_syntax_error(display, lines, exc, line_offset)], False
    except yaml.YAMLError:
        return None, [_error(display, Pos(1 + line_offset, 1), "yaml-syntax", "YAML 内容无法解析", "", _FIX_GENERIC)], False
    finally:
        loader.dispose()
    # A duplicate key keeps its first value, so the rest of the file can still be checked.
    ok = all(d.rule == "yaml-duplicate-key" or d.severity is Severity.WARNING for d in builder.diagnostics)
    return data, builder.diagnostics, ok


def load_yaml(file: Path, display: str) -> Document:
    """Load a YAML file (org.yml, town data)."""
    return _load("yaml", file, display)


def _yaml_document(display: str, text: str | None, problems: list[Diagnostic]) -> Document:
    doc = Document(display)
    doc.diagnostics.extend(problems)
    if text is None:
        doc.ok = False
        return doc
    doc.text = text
    doc.data, problems, doc.ok = parse_yaml(text, display)
    doc.diagnostics.extend(problems)
    return doc


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_LOOKALIKE_FENCE = re.compile(r"^[ \t]*[-－—–─ー―]{2,}[ \t]*$")
_YAML_LINE = re.compile(r"^(?:[ \t]|#|- |[A-Za-z_][A-Za-z0-9_]*[ ]*[:：]|$)")
_FRONT_FIX = "文件第一行写 ---（三个英文减号），接着写 title、category 等字段，再用一行 --- 结束，正文写在后面"


def _front_matter_problem(display: str, text: str, opened: bool) -> Diagnostic:
    """What is wrong with the `---` lines around a Markdown file's fields, at the line to edit."""
    lines = text.split("\n")
    if opened:
        # The fields end where a line stops looking like `field: value`: the closing --- goes above it.
        end = next((i for i in range(1, len(lines)) if not _YAML_LINE.match(lines[i])), len(lines))
        while end > 1 and not lines[end - 1].strip():
            end -= 1
        at = min(end, len(lines) - 1)
        if at < len(lines) and _LOOKALIKE_FENCE.match(lines[at]):
            return _error(
                display, Pos(at + 1, 1), "file-front-matter", "字段区结尾的 --- 写成了别的符号", lines[at].strip(), "改成三个英文减号 ---"
            )
        return _error(
            display,
            Pos(at + 1, 1),
            "file-front-matter",
            "字段区没有结束：缺少结尾的一行 ---",
            lines[at].strip(),
            "在字段（title、category 等）之后、正文之前单独加一行 ---（三个英文减号）",
        )
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if _FENCE.match(lines[first]) and first > 0:
        return _error(display, Pos(1, 1), "file-front-matter", "第一行 --- 前面有空行", "", "删掉 --- 前面的空行，让 --- 成为文件的第一行")
    if _LOOKALIKE_FENCE.match(lines[first]):
        return _error(
            display,
            Pos(first + 1, 1),
            "file-front-matter",
            "字段区开头的 --- 写成了别的符号",
            lines[first].strip(),
            "改成三个英文减号 ---（输入法切换到英文再输入）",
        )
    if _YAML_LINE.match(lines[first]) and lines[first].strip() and _FENCE.search(text):
        return _error(display, Pos(1, 1), "file-front-matter", "字段区开头缺少一行 ---", lines[first].strip(), "在文件第一行前面加一行 ---")
    return _error(display, Pos(1, 1), "file-front-matter", "文件开头缺少字段区（title、category 等字段）", lines[first].strip(), _FRONT_FIX)


def load_markdown(file: Path, display: str) -> Document:
    """Load a Markdown file whose YAML front matter sits between two `---` lines."""
    return _load("markdown", file, display)


def _markdown_document(display: str, text: str | None, problems: list[Diagnostic]) -> Document:
    doc = Document(display)
    doc.diagnostics.extend(problems)
    if text is None:
        doc.ok = False
        return doc
    doc.text = text
    opening = _FENCE.match(text)
    closing = _FENCE.search(text, opening.end()) if opening else None
    if not opening or not closing:
        doc.ok = False
        doc.diagnostics.append(_front_matter_problem(display, text, opening is not None))
        return doc
    front = text[opening.end() + 1 : closing.start()]
    doc.data, problems, doc.ok = parse_yaml(front, display, line_offset=1)
    doc.diagnostics.extend(problems)
    body_start = closing.end() + 1
    doc.body = text[body_start:]
    doc.body_line = text.count("\n", 0, body_start) + 1
    return doc


# ---------------------------------------------------------------- the content cache
#
# A document depends only on the file's bytes, its displayed path and this code, so it is kept in
# the content cache (`generator.cache`) as JSON: a YMap as {"m": [line, col], "k": [[key, key pos,
# value pos, value], …]}, a YList as {"l": [line, col], "i": [[pos, value], …]}; plain values as they
# are (the core schema yields only str, int, float, bool and None, never a plain dict). The file's
# text is not stored: it is decoded again from the bytes (cheap), the body is its tail.

_BUILDERS: dict[str, Callable[[str, str | None, list[Diagnostic]], Document]] = {"yaml": _yaml_document, "markdown": _markdown_document}


def cache_inputs() -> str:
    return f"pyyaml={yaml.__version__} libyaml={yaml.__with_libyaml__}" + cache.source_of("loader", "diagnostics", "chars")


def _load(kind: str, file: Path, display: str) -> Document:
    raw, problems = _read(file, display)
    if raw is None:
        return Document(display, ok=False, diagnostics=problems)
    store = cache.store("documents", cache_inputs)
    key = cache.digest(kind, display, raw)
    if store is not None and (entry := store.get(key, lambda v: isinstance(v, dict))) is not None:
        try:
            return _from_entry(display, raw, entry)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            pass  # an entry of the wrong shape: computed again below
    text, problems = _decode_text(raw, display)
    doc = _BUILDERS[kind](display, text, problems)
    if store is not None and doc.text.endswith(doc.body):
        with contextlib.suppress(TypeError):  # a value the entry format does not know: not cached
            store.put(key, _to_entry(doc))
    return doc


def _pos(p: Pos) -> list[int]:
    return [p.line, p.col]


def _unpos(p: list[int]) -> Pos:
    line, col = p
    if not (isinstance(line, int) and isinstance(col, int)):
        raise TypeError("position")
    return Pos(line, col)


def _encode(value: Any) -> Any:
    if isinstance(value, YMap):
        return {"m": _pos(value.pos), "k": [[k, _pos(value.key_pos[k]), _pos(value.value_pos[k]), _encode(v)] for k, v in value.items()]}
    if isinstance(value, YList):
        return {"l": _pos(value.pos), "i": [[_pos(p), _encode(v)] for p, v in zip(value.item_pos, value, strict=True)]}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(type(value))  # nothing else comes out of the loader; never cached


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "m" in value:
            ymap = YMap(_unpos(value["m"]))
            for key, key_pos, value_pos, item in value["k"]:
                ymap.key_pos[key] = _unpos(key_pos)
                ymap.value_pos[key] = _unpos(value_pos)
                ymap[key] = _decode(item)
            return ymap
        ylist = YList(_unpos(value["l"]))
        for pos, item in value["i"]:
            ylist.item_pos.append(_unpos(pos))
            ylist.append(_decode(item))
        return ylist
    if isinstance(value, list):
        raise TypeError("list")
    return value


def _to_entry(doc: Document) -> dict[str, Any]:
    return {
        "data": _encode(doc.data),
        "text": bool(doc.text),
        "body": len(doc.text) - len(doc.body),
        "body_line": doc.body_line,
        "ok": doc.ok,
        "diagnostics": [[d.path, d.line, d.col, d.severity.value, d.rule, d.message, d.found, d.fix] for d in doc.diagnostics],
    }


def _from_entry(display: str, raw: bytes, entry: dict[str, Any]) -> Document:
    text = ""
    if entry["text"]:
        text = _normalized((raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8"))
    diagnostics = [Diagnostic(p, ln, c, Severity(sev), r, m, f, x) for p, ln, c, sev, r, m, f, x in entry["diagnostics"]]
    body_line, ok = entry["body_line"], entry["ok"]
    if not (isinstance(body_line, int) and isinstance(ok, bool) and isinstance(entry["body"], int)):
        raise TypeError("entry")
    return Document(display, _decode(entry["data"]), text, text[entry["body"] :], body_line, ok, diagnostics)


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
