"""Clerk-written Markdown to safe HTML: rendered, headings demoted, then cleaned by an allowlist.

Plain fields never come here: templates autoescape them. This is the only way text written by
an organization becomes markup on a page, so nothing it writes can run in a reader's browser.
The validator (`rules/content.py`) renders the same way without cleaning and refuses any text
the cleaning would change, so what a clerk writes is what a reader sees.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3

from . import cache
from .cjk import CJKExtension

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"

MAX_CHARS = 20_000
"""Longest Markdown text of an organization (a long disclosure is a few thousand characters)."""
MAX_TOWN_CHARS = 200_000
"""Longest town-owned Markdown page (the clerk guide is about 12,000)."""
MAX_BRACKETS = 300
"""Most `[` in one text: Python-Markdown looks for the closing bracket of each one, so thousands
of unclosed brackets take minutes."""
MAX_TOWN_BRACKETS = 3_000
MAX_DEPTH = 12
"""Deepest nesting of lists and quotes; Python-Markdown recurses per level and fails near 300."""

_HEADING = re.compile(r"<(/?)h([1-6])\b")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_QUOTE = re.compile(r"[ \t]{0,3}>")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")


def _demote(match: re.Match[str]) -> str:
    level = min(int(match.group(2)) + 3, 6)  # a clerk's "# 标题" sits under the page's own headings
    return f"<{match.group(1)}h{level}"


@lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "sane_lists", CJKExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


@lru_cache(maxsize=1)
def _town_renderer() -> markdown.Markdown:
    """Close to what MkDocs does with mkdocs.yml's extensions (fenced code without highlighting)."""
    return markdown.Markdown(
        extensions=["admonition", "attr_list", "md_in_html", "tables", "fenced_code", CJKExtension()], output_format="html"
    )


@dataclass(frozen=True, slots=True)
class Bound:
    """Where a text exceeds a bound: what kind, at which offset, what was found."""

    kind: str  # "depth" | "size" | "brackets"
    offset: int
    found: str
    limit: int


def _depth(line: str) -> tuple[int, int]:
    """Nesting of one line (quote markers, indentation in steps of 4, list markers) and where its content starts."""
    depth, i = 0, 0
    while m := _QUOTE.match(line, i):
        depth, i = depth + 1, m.end()
        if line[i : i + 1] == " ":
            i += 1
    cols = 0
    while i < len(line) and line[i] in " \t":
        cols = cols + 4 - cols % 4 if line[i] == "\t" else cols + 1
        i += 1
    depth += cols // 4
    while m := _LIST_MARKER.match(line, i):
        depth, i = depth + 1, m.end()
    return depth, i


def bound(text: str, *, town: bool = False) -> Bound | None:
    """The first bound `text` exceeds before it may be rendered, or None."""
    limit = MAX_TOWN_CHARS if town else MAX_CHARS
    if len(text) > limit:
        return Bound("size", limit, f"{len(text)} 字", limit)
    brackets = MAX_TOWN_BRACKETS if town else MAX_BRACKETS
    if text.count("[") > brackets:
        at = -1
        for _ in range(brackets + 1):
            at = text.find("[", at + 1)
        return Bound("brackets", at, f"{text.count('[')} 个 [", brackets)
    fence = ""
    offset = 0
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
        elif m:
            fence = m.group(1)
        else:
            depth, _ = _depth(line)
            if depth > MAX_DEPTH:
                return Bound("depth", offset + len(line) - len(line.lstrip()), f"{depth} 层", MAX_DEPTH)
        offset += len(line) + 1
    return None


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str  # not cleaned: for the validator only
    raw: tuple[str, ...]  # HTML written in the text itself, as Python-Markdown passed it through


def to_html(text: str, *, town: bool = False) -> Rendered:
    """Markdown to HTML as the site renders it, before cleaning. Raises on inputs `bound` refuses."""
    md = _town_renderer() if town else _renderer()
    md.reset()
    try:
        out = md.convert(text)
        raw = tuple(str(block) for block in md.htmlStash.rawHtmlBlocks)
    finally:
        md.reset()
    return Rendered(out if town else _HEADING.sub(_demote, out), raw)


def clean(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _as_paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(part.strip())}</p>" for part in re.split(r"\n\s*\n", text) if part.strip())


def cache_inputs() -> str:
    """What besides the text changes the HTML: this code and the libraries that render and clean."""
    versions = (f"{name}={cache.package_version(name)}" for name in ("markdown", "nh3"))
    return "\n".join(versions) + cache.source_of("markup", "cjk")


@lru_cache(maxsize=20_000)
def render_markdown(text: str | None) -> str:
    """Safe HTML for a Markdown field or body; empty string for nothing. Pure, so remembered:
    brand texts appear on several pages and in the search entries, and between builds (the
    content cache, keyed by the text). Never raises: a text beyond the bounds (which validation
    refuses) is shown as escaped paragraphs."""
    if not text or not text.strip():
        return ""
    store = cache.store("markdown", cache_inputs)
    if store is None:
        return _render_markdown(text)
    key = cache.digest(text)
    found = store.get(key, lambda v: isinstance(v, str))
    if found is None:
        found = _render_markdown(text)
        store.put(key, found)
    return str(found)


def _render_markdown(text: str) -> str:
    if bound(text) is not None:
        return _as_paragraphs(text)
    try:
        return clean(to_html(text).html)
    except Exception:  # defence in depth: the build never fails on a text
        return _as_paragraphs(text)
