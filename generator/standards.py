"""The plan's standards in one place: activity space, 六有 / 六统一, 十上墙 coverage and the
brand profile. The compliance rule (warnings for the clerk) and the progress dashboard (figures
for the town) both measure an organization against these; each decides what to do with a gap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .dates import quarter_start
from .publication import is_hidden
from .schema import HALL_MINIMUM, LIUTONGYI, LIUYOU, REQUIRED_SHIQIANG, SPACE_MINIMUM
from .valid import ValidOrg


@dataclass(frozen=True)
class Area:
    """One area standard of an organization's space: which field, the minimum, what it has."""

    field: str  # "area" | "hall_area"
    label: str  # "村活动场所" …
    minimum: float
    actual: float | None  # None: not filled in

    @property
    def met(self) -> bool:
        return self.actual is not None and self.actual >= self.minimum


def areas(org: Any) -> list[Area]:
    """The area standards that apply to the organization's sector (none for 机关 and 企业)."""
    minimum = SPACE_MINIMUM.get(org.sector)
    if minimum is None:
        return []
    found = [Area("area", f"{org.sector}活动场所", minimum, org.space.area)]
    if org.sector == "社区":
        found.append(Area("hall_area", "社区党员群众服务中心大厅", HALL_MINIMUM, org.space.hall_area))
    return found


def facility_list(org: Any) -> str | None:
    """Which list applies: "liutongyi" (六统一, 村 and 社区), "liuyou" (六有), or None for an
    enterprise that shares a space with its 联建 partner (space.shared_with)."""
    if org.sector in ("村", "社区"):
        return "liutongyi"
    return None if org.space.shared_with else "liuyou"


def facility_gaps(org: Any) -> tuple[str, ...]:
    """The items of 六统一 or 六有 the organization has not done yet."""
    which = facility_list(org)
    if which is None:
        return ()
    standard, done = (LIUTONGYI, org.space.liutongyi) if which == "liutongyi" else (LIUYOU, org.space.liuyou)
    return tuple(x for x in standard if x not in done)


@dataclass(frozen=True)
class ShiqiangStatus:
    missing: tuple[str, ...]  # required headings with no item at all
    stale: tuple[str, ...]  # required headings with no item this quarter


def shiqiang_status(entry: ValidOrg, today: dt.date) -> ShiqiangStatus:
    """Which required 十上墙 headings have no item at all, and which none this quarter."""
    required = REQUIRED_SHIQIANG[entry.model.sector]
    latest: dict[str, dt.date] = {}
    for item in entry.disclosures:
        model = item.model
        if is_hidden(item) or item.date > today:  # a tombstone (withdrawn or redacted) covers nothing
            continue
        if item.date > latest.get(model.category, dt.date.min):
            latest[model.category] = item.date
    since = quarter_start(today)
    missing = tuple(h for h in required if h not in latest)
    stale = tuple(h for h in required if h in latest and latest[h] < since)
    return ShiqiangStatus(missing, stale)


def brand_gaps(brand: Any) -> tuple[str, ...]:
    """The parts of a brand profile still empty: 品牌理念, 主要做法, 工作成效, 照片."""
    parts = (("品牌理念", brand.idea), ("主要做法", brand.practices), ("工作成效", brand.results), ("照片", brand.photos))
    return tuple(label for label, present in parts if not present)
