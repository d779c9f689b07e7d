"""A source line break between two Chinese characters is not a space on the page or in a PDF."""

from __future__ import annotations

import re
from pathlib import Path

from generator.markup import render_markdown

_HAN_BREAK = re.compile(r"[\u4e00-\u9fff，。；：、）]\s*\n\s*[\u4e00-\u9fff（]")


def test_a_line_break_between_han_characters_disappears() -> None:
    assert render_markdown("全镇党组织建设，\n机关党建走在前列。") == "<p>全镇党组织建设，机关党建走在前列。</p>"


def test_breaks_next_to_latin_text_and_inside_code_stay() -> None:
    html = render_markdown("English words\nstay apart. 数字 3\n号\n\n    代码\n    换行\n\n`行内\n代码`")
    assert "English words\nstay apart." in html
    assert "代码\n换行" in html  # a code block is shown as written
    assert "<code>行内\n代码</code>" in html


def test_emphasis_and_links_across_a_break_join_too() -> None:
    assert render_markdown("**加粗**\n接着写，[链接](https://example.org/)\n后文") == (
        '<p><strong>加粗</strong>接着写，<a href="https://example.org/" rel="noopener noreferrer nofollow">链接</a>后文</p>'
    )


def test_the_built_site_has_no_space_between_han_characters_from_a_line_break(demo_site: Path) -> None:
    """The guide is rendered by MkDocs (mkdocs.yml lists the extension), the pages by the core."""
    for page in ("guide/index.html", "dangwu/dongwan-cun/index.html", "pinpai/dongwan-cun/index.html"):
        html = (demo_site / page).read_text(encoding="utf-8")
        body = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "X", html, flags=re.S)  # code stays as written
        paragraphs = re.findall(r"<p\b[^>]*>(.*?)</p>", body, flags=re.S)
        assert not [p for p in paragraphs if _HAN_BREAK.search(p)], page
