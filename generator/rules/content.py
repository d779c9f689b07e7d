"""Content safety rule: text is Markdown, never HTML, and links never run code.

Checked with a parser, not patterns: each text is rendered the way the site renders it
(Python-Markdown, without cleaning) and the HTML is read back with `html.parser`. Refused:
any HTML the text itself holds (Python-Markdown passes it through raw, whatever its spelling:
`<svg/onload=…>`, `</title/x>`, comments, CDATA), any element or attribute outside the
cleaner's allowlist (`site/markup.py`), any link whose scheme, after entity decoding, is not
http/https/mailto/tel, and finally anything the cleaner (nh3) would still change. Plain YAML
fields are escaped by the templates, but a tag in them is refused as well (nobody needs one).
Town pages under content/ are rendered with MkDocs' extensions and may use a wider set of
harmless elements (admonitions, images, `<div markdown>`), never scripts, frames, event
handlers or other schemes. Inline code and code blocks are text, so `<script>` in backticks is fine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from ..diagnostics import Diagnostic
from ..markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL, URL_SCHEMES, bound, clean, to_html
from ..project import Dataset
from .text import MARKDOWN, NAME, PLAIN, TOWN, Text, iter_all_texts

RULES = {
    "content-script": "文本里有 `<script>` 脚本",
    "content-iframe": "文本里嵌入了 iframe/object/embed",
    "content-html": "文本里有 HTML 标签、注释或网页上会被删改的标记",
    "content-link-scheme": "javascript:、vbscript:、data:、file: 等链接（含实体编码写法）",
    "content-nesting": "列表或引用嵌套过深（超过 12 层）",
    "content-too-long": "一段 Markdown 文字过长（超过 2 万字）或方括号“[”过多",
}

_MESSAGES = {
    "content-script": ("不能在文本里写脚本（<script>）", "删掉 <script> 及其内容；网页上只显示文字、图片和链接"),
    "content-iframe": ("不能嵌入其他网页或插件（iframe/object/embed）", "改为普通链接，例如 [视频](https://example.com/video)"),
    "content-html": (
        "不能写 HTML 标签，只能用 Markdown",
        "删掉尖括号标签；换行请空一行，加粗用 **文字**，链接用 [文字](https://…)；要显示尖括号本身，请写在反引号里，如 `<标签>`",
    ),
    "content-link-scheme": ("链接只能是 http、https、mailto 或 tel", "删掉这个链接，或换成 https:// 开头的网址"),
}
_IMAGE = ("正文里不能插入图片", "把照片放进本组织的 photos/ 文件夹，在字段区的 photos 里登记（写明替代文字）")
_ALTERED = ("这段文字在网页上会被删改（含有不允许的标记）", "删掉尖括号、实体写法（&…;）等标记，只用 Markdown 的加粗、列表、表格和链接")
_PLAIN = ("这个字段只能写文字，不能有 HTML 标签或注释", "删掉尖括号标签（< 后面紧跟字母、/、! 或 ?）；要写“小于”请在 < 后面空一格")
_UNRENDERABLE = ("这段文字无法按 Markdown 显示", "检查是否有大量嵌套的符号（> - * [ 等），改成普通的段落和列表")
_HANDLER = ("不能写事件属性（on…=）或样式属性", "删掉这个属性；页面的外观由网站统一决定")

_FRAMES = {"iframe", "frame", "frameset", "object", "embed", "applet"}
_URL_ATTRS = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "srcset",
    "lowsrc", "dynsrc", "ping", "codebase", "longdesc", "usemap", "manifest", "icon", "classid", "archive",
}  # fmt: skip
_TOWN_TAGS = ALLOWED_TAGS | {
    "h1", "h2", "h3", "div", "span", "img", "figure", "figcaption", "details", "summary", "dl", "dt", "dd",
    "abbr", "kbd", "mark", "small", "section", "article", "aside", "header", "footer", "nav", "picture",
    "source", "colgroup", "col", "ins", "q", "cite", "time",
}  # fmt: skip
_TOWN_ATTRS = {
    "class", "id", "title", "lang", "dir", "alt", "src", "href", "width", "height", "loading", "decoding", "align",
    "start", "open", "colspan", "rowspan", "target", "rel", "type", "media", "datetime", "srcset", "sizes",
}  # fmt: skip
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_AUTOLINK = re.compile(r"<(?:(?:https?|mailto|tel):[^<>\s\"'`]*|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)>")
_RANK = {"content-script": 0, "content-iframe": 1, "content-link-scheme": 2, "content-html": 3}


@dataclass(frozen=True, slots=True)
class _Event:
    kind: str  # start | end | data | comment | decl | pi
    tag: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    raw: str = ""


class _Reader(HTMLParser):
    """HTML to a flat list of events; attribute values and text come out entity-decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[_Event] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(_Event("start", tag, tuple((k, v or "") for k, v in attrs), self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(_Event("end", tag, raw=f"</{tag}"))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1].kind == "data":
            data = self.events.pop().raw + data
        self.events.append(_Event("data", raw=data))

    def handle_comment(self, data: str) -> None:
        self.events.append(_Event("comment", raw=f"<!--{data}"))

    def handle_decl(self, decl: str) -> None:
        self.events.append(_Event("decl", raw=f"<!{decl}"))

    def unknown_decl(self, data: str) -> None:
        self.events.append(_Event("decl", raw=f"<![{data}"))

    def handle_pi(self, data: str) -> None:
        self.events.append(_Event("pi", raw=f"<?{data}"))


def _read(markup: str) -> list[_Event]:
    reader = _Reader()
    try:
        reader.feed(markup)
        reader.close()
    except (AssertionError, ValueError):  # html.parser gives up on some marked sections (`<![x[`): unreadable is refused
        reader.events.append(_Event("error", raw="<!["))
    return reader.events


def bad_scheme(url: str) -> str | None:
    """The scheme of an (already entity-decoded) URL when it is not an allowed one, as a browser parses it:
    leading and trailing controls and spaces stripped, tabs and newlines anywhere removed."""
    url = re.sub(
        r"[\t\n\r]",
        "",
        url.strip(
            "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
        ),
    )
    m = _SCHEME.match(url)
    if m is None or m.group(1).lower() in URL_SCHEMES:
        return None
    return m.group(1).lower()


@dataclass(frozen=True, slots=True)
class _Finding:
    rule: str
    needles: tuple[str, ...]  # what to look for in the source, best first
    found: str
    message: tuple[str, str] | None = None


def _classify(event: _Event, *, town: bool) -> _Finding | None:
    """What is wrong with one start or end tag, or None."""
    tag = event.tag
    raw = event.raw[:80]
    if tag == "script":
        return _Finding("content-script", (f"<{tag}", f"</{tag}"), raw)
    if tag in _FRAMES:
        return _Finding("content-iframe", (f"<{tag}", f"</{tag}"), raw)
    for name, value in event.attrs:
        if name in _URL_ATTRS and bad_scheme(value):
            written = re.search(rf"""{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", event.raw, re.IGNORECASE)
            as_written = next((g for g in written.groups() if g), "") if written else ""
            return _Finding("content-link-scheme", (as_written, value, raw, value.split(":")[0] + ":"), f"{name}={value[:60]}")
    if event.kind == "end":
        return None
    allowed_tags = _TOWN_TAGS if town else ALLOWED_TAGS
    if tag not in allowed_tags:
        message = _IMAGE if tag == "img" else None
        return _Finding("content-html", (f"<{tag}", "![", "<"), raw, message)
    for name, _ in event.attrs:
        allowed = name in _TOWN_ATTRS if town else name in ALLOWED_ATTRIBUTES.get(tag, set())
        if not allowed:
            return _Finding("content-html", (name, f"<{tag}"), raw, _HANDLER if name.startswith("on") or name == "style" else None)
    return None


def _classify_raw(chunk: str) -> _Finding:
    """HTML the text holds itself: refused whatever it is; the rule says what it is."""
    best: _Finding | None = None
    for event in _read(chunk):
        if event.kind in {"start", "end"}:
            found = _classify(event, town=False)
            if found and found.rule != "content-html" and (best is None or _RANK[found.rule] < _RANK[best.rule]):
                best = found
    first = chunk.strip().split("\n")[0][:80]
    if best is not None:
        return _Finding(best.rule, (*best.needles, first), best.found)
    return _Finding("content-html", (first, first[:2]), first)


def _normal(events: list[_Event]) -> list[tuple[tuple[object, ...], _Event]]:
    """Events compared between the rendered and the cleaned HTML, each with its event: the
    cleaner's added rel and whitespace-only differences do not count."""
    out: list[tuple[tuple[object, ...], _Event]] = []
    for e in events:
        if e.kind == "data":
            text = " ".join(e.raw.split())
            if text:
                out.append((("data", text), e))
        elif e.kind == "start":
            attrs = tuple(sorted((k, v) for k, v in e.attrs if not (e.tag == "a" and k == "rel" and v == LINK_REL)))
            out.append((("start", e.tag, attrs), e))
        else:
            out.append(((e.kind, e.tag, e.raw if e.kind != "end" else ""), e))
    return out


_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")  # where the HTML tokenizer leaves text: a tag, an end tag, a comment or declaration


def _plain_tags(value: str) -> Iterator[_Finding]:
    """Markup in a plain field, read as the HTML tokenizer would read it: every `<` followed by
    a letter, `/`, `!` or `?` opens a tag or comment, closed or not (unescaped, an open tag would
    close on the page's next `>`). Autolinks (`<https://…>`, `<a@b.cn>`) stay text."""
    links = [m.span() for m in _AUTOLINK.finditer(value)]
    for m in _TAG_OPEN.finditer(value):
        if any(a <= m.start() < b for a, b in links):
            continue
        close = value.find(">", m.start())
        piece = value[m.start() : close + 1] if close >= 0 else value[m.start() :] + ">"
        found = next((f for e in _read(piece) if e.kind in {"start", "end"} and (f := _classify(e, town=False))), None)
        if found is None or found.rule == "content-html":
            yield _Finding("content-html", (piece[:40], m.group()), piece[:80], _PLAIN)
        else:
            yield _Finding(found.rule, (*found.needles, piece[:40]), found.found)


_BARE_SCHEME = re.compile(r"(?<![a-z0-9+.\-])(?:java|vb|live)script\s*:|(?<![a-z0-9+.\-])data:[a-z]+/[a-z0-9.+\-]+[;,]", re.IGNORECASE)


def _bare_schemes(value: str) -> Iterator[_Finding]:
    """A script scheme even outside a link (a field may be used as a link one day), also when
    written with entities or with tabs and newlines inside."""
    found = {m.group() for m in _BARE_SCHEME.finditer(value)}
    if not found and ("&" in value or "\t" in value or "\n" in value):
        decoded = re.sub(r"[\t\n\r]", "", html.unescape(value))
        if m := _BARE_SCHEME.search(decoded):
            yield _Finding("content-link-scheme", ("&#", "&", m.group()[:4]), m.group())
    for text in sorted(found):
        yield _Finding("content-link-scheme", (text,), text)


def inspect(value: str, kind: str) -> list[_Finding]:
    """Everything wrong with the markup of one text (bounds are checked before)."""
    if kind == NAME:
        return []
    town = kind == TOWN
    findings: list[_Finding] = [] if town else list(_bare_schemes(value))
    if not town and "<" not in value and "[" not in value:
        return findings
    if kind == PLAIN and "<" in value:
        findings.extend(_plain_tags(value))
    try:
        rendered = to_html(value, town=town)
    except Exception:  # a renderer failure on some input: the page could not show it as written
        return [*findings, _Finding("content-html", (value[:20],), value[:40], _UNRENDERABLE)]
    if not town:
        findings.extend(_classify_raw(chunk) for chunk in rendered.raw if not _ENTITY.fullmatch(chunk))
    events = _read(rendered.html)
    for event in events:
        if event.kind in {"start", "end"} and (found := _classify(event, town=town)):
            findings.append(found)
        elif event.kind == "error":
            findings.append(_Finding("content-html", ("<![", "<!"), event.raw))
    if not town and not findings:
        before = _normal(events)
        after = [key for key, _ in _normal(_read(clean(rendered.html)))]
        if [key for key, _ in before] != after:
            i = next((i for i, ((a, _), b) in enumerate(zip(before, after, strict=False)) if a != b), min(len(before), len(after)))
            event = before[min(i, len(before) - 1)][1] if before else _Event("data")
            needle = f"</{event.tag}" if event.kind == "end" else event.raw.strip()[:20]
            findings.append(_Finding("content-html", (needle,), needle or value[:40], _ALTERED))
    return findings


_FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?(?:^[ \t]*\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


def _code(value: str) -> list[tuple[int, int]]:
    """Where the Markdown source holds code (fenced blocks, inline spans): text, never markup."""
    spans = [m.span() for m in _FENCED.finditer(value)]
    spans += [m.span() for m in _CODE_SPAN.finditer(value) if not any(a <= m.start() < b for a, b in spans)]
    return spans


def _offset(value: str, needles: tuple[str, ...], code: list[tuple[int, int]], reported: list[tuple[int, int]]) -> int | None:
    """Where the first needle stands in the source outside code; None when it is what was
    already reported (the walk over the HTML meets a raw tag a second time)."""
    lowered = value.lower()
    for needle in needles:
        if not needle:
            continue
        for haystack, what in ((value, needle), (lowered, needle.lower())):
            at = haystack.find(what)
            while at >= 0:
                if any(a <= at < b for a, b in reported):
                    return None
                if not any(a <= at < b for a, b in code):
                    return at
                at = haystack.find(what, at + 1)
    return None if reported else 0


def _bounds(text: Text) -> Diagnostic | None:
    over = bound(text.value, town=text.kind == TOWN)
    if over is None:
        return None
    pos = text.where(over.offset, over.offset + 1) if over.kind != "size" else text.pos
    if over.kind == "depth":
        return Diagnostic.at(
            text.doc.path,
            pos,
            rule="content-nesting",
            message=f"列表或引用嵌套超过 {over.limit} 层，网页无法显示",
            found=over.found,
            fix="把多层缩进的列表改成一层或两层，用小标题分段；不要在行首连续写很多个 > 或 -",
        )
    message = (
        f"这段文字超过 {over.limit} 字，网页无法显示" if over.kind == "size" else f"这段文字里的方括号“[”超过 {over.limit} 个，网页无法显示"
    )
    return Diagnostic.at(
        text.doc.path,
        pos,
        rule="content-too-long",
        message=message,
        found=over.found,
        fix="把长内容拆成几条公开事项；表格和名单请分开发布，链接不要成百地堆在一起",
    )


def scan(text: Text) -> Iterator[Diagnostic]:
    over = _bounds(text)
    if over is not None:
        yield over
        return
    reported: list[tuple[int, int]] = []  # one diagnostic per piece of markup
    rules: set[str] = set()
    code = _code(text.value) if text.kind in {MARKDOWN, TOWN} else []
    for finding in inspect(text.value, text.kind):
        start = _offset(text.value, finding.needles, code, reported)
        if start is None:
            continue
        if finding.found.startswith("</") and finding.rule in rules:
            continue  # the closing tag of something already reported
        rules.add(finding.rule)
        written = next((n for n in finding.needles if n and text.value[start : start + len(n)].lower() == n.lower()), "")
        end = start + max(1, len(written))
        reported.append((start, end))
        pos = text.where(start, end)
        message, fix = finding.message or _MESSAGES[finding.rule]
        yield Diagnostic.at(text.doc.path, pos, rule=finding.rule, message=message, found=finding.found, fix=fix)


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for text in iter_all_texts(ds):
        if text.kind in {PLAIN, MARKDOWN, TOWN}:
            yield from scan(text)
