"""Diagnostic records and their three renderings (terminal, GitHub annotations, JSON).

Every problem the generator finds is one :class:`Diagnostic`. Rules never print and never
raise on bad data; they return diagnostics. Only the edges (CLI, plugin adapter) decide how
to show them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Protocol

from .chars import show


class Where(Protocol):
    """A place in a file: the loader's `Pos`, or anything else with a line and a column."""

    @property
    def line(self) -> int: ...

    @property
    def col(self) -> int: ...


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place: what is wrong, what was found, how to fix it."""

    path: str
    line: int
    col: int
    severity: Severity
    rule: str
    message: str
    found: str = ""
    fix: str = ""

    @classmethod
    def at(
        cls,
        path: str,
        where: Where | None = None,
        *,
        rule: str,
        message: str,
        found: str = "",
        fix: str = "",
        severity: Severity = Severity.ERROR,
    ) -> Diagnostic:
        """The one way to make a diagnostic: a file, a place in it (the top of the file when
        None), and keywords for the rest."""
        line, col = (where.line, where.col) if where is not None else (1, 1)
        return cls(path, line, col, severity, rule, message, found, fix)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[int, str, int, int, str]:
        # YAML syntax and encoding problems first: everything else may follow from them.
        first = 0 if self.rule.startswith(("yaml-", "file-")) else 1
        return (first, self.path, self.line, self.col, self.rule)


class DataError(Exception):
    """Raised by the core when data has errors; carries every diagnostic of the run."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        errors = sum(d.is_error for d in self.diagnostics)
        super().__init__(f"数据有 {errors} 个错误")

    def __str__(self) -> str:
        return render_text(self.diagnostics)


def _shorten(value: str, limit: int = 120) -> str:
    value = value.replace("\n", "⏎")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def format_text(d: Diagnostic) -> str:
    """`path:line:col: 错误 [rule] message（发现：…）修改：…`; a character that would make the line
    lie in a terminal or CI log (a direction control, a control or invisible character, which data
    can carry into paths and found values) is written out as ⟨U+202E⟩."""
    text = f"{d.path}:{d.line}:{d.col}: {d.severity.label} [{d.rule}] {d.message}"
    if d.found:
        text += f"（发现：{_shorten(d.found)}）"
    if d.fix:
        text += f" 修改：{d.fix}"
    return show(text)


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(format_text(d) for d in sorted(diagnostics, key=Diagnostic.sort_key))


def _escape_github(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(d: Diagnostic) -> str:
    """A GitHub Actions workflow command, shown as an annotation on the pull request."""
    kind = "error" if d.is_error else "warning"
    props = ",".join(
        [
            f"file={_escape_github(show(d.path), prop=True)}",
            f"line={d.line}",
            f"col={d.col}",
            f"title={_escape_github(d.rule, prop=True)}",
        ]
    )
    body = d.message
    if d.found:
        body += f"（发现：{_shorten(d.found)}）"
    if d.fix:
        body += f" 修改：{d.fix}"
    return f"::{kind} {props}::{_escape_github(show(body))}"


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(format_github(d) for d in sorted(diagnostics, key=Diagnostic.sort_key))


def to_json_obj(d: Diagnostic) -> dict[str, object]:
    obj = asdict(d)
    obj["severity"] = d.severity.value
    return obj


_SURROGATE = re.compile("[\ud800-\udfff]")


def render_json(diagnostics: Iterable[Diagnostic], summary: dict[str, object] | None = None) -> str:
    items = [to_json_obj(d) for d in sorted(diagnostics, key=Diagnostic.sort_key)]
    payload: dict[str, object] = {"diagnostics": items}
    if summary is not None:
        payload["summary"] = summary
    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False)
    if _SURROGATE.search(text):  # a file name that is not UTF-8: escaped, still JSON
        text = json.dumps(payload, indent=2, sort_keys=False)
    return text
