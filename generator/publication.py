"""The publication policy: what of a town's data the public sees, and where.

One module decides it, and every output asks it: pages, search entries, the feed, the open-data
exports, photos, `party365 diff`. Nothing else re-derives "is this public?".

- An item (disclosure or notice) is public when its audience is 向社会公开. The audience is
  what the file says; when the file says nothing, an item that looks internal (a 困难党员
  notice, the category 党内通报, a title that says 党内 or 困难党员) is 党内, anything else is
  向社会公开. A clerk who forgets `audience:` on an internal item therefore never publishes it.
- A public disclosure is published from its date on (a future date schedules it); a public
  notice is listed as soon as it exists (upcoming, open, closed).
- Withdrawn and redacted items stay as tombstones: their pages keep a "已撤回" record, but no
  content, no photos and no search entry.
- Photos are published only with a published, visible item (or the brand profile) and with
  consent. Withdrawing or redacting an item removes its photos from the next build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .loader import Document
from .schema import Disclosure, Notice, Photo
from .valid import AnyItem, ValidItem, ValidOrg

PUBLIC = "向社会公开"
INTERNAL = "党内"

# What makes an item look internal when its file does not say `audience:`.
INTERNAL_NOTICE_KINDS = frozenset({"困难党员"})
INTERNAL_CATEGORIES = frozenset({"党内通报"})
INTERNAL_TITLE_WORDS = ("党内", "困难党员")


# ------------------------------------------------------------------ URLs


def url_path(path: str) -> str:
    """A site path (or a relative one) as it goes into a URL: percent-encoded as UTF-8, '/' kept.
    Every link the site writes to one of its files goes through here (`site.build.relative`),
    so a photo named by a clerk (会议 照片.jpg) never breaks a src, srcset or href."""
    return quote(path, safe="/")


def org_url(slug: str) -> str:
    """The organization's 党务公开 page, relative to the site root."""
    return f"dangwu/{slug}/"


def brand_url(slug: str) -> str:
    """The organization's brand profile, relative to the site root."""
    return f"pinpai/{slug}/"


def item_url(slug: str, anchor: str) -> str:
    """A disclosure or notice: an anchor on its organization's page."""
    return f"{org_url(slug)}#{anchor}"


# ------------------------------------------------------------------ items


def looks_internal(item: AnyItem) -> bool:
    """Whether an item reads as 党内 business (used when its file does not say `audience:`)."""
    model = item.model
    if isinstance(model, Notice) and model.kind in INTERNAL_NOTICE_KINDS:
        return True
    if isinstance(model, Disclosure) and model.category in INTERNAL_CATEGORIES:
        return True
    return any(word in model.title for word in INTERNAL_TITLE_WORDS)


def audience_written(item: AnyItem) -> str | None:
    """The audience as the file writes it, or None when the file leaves it out."""
    data = item.doc.data
    value = data.get("audience") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def audience(item: AnyItem) -> str:
    """The effective audience: what the file says, else 党内 for what looks internal."""
    written = audience_written(item)
    if written is not None:
        return written
    return INTERNAL if looks_internal(item) else PUBLIC


def is_public(item: AnyItem) -> bool:
    """Whether an item may appear on the website at all: for the public, and never a 困难党员
    notice (whatever the file says; the notice rule also refuses it)."""
    if isinstance(item.model, Notice) and item.model.kind in INTERNAL_NOTICE_KINDS:
        return False
    return audience(item) == PUBLIC


def is_published(item: AnyItem, today: dt.date) -> bool:
    """Whether an item is on the website today: public, and a disclosure's date has come."""
    if not is_public(item):
        return False
    return item.kind == "notice" or item.date <= today


def is_hidden(item: AnyItem) -> bool:
    """Withdrawn or redacted: only the tombstone is published."""
    return bool(item.model.withdrawn or item.model.redact)


def scheduled(entry: ValidOrg, today: dt.date) -> list[ValidItem[Disclosure]]:
    """Public disclosures dated after today: held back until their date."""
    return [i for i in entry.disclosures if is_public(i) and i.date > today]


def period_phase(start: dt.date, end: dt.date, today: dt.date) -> str:
    """A period's phase on `today`, start and end both included: "upcoming", "open" or "closed".
    The one time rule: assets/party365.js `phase` is the same rule, re-decided on the day a page
    is read (tests/test_browser.py compares the two on every day of a year)."""
    if today > end:
        return "closed"
    return "upcoming" if today < start else "open"


def notice_status(model: Notice, today: dt.date) -> str:
    """ "open", "upcoming" or "closed" on `today`; a withdrawn or redacted notice is closed."""
    if model.withdrawn or model.redact:
        return "closed"
    return period_phase(model.start, model.end, today)


# ------------------------------------------------------------------ photos


@dataclass(frozen=True)
class PhotoRef:
    """A published photo and the place in the data that refers to it."""

    doc: Document
    loc: tuple[Any, ...]  # path of the photo entry in the document
    photo: Photo


def web_photos(entry: ValidOrg, today: dt.date) -> Iterator[PhotoRef]:
    """The photos of an organization that the website shows: the brand profile's, and those of
    published, visible disclosures; only photos with consent."""
    if entry.model.brand is not None:
        for i, photo in enumerate(entry.model.brand.photos):
            if photo.consent:
                yield PhotoRef(entry.doc, ("brand", "photos", i), photo)
    for item in entry.disclosures:
        if is_published(item, today) and not is_hidden(item):
            for i, photo in enumerate(item.model.photos):
                if photo.consent:
                    yield PhotoRef(item.doc, ("photos", i), photo)


def board_photos(entry: ValidOrg, today: dt.date) -> Iterator[PhotoRef]:
    """The photos a printed 党务公开栏 may show: the brand's, and those of every visible
    disclosure dated up to today, 党内 included (the board hangs inside the organization)."""
    yield from (ref for ref in web_photos(entry, today) if ref.loc[0] == "brand")
    for item in entry.disclosures:
        if item.date <= today and not is_hidden(item):
            for i, photo in enumerate(item.model.photos):
                if photo.consent:
                    yield PhotoRef(item.doc, ("photos", i), photo)
