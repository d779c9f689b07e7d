"""What the core hands to the theme: escaped text, and pages sealed with a Content-Security-Policy.

Where escaping happens (one place per output):
- the core's own pages and prints: autoescaping Jinja2 templates; Markdown fields through
  `markup.render_markdown` (an allowlist);
- the theme's slots (page title, header, nav, `<title>`, description and Open Graph tags,
  site name, footer numbers): the theme's Jinja2 environment does not autoescape, so the
  adapter hands it only text escaped here (`theme_text`, `theme_meta`), never raw data;
- search results: Pagefind indexes the published pages' text; the search dialog
  (assets/party365.js) inserts titles and metadata as text and excerpts keeping only `<mark>`;
- the Atom feed: XML-escaped in `exports.py`.

The CSP: the inline scripts the theme's templates contain (Material's `__md_scope` set-up,
its palette and tab scripts, the overrides' large-text script) are marked
with a token that is random for each build (`mark_inline_scripts`, applied to template
sources, not to data). After rendering, `seal` hashes exactly the marked scripts, removes the
marks and puts a policy allowing only those hashes first in the `<head>`. A script that came
from data carries no mark, so it gets no hash and cannot run; the output stays byte-identical
between builds because the token never reaches it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

MARK = "data-p365-inline"

# Everything comes from the site itself, except the hashed inline scripts. Styles may be inline
# (the map's colours, Material's computed sizes); images may be data: URIs (Material's icons).
# frame-ancestors cannot be set from a <meta> tag: the guide tells hosts to send it as a header.
# 'wasm-unsafe-eval' lets the site's own search (Pagefind, pagefind/pagefind.js) compile its
# WebAssembly module, fetched from the site itself (connect-src 'self'). It allows WebAssembly
# compilation only: eval() and new Function() stay blocked, and no script runs that is neither
# from the site nor hashed.
POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'{hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:{images}",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

# The generated redirect pages run no script at all.
REDIRECT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'"

_SCRIPT_OPEN = re.compile(r"<script(?P<attrs>(?:[\s/][^>]*)?)>", re.IGNORECASE)
_NOT_EXECUTED = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.IGNORECASE)
_EXTERNAL = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_ORIGIN = re.compile(r"https://[a-z0-9-]+(\.[a-z0-9-]+)+")
_CHARSET = re.compile(r"<meta charset=[\"']?utf-8[\"']?>", re.IGNORECASE)


def theme_text(value: str) -> Markup:
    """Plain text as the theme must receive it: HTML-escaped once, quotes included (it goes into
    attributes such as `<meta content="…">` as well as into elements). Markup, so that where the
    theme does escape (`{{ config.site_name | e }}`), it is not escaped a second time."""
    return Markup(html.escape(value, quote=True))


def theme_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """A page's front matter with every string (top level, or in a top-level list) escaped:
    the theme prints `page.meta.title`, `page.meta.description` and the rest without escaping.
    Nested settings (`search: {exclude: true}`) are the site's own and stay as they are."""

    def one(value: Any) -> Any:
        if isinstance(value, str):
            return theme_text(value)
        if isinstance(value, list):
            return [theme_text(v) if isinstance(v, str) else v for v in value]
        return value

    return {key: one(value) for key, value in meta.items()}


def new_token() -> str:
    return secrets.token_hex(16)


def mark_inline_scripts(source: str, token: str) -> str:
    """Mark every inline script written in a template's source (not `src=` scripts, not JSON data)."""

    def mark(match: re.Match[str]) -> str:
        attrs = match.group("attrs") or ""
        if _EXTERNAL.search(attrs) or _NOT_EXECUTED.search(attrs):
            return match.group(0)
        return f'<script {MARK}="{token}"{attrs}>'

    return _SCRIPT_OPEN.sub(mark, source)


def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes: Iterable[str], *, allow_inline: bool = False, img_src: Iterable[str] = ()) -> str:
    """The policy for one page. `allow_inline` is for `mkdocs serve` only, whose live-reload
    script is injected after the build; the published site never has it. `img_src`: hosts one
    page may load images from as well (the 天地图 tiles of a keyed town's map page; exact
    https origins, never a wildcard)."""
    allowed = " 'unsafe-inline'" if allow_inline else "".join(f" {h}" for h in sorted(set(hashes)))
    hosts = sorted(set(img_src))
    bad = [h for h in hosts if not _ORIGIN.fullmatch(h)]
    if bad:
        raise ValueError(f"not an https origin: {bad}")
    return "; ".join(POLICY).format(hashes=allowed, images="".join(f" {h}" for h in hosts))


def csp_meta(content: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{content}">'


def seal(page: str, token: str, *, allow_inline: bool = False, img_src: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Hash the marked inline scripts, remove the marks and put the policy right after
    `<meta charset>`, before anything else in the head. Returns the page and a list of problems:
    inline scripts without the mark (they will be blocked) or a page without a head."""
    marked = re.compile(rf'<script {MARK}="{re.escape(token)}"(?P<attrs>[^>]*)>(?P<body>.*?)</script>', re.DOTALL | re.IGNORECASE)
    hashes: list[str] = []

    def unmark(match: re.Match[str]) -> str:
        hashes.append(script_hash(match.group("body")))
        return f"<script{match.group('attrs')}>{match.group('body')}</script>"

    problems = []
    for match in _SCRIPT_OPEN.finditer(page):
        attrs = match.group("attrs") or ""
        if not (_EXTERNAL.search(attrs) or _NOT_EXECUTED.search(attrs) or attrs.startswith(f' {MARK}="{token}"')):
            problems.append(page[match.start() : match.start() + 80])
    page = marked.sub(unmark, page)
    meta = csp_meta(policy(hashes, allow_inline=allow_inline, img_src=img_src))
    charset = _CHARSET.search(page)
    if charset is not None:
        page = page[: charset.end()] + "\n" + meta + page[charset.end() :]
    elif "<head>" in page:
        page = page.replace("<head>", "<head>\n" + meta, 1)
    else:
        problems.append("页面没有 <head>，无法加入内容安全策略")
    return page, problems
