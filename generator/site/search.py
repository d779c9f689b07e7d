"""Search documents for the organization and brand pages, built from the data directly.

Material's search plugin would parse every generated page's HTML to index it, the largest
cost of a build (about a third at 1,000 organizations). These pages are marked
`search: exclude` and their entries come from here instead: one per page and one per
current item, from text the views already hold. The adapter segments them and hands them
to the search plugin, so the index has the same shape as Material's own entries. Entries are
built from plain text (`_plain` turns the cleaned HTML into text) and escaped in one place,
`SearchDoc.entry`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..publication import brand_url, org_url
from .markup import render_markdown
from .views import OrgView

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchDoc:
    """One search entry, in plain text."""

    location: str
    title: str
    text: str

    def entry(self, segment: Callable[[str], str] | None = None) -> dict[str, str]:
        """The entry as the search index holds it: segmented, then HTML-escaped, as Material
        escapes its own entries (its search UI inserts titles and text as HTML)."""
        title, text = (segment(self.title), segment(self.text)) if segment else (self.title, self.text)
        return {"location": self.location, "title": html.escape(title, quote=False), "text": html.escape(text, quote=False)}


def _plain(markup: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()


def search_docs(views: dict[str, OrgView]) -> list[SearchDoc]:
    docs: list[SearchDoc] = []
    for slug, view in views.items():
        m = view.model
        page = org_url(slug)
        secretary = f"{m.secretary.title} {m.secretary.name}"
        about = [m.name, view.bankuai, m.sector, secretary, m.contact.address or "", _plain(view.intro_html)]
        docs.append(SearchDoc(page, view.short_name, " ".join(a for a in about if a)))
        items = [i for _, group in view.current for i in group] + view.other_current
        for item in items:
            if item.title and not item.withdrawn:
                docs.append(SearchDoc(f"{page}#{item.anchor}", item.title, f"{item.category} {_plain(item.html)}"))
        for notice in view.notices:
            if notice.status != "closed" and notice.title:
                docs.append(SearchDoc(f"{page}#{notice.anchor}", notice.title, f"公示 {notice.kind} {_plain(notice.html)}"))
        brand = view.brand
        if brand is not None:
            parts = [brand.slogan or "", m.name, brand.model, brand.batch, brand.level, _plain(render_markdown(brand.idea))]
            parts += [f"{p.title} {_plain(render_markdown(p.text))}" for p in brand.practices]
            parts.append(_plain(render_markdown(brand.results)))
            docs.append(SearchDoc(brand_url(slug), brand.name, " ".join(p for p in parts if p)))
    return docs
