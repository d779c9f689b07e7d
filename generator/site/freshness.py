"""When each page's content last changed, from the data it shows (the sitemap's `lastmod`).

Not the build date: a crawler re-reads a page whose data changed, not every page after every
build. A page's date is the newest of the dates of what it shows: an organization's `updated`
(org.yml), its items' dates and withdrawals, and the days its notices were posted, opened and
closed (a notice page changes the day after a notice ends). Dates after today never count
(nothing dated later is shown yet). The day counts of open notices ("还剩 3 天") are not content
changes. Town data without dates (routes, the plan) cannot date a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..schema import Assessments
from .views import NoticeView, OrgView

Day = dt.date | None


def newest(dates: Iterable[Day], today: dt.date) -> Day:
    known = [d for d in dates if d is not None and d <= today]
    return max(known) if known else None


def notice_dates(notice: NoticeView) -> list[Day]:
    return [notice.posted, notice.start, notice.end + dt.timedelta(days=1), notice.withdrawn_date]


def org_dates(view: OrgView) -> list[Day]:
    """Everything an organization's page shows: org.yml, its items and its notices."""
    items = [i for _, group in view.current for i in group] + view.other_current + [i for _, group in view.archive for i in group]
    return [
        view.model.updated,
        *(i.date for i in items),
        *(i.withdrawn_date for i in items),
        *(d for n in view.notices for d in notice_dates(n)),
    ]


def profile_dates(views: Iterable[OrgView]) -> list[Day]:
    """Lists and profiles built from org.yml only (names, brands, locations)."""
    return [v.model.updated for v in views]


def town_dates(views: dict[str, OrgView], assessments: Assessments | None) -> list[Day]:
    """Pages that sum up the whole town (home, progress): every organization and the assessments."""
    return [*(d for v in views.values() for d in org_dates(v)), *(a.date for a in (assessments.entries if assessments else []))]
