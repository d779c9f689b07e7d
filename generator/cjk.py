"""A Markdown extension for Chinese text: a line break in the source between two Chinese
characters is not a space in the output.

Browsers show a soft line break as a space, which is right between English words and wrong
between Han characters ("建设，\\n机关" became "建设， 机关"). Clerks break lines wherever their
editor wraps. This drops such breaks from the text of every element except code, so the pages,
the PDFs and the guide (mkdocs.yml lists it too) read as written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Han characters, CJK punctuation and full-width forms, the kana and Hangul Chinese text may hold
_CJK = r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
_BREAK = re.compile(rf"(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")
_CJK_CHAR = re.compile(_CJK)
_LEADING = re.compile(r"^[ \t]*\n[ \t]*")
_TRAILING = re.compile(r"[ \t]*\n[ \t]*$")
_SKIP = {"pre", "code", "script", "style"}


def join_lines(text: str) -> str:
    """`text` with every line break between two Chinese characters removed."""
    return _BREAK.sub("", text)


class _JoinCJKLines(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in _SKIP:
            return
        if element.text:
            element.text = join_lines(element.text)
        previous = element.text or ""
        for child in element:
            self._walk(child)
            inside = "".join(child.itertext())
            # a break at the edge of an inline element: "**加粗**\n接着" or "写，\n[链接](…)"
            if child.tag not in _SKIP and previous and inside and _cjk(inside[0]) and _TRAILING.search(previous):
                before = _TRAILING.sub("", previous)
                if before and _cjk(before[-1]):
                    self._set_before(element, child, before)
            if child.tail:
                child.tail = join_lines(child.tail)
                last = inside[-1:] if child.tag not in _SKIP else ""
                rest = _LEADING.sub("", child.tail)
                if last and _cjk(last) and rest and _cjk(rest[0]) and _LEADING.match(child.tail):
                    child.tail = rest
            previous = child.tail or ""

    @staticmethod
    def _set_before(parent: etree.Element, child: etree.Element, text: str) -> None:
        """Replace the text just before `child` (the parent's text, or the previous sibling's tail)."""
        siblings = list(parent)
        index = siblings.index(child)
        if index == 0:
            parent.text = text
        else:
            siblings[index - 1].tail = text


def _cjk(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))


class CJKExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_JoinCJKLines(md), "party365_cjk", 5)  # after inline parsing (20)


def makeExtension(**kwargs: object) -> CJKExtension:
    return CJKExtension(**kwargs)
