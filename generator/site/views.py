"""View models: what each public page shows, derived from a validated dataset.

What is public is decided by `generator.publication`; this module shapes what it allows into
what the pages show: withdrawn items become tombstones, redacted items lose their content.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..dates import quarter_start
from ..project import Dataset
from ..publication import is_hidden, is_public, is_published, notice_status
from ..schema import BANKUAI, SHIQIANG, Brand, Disclosure, Notice, Objection, Org, Photo, Vote
from ..valid import ValidItem, ValidOrg
from .markup import render_markdown

BANKUAI_ORDER = ("机关事业单位党组织板块", "村（社区）党组织板块", "企业党组织板块")


@dataclass(frozen=True)
class ItemView:
    """One public disclosure or notice as a page shows it."""

    anchor: str  # the file stem: permanent, unique within the organization
    date: dt.date
    title: str
    category: str
    html: str
    withdrawn: str | None = None  # the reason, when withdrawn
    withdrawn_date: dt.date | None = None
    redacted: bool = False
    vote: Vote | None = None
    photos: tuple[Photo, ...] = ()


@dataclass(frozen=True)
class NoticeView:
    org_slug: str
    org_name: str
    anchor: str
    title: str
    kind: str
    start: dt.date
    end: dt.date
    html: str
    objection: Objection
    status: str  # "open" | "upcoming" | "closed"
    days_left: int
    withdrawn: str | None = None
    redacted: bool = False
    posted: dt.date | None = None  # the date in the file name
    withdrawn_date: dt.date | None = None


@dataclass
class OrgView:
    slug: str
    model: Org
    bankuai: str
    intro_html: str
    current: list[tuple[str, list[ItemView]]] = field(default_factory=list)  # heading -> this year's items
    other_current: list[ItemView] = field(default_factory=list)
    archive: list[tuple[int, list[ItemView]]] = field(default_factory=list)  # year -> items, newest first
    notices: list[NoticeView] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # mutual only
    children: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def short_name(self) -> str:
        return self.model.short_name

    @property
    def brand(self) -> Brand | None:
        return self.model.brand

    @property
    def last_published(self) -> dt.date | None:
        dates = [i.date for _, items in self.current for i in items] + [i.date for i in self.other_current]
        return max(dates) if dates else None


def _item_view(item: ValidItem[Disclosure]) -> ItemView:
    m = item.model
    withdrawn = m.withdrawn.reason if m.withdrawn else None
    redacted = bool(m.redact)
    hidden = is_hidden(item)
    return ItemView(
        anchor=item.file.stem,
        date=item.date,
        title="" if redacted else m.title,
        category=m.category,
        html="" if hidden else render_markdown(item.doc.body),
        withdrawn=withdrawn or ("内容已删除" if redacted else None),
        withdrawn_date=m.withdrawn.date if m.withdrawn else None,
        redacted=redacted,
        vote=None if hidden else m.vote,
        photos=() if hidden else tuple(m.photos),
    )


def _notice_view(entry: ValidOrg, item: ValidItem[Notice], today: dt.date) -> NoticeView:
    m = item.model
    redacted = bool(m.redact)
    withdrawn = m.withdrawn.reason if m.withdrawn else ("内容已删除" if redacted else None)
    return NoticeView(
        org_slug=entry.slug,
        org_name=entry.model.short_name,
        anchor=item.file.stem,
        title="" if redacted else m.title,
        kind=m.kind,
        start=m.start,
        end=m.end,
        html="" if withdrawn else render_markdown(item.doc.body),
        objection=m.objection,
        status=notice_status(m, today),
        days_left=(m.end - today).days,
        withdrawn=withdrawn,
        redacted=redacted,
        posted=item.date,
        withdrawn_date=m.withdrawn.date if m.withdrawn else None,
    )


def _mutual_partners(ds: Dataset, entry: ValidOrg) -> list[str]:
    brand = entry.model.brand
    if brand is None:
        return []
    mutual = []
    for partner in brand.partners:
        other = ds.valid.orgs.get(partner)
        if other and other.model.brand and entry.slug in other.model.brand.partners:
            mutual.append(partner)
    return mutual


def build_org_views(ds: Dataset) -> dict[str, OrgView]:
    """A view of every valid organization, sorted by slug."""
    today = ds.today
    since = dt.date(today.year, 1, 1)
    views: dict[str, OrgView] = {}
    for slug, entry in ds.valid.orgs.items():
        items = sorted((i for i in entry.disclosures if is_published(i, today)), key=lambda i: (i.date, i.name), reverse=True)
        by_heading: dict[str, list[ItemView]] = {}
        other: list[ItemView] = []
        by_year: dict[int, list[ItemView]] = {}
        for item in items:
            view = _item_view(item)
            if item.date >= since:
                if item.model.category in SHIQIANG:
                    by_heading.setdefault(item.model.category, []).append(view)
                else:
                    other.append(view)
            else:
                by_year.setdefault(item.date.year, []).append(view)
        notices = [_notice_view(entry, n, today) for n in sorted(entry.notices, key=lambda n: n.model.start, reverse=True) if is_public(n)]
        views[slug] = OrgView(
            slug=slug,
            model=entry.model,
            bankuai=BANKUAI[entry.model.sector],
            intro_html=render_markdown(entry.model.intro),
            current=[(h, by_heading[h]) for h in SHIQIANG if h in by_heading],
            other_current=other,
            archive=sorted(by_year.items(), reverse=True),
            notices=notices,
            partners=_mutual_partners(ds, entry),
        )
    for slug, org_view in views.items():
        parent = org_view.model.parent
        if parent in views and slug in views[parent].model.children:  # both sides say so
            views[parent].children.append(slug)
    return views


def open_notices(views: dict[str, OrgView]) -> list[NoticeView]:
    """Notices of the whole town open today, the one closing soonest first. A notice that has
    not started is never among them (it is "将于 M月D日 开始公示", `upcoming_notices`)."""
    found = [n for v in views.values() for n in v.notices if n.status == "open"]
    return sorted(found, key=lambda n: (n.end, n.start, n.org_slug, n.anchor))


def upcoming_notices(views: dict[str, OrgView]) -> list[NoticeView]:
    """Notices of the whole town that start after today, the one starting soonest first. The
    pages list them apart; the browser moves one to the open notices on the day it starts."""
    found = [n for v in views.values() for n in v.notices if n.status == "upcoming"]
    return sorted(found, key=lambda n: (n.start, n.end, n.org_slug, n.anchor))


def closed_notices(views: dict[str, OrgView]) -> list[NoticeView]:
    found = [n for v in views.values() for n in v.notices if n.status == "closed"]
    return sorted(found, key=lambda n: (n.end, n.org_slug, n.anchor), reverse=True)


@dataclass(frozen=True)
class Figures:
    """The live figures on the home page."""

    orgs: int
    by_bankuai: dict[str, int]
    batch1: int
    batch2: int
    demo_sites: int
    open_notices: int
    items_this_quarter: int
    members: int


def figures(ds: Dataset, views: dict[str, OrgView]) -> Figures:
    bankuai = Counter(v.bankuai for v in views.values())
    brands = Counter(v.brand.batch for v in views.values() if v.brand)
    since = quarter_start(ds.today)
    quarter_items = len(
        [item for entry in ds.valid.orgs.values() for item in entry.disclosures if is_published(item, ds.today) and since <= item.date]
    )
    return Figures(
        orgs=len(views),
        by_bankuai={b: bankuai[b] for b in BANKUAI_ORDER},
        batch1=brands["一期"],
        batch2=brands["二期"],
        demo_sites=sum(1 for v in views.values() if v.brand and v.brand.level == "区级示范点"),
        open_notices=len([n for n in open_notices(views) if n.status == "open"]),
        items_this_quarter=quarter_items,
        members=sum(v.model.members.total for v in views.values()),
    )
