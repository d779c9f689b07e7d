"""Clerk-written Markdown to safe HTML: rendered, headings demoted, then cleaned by an allowlist.

Plain fields never come here: templates autoescape them. This is the only way text written by
an organization becomes markup on a page, so nothing it writes can run in a reader's browser.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _demote(match: re.Match[str]) -> str:
    level = min(int(match.group(2)) + 3, 6)  # a clerk's "# 标题" sits under the page's own headings
    return f"<{match.group(1)}h{level}"


@lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


@lru_cache(maxsize=20_000)
def render_markdown(text: str | None) -> str:
    """Safe HTML for a Markdown field or body; empty string for nothing. Pure, so remembered:
    brand texts appear on several pages and in the search entries."""
    if not text or not text.strip():
        return ""
    md = _renderer()
    md.reset()
    html = _HEADING.sub(_demote, md.convert(text))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
