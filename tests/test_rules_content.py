"""Markup is checked with a parser: whatever the spelling, text that the renderer and the
cleaner would turn into markup, or that the cleaner would change, is refused where it stands."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO, TODAY, Town, disclosure_md

from generator.markup import MAX_DEPTH, render_markdown, to_html
from generator.project import load_pages
from generator.rules import content
from generator.rules.text import iter_texts

BODY_LINE = 6  # disclosure_md: front matter takes lines 1-5


def _found(town: Town, name: str) -> list:
    return [d for d in town.diagnostics() if d.path.endswith(name) and d.rule.startswith("content-")]


def _where(body: str, marker: str) -> tuple[int, int]:
    at = body.index(marker)
    return BODY_LINE + body.count("\n", 0, at), at - (body.rfind("\n", 0, at) + 1) + 1


HOSTILE_MARKDOWN = [
    ("<svg/onload=alert(1)>", "content-html", "<svg"),
    ("前文 <img/src=x/onerror=alert(1)> 后文", "content-html", "<img"),
    ("</title/x>", "content-html", "</title"),
    ("[点我](&#106;avascript:alert(1))", "content-link-scheme", "&#106;"),
    ("[点我](&#x6A;avascript:alert(1))", "content-link-scheme", "&#x6A;"),
    ("[点我](java&#9;script:alert(1))", "content-link-scheme", "java&#9;"),
    ("[点我](javascript&colon;alert(1))", "content-link-scheme", "javascript&colon;"),
    ('前文 <a href="jAvAsCrIpT:alert(1)">x</a>', "content-link-scheme", "jAvAsCrIpT"),
    ('<a href="&#0000106&#0000097vascript:alert(1)">x</a>', "content-link-scheme", "&#0000106"),
    ("<a href=javascript&colon;alert(1)>x</a>", "content-link-scheme", "javascript&colon;"),
    ("[点我](javascript:alert(1))", "content-link-scheme", "javascript:"),
    ("[点我](<javascript:alert(1)>)", "content-link-scheme", "javascript:"),
    ("[点我][1]\n\n[1]: vbscript:msgbox(1)", "content-link-scheme", "vbscript:"),
    ("[点我](file:///etc/passwd)", "content-link-scheme", "file:"),
    ("[图](data:text/html;base64,PHNjcmlwdD4=)", "content-link-scheme", "data:"),
    ("<!-- 备注 -->", "content-html", "<!--"),
    ("<![CDATA[x]]>", "content-html", "<![CDATA["),
    ("<?php echo 1; ?>", "content-html", "<?php"),
    ("<foo>自定义标签</foo>", "content-html", "<foo>"),
    ("<b onmouseover=alert(1)>x</b>", "content-html", "<b "),
    ("<details open ontoggle=alert(1)>", "content-html", "<details"),
    ("<x:y onclick=alert(1)>", "content-html", "<x:y"),
    ('<img src="x" onerror="alert(1)">', "content-html", "<img"),
    ("<div\nonclick=alert(1)>y</div>", "content-html", "<div"),
    ("<style>*{color:red}</style>", "content-html", "<style"),
    ("![图](https://evil.example/a.png)", "content-html", "!["),
    ("<ScRiPt>alert(1)</sCrIpT>", "content-script", "<ScRiPt"),
    ("前文 <scr<script>ipt>alert(1)", "content-script", "<script"),
    ("<svg><script>alert(1)</script></svg>", "content-script", "<script"),
    ("<iframe src=//evil.example></iframe>", "content-iframe", "<iframe"),
    ("<object data=x.swf></object>", "content-iframe", "<object"),
    ("<embed src=x.swf>", "content-iframe", "<embed"),
    ("<math><mi xlink:href=javascript:alert(1)>x</mi></math>", "content-link-scheme", "javascript:"),
]


@pytest.mark.parametrize(("payload", "rule", "marker"), HOSTILE_MARKDOWN)
def test_hostile_markdown_body(town: Town, payload: str, rule: str, marker: str) -> None:
    town.add_org("a-cun")
    body = f"第一段。\n\n{payload}\n"
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=body))
    found = _found(town, "2026-11-02-x.md")
    assert rule in {d.rule for d in found}, found
    d = next(d for d in found if d.rule == rule)
    assert (d.line, d.col) == _where(body, marker)
    assert d.message and d.fix and d.found


HOSTILE_PLAIN = [
    ("东湾村党委<svg/onload=alert(1)>", "content-html", "<svg"),
    ("<img/src=x/onerror=alert(1)>", "content-html", "<img"),
    ("</title/x>", "content-html", "</title"),
    ('x"><svg/onload=alert(1)>', "content-html", "<svg"),
    ("标题<img src=x onerror=alert(1)//", "content-html", "<img"),
    ("标题 </ x>", "content-html", "</"),
    ("标题 <!-- x -->", "content-html", "<!--"),
    ("<?xml version=1?>", "content-html", "<?xml"),
    ("<a href=jAvAsCrIpT:alert(1)>x</a>", "content-link-scheme", "jAvAsCrIpT"),
    ("[x](&#106;avascript:alert(1))", "content-link-scheme", "&#106;"),
    ("`<script>`", "content-script", "<script"),
    ("<iframe/src=//x>", "content-iframe", "<iframe"),
]


@pytest.mark.parametrize(("payload", "rule", "marker"), HOSTILE_PLAIN)
def test_hostile_plain_field(town: Town, payload: str, rule: str, marker: str) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-03-y.md", f"---\nschema: 1\ntitle: '{payload}'\ncategory: 两民工作\n---\n正文\n")
    found = _found(town, "2026-11-03-y.md")
    d = next(d for d in found if d.rule == rule)
    assert (d.line, d.col) == (3, 9 + payload.index(marker))


HARMLESS = [
    "a < b，1<2",
    "<<春江>>和《春江》",
    "流程：申请 -> 审核 -> 公示，x <- y",
    "人数 <5 人，a < b > c，<3",
    "邮件 <dangban@example.org>",
    "网址 <https://example.org/a?b=1&c=2>",
    "**加粗** *斜体* [链接](https://example.org) [相对](../a/) [锚点](#x)",
    "[电话](tel:0519-88001234) [邮件](mailto:a@example.org)",
    "A&B 公司 &amp; 合作，&lt;不是标签&gt;",
    "H~2~O，价格 5 < 10 元",
    "`<script>` 是一个标签的名字",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_passes_in_body_and_field(town: Town, text: str) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=f"{text}\n"))
    title = "标题" if "`" in text else text  # backticks are not code in a plain field
    town.write("organizations/a-cun/disclosures/2026-11-03-y.md", f"---\nschema: 1\ntitle: '{title}'\ncategory: 两民工作\n---\n正文\n")
    assert _found(town, "2026-11-02-x.md") == []
    assert _found(town, "2026-11-03-y.md") == []


def test_harmless_markdown_features(town: Town) -> None:
    town.add_org("a-cun")
    body = "# 标题\n\n- 一\n    - 二\n\n1. 甲\n2. 乙\n\n> 引用\n\n| 项目 | 金额 |\n|:--|--:|\n| 党费 | 4,320 |\n\n行尾两个空格  \n换行\n\n---\n"
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=body))
    assert _found(town, "2026-11-02-x.md") == []


def test_every_hostile_body_is_really_changed_by_the_cleaner() -> None:
    """The matrix is honest: each payload would have been altered on the page, so refusing it is
    what keeps "what the clerk wrote is what the reader sees" true."""
    for payload, _, _ in HOSTILE_MARKDOWN:
        rendered = to_html(payload).html
        assert render_markdown(payload) != rendered, payload


# --- town-owned Markdown pages under content/ ---------------------------------------------

GUIDE = """\
# 编辑指南

