"""Content safety rule: text is Markdown, never HTML, and links never run code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, Severity
from ..project import Dataset
from .text import Text, iter_all_texts

RULES = {
    "content-script": "文本里有 <script> 脚本",
    "content-iframe": "文本里嵌入了 iframe/object/embed",
    "content-html": "文本里有 HTML 标签或注释",
    "content-link-scheme": "javascript:、vbscript:、data:、file: 链接",
}

_CHECKS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (
        re.compile(r"<\s*script\b", re.IGNORECASE),
        "content-script",
        "不能在文本里写脚本（<script>）",
        "删掉 <script> 及其内容；网页上只显示文字、图片和链接",
    ),
    (
        re.compile(r"<\s*(?:iframe|frame|frameset|object|embed)\b", re.IGNORECASE),
        "content-iframe",
        "不能嵌入其他网页或插件（iframe/object/embed）",
        "改为普通链接，例如 [视频](https://example.com/video)",
    ),
    (
        re.compile(r"<!--|</?(?!script\b|iframe\b|frame\b|frameset\b|object\b|embed\b)[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>"),
        "content-html",
        "不能写 HTML 标签，只能用 Markdown",
        "删掉尖括号标签；换行请空一行，加粗用 **文字**，链接用 [文字](https://…)",
    ),
    (
        re.compile(
            r"\b(?:javascript|vbscript)\s*:|(?:\]\(\s*|<|\bhref\s*=\s*[\"']?)(?:data|file)\s*:|\bdata:[a-z]+/[a-z0-9.+-]+[;,]",
            re.IGNORECASE,
        ),
        "content-link-scheme",
        "链接只能是 http、https、mailto 或 tel",
        "删掉这个链接，或换成 https:// 开头的网址",
    ),
)


def scan(text: Text) -> Iterator[Diagnostic]:
    for pattern, rule, message, fix in _CHECKS:
        for m in pattern.finditer(text.value):
            pos = text.where(m.start(), m.end())
            yield Diagnostic(text.doc.path, pos.line, pos.col, Severity.ERROR, rule, message, m.group(), fix)


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for text in iter_all_texts(ds):
        yield from scan(text)