!!! warning "代码仓库不公开"
    仓库里有“党内”事项。

<div class="p365-shots" markdown>

![首页](img/home.png){ width="390" loading="lazy" }

</div>

```yaml
title: <script>alert(1)</script>
```

| 规则编号 | 检查内容 |
| --- | --- |
| `content-script` | 文本里有 `<script>` 脚本 |
| `content-html` | 文本里有 <script> 脚本 |
"""


def test_town_page_script_is_caught_and_code_is_text(town: Town) -> None:
    town.write("content/guide/index.md", GUIDE)
    [d] = _found(town, "content/guide/index.md")
    assert (d.rule, d.line, d.col) == ("content-script", 19, 25)


def test_town_page_with_front_matter_and_event_attribute(town: Town) -> None:
    town.write("content/about.md", '---\ntitle: 关于\n---\n# 关于本站 { onclick="alert(1)" }\n\n[x](javascript:alert(1))\n')
    found = {(d.rule, d.line, d.col) for d in _found(town, "content/about.md")}
    assert found == {("content-html", 4, 10), ("content-link-scheme", 6, 5)}


def test_town_data_folder_is_not_a_page(town: Town) -> None:
    town.write("content/_town/notes.md", "<script>x</script>\n")
    assert _found(town, "notes.md") == []


def test_the_repository_guide_passes() -> None:
    pages = load_pages(REPO)
    assert "guide/index.md" in pages
    found = [d for doc in pages.values() for text in iter_texts(doc, town=True) for d in content.scan(text)]
    assert found == []


# --- bounds: validate refuses what would crash or stall the build -------------------------


def test_deep_list_is_refused_and_never_crashes_the_renderer(town: Town) -> None:
    town.add_org("a-cun")
    body = "正文\n\n" + "".join("    " * i + "- 层\n" for i in range(60))
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=body))
    [d] = _found(town, "2026-11-02-x.md")
    assert (d.rule, d.line, d.col) == ("content-nesting", BODY_LINE + 2 + MAX_DEPTH, 4 * MAX_DEPTH + 1)
    assert "嵌套" in d.message and d.fix
    deeper = "".join("    " * i + "- 层\n" for i in range(300))
    assert "层" in render_markdown(body) and "层" in render_markdown(deeper)  # never a RecursionError


def test_deep_quote_is_refused(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body="正文\n" + ">" * 40 + " 引用\n"))
    [d] = _found(town, "2026-11-02-x.md")
    assert (d.rule, d.line, d.col) == ("content-nesting", BODY_LINE + 1, 1)


def test_too_long_and_too_many_brackets(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body="字" * 20_001 + "\n"))
    town.write("organizations/a-cun/disclosures/2026-11-03-y.md", disclosure_md("两民工作", body="正文\n" + "[" * 400 + "\n"))
    [long] = _found(town, "2026-11-02-x.md")
    assert (long.rule, long.line, long.col) == ("content-too-long", BODY_LINE, 1) and "20000" in long.message
    [brackets] = _found(town, "2026-11-03-y.md")
    assert (brackets.rule, brackets.line, brackets.col) == ("content-too-long", BODY_LINE + 1, 301)


@pytest.mark.parametrize(
    "text",
    [
        "".join("    " * i + "- x\n" for i in range(300)),
        "".join("  " * i + "1. x\n" for i in range(400)),
        "> " * 500 + "x",
        "[" * 5000,
        "*" * 10_000,
    ],
    ids=["nested-bullets", "nested-numbers", "nested-quotes", "brackets", "stars"],
)
def test_render_markdown_never_raises(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each text renders by its intended path: beyond the bounds, as escaped paragraphs; within
    them, through Markdown and the sanitizer. The catch-all fallback is made to fail here, so a
    renderer that raises fails this test instead of being hidden by it."""
    from generator import markup

    def no_fallback(value: str) -> str:
        if markup.bound(value) is None:
            raise AssertionError("Markdown raised on a text within the bounds; the fallback hid it")
        return paragraphs(value)

    paragraphs = markup._as_paragraphs
    monkeypatch.setattr(markup, "_as_paragraphs", no_fallback)
    monkeypatch.setattr(markup.cache, "store", lambda *args, **kwargs: None)
    rendered = render_markdown(text)
    assert rendered.strip() and ("x" in rendered or set(text) <= {"[", "*"})
    assert "<script" not in rendered


def test_validate_time_is_bounded(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=("[" + "x" * 60) * 300 + "\n"))
    start = dt.datetime.now()
    town.diagnostics(today=TODAY)
    assert (dt.datetime.now() - start).total_seconds() < 10


@pytest.mark.parametrize("payload", ["<![foo[x]]>", "标题<![", "<![if !IE]>"])
def test_markup_the_parser_cannot_read_is_refused_without_a_traceback(town: Town, payload: str) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-03-y.md", f"---\nschema: 1\ntitle: '{payload}'\ncategory: 两民工作\n---\n正文\n")
    [d] = _found(town, "2026-11-03-y.md")
    assert (d.rule, d.line, d.col) == ("content-html", 3, 9 + payload.index("<"))
