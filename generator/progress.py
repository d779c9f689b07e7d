"""Progress against the three-year plan, computed from the data: what the 工作进度 page shows.

Every figure here is counted from the organizations' own files and the town's plan, quotas
and assessments; nothing is typed in by hand. No I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .dates import STALE_DAYS, quarter_label, quarter_start
from .project import Dataset
from .publication import is_hidden
from .schema import BANKUAI, HALL_MINIMUM, REQUIRED_SHIQIANG, SPACE_MINIMUM
from .standards import areas, facility_gaps, shiqiang_status
from .valid import ValidOrg


@dataclass(frozen=True)
class Measure:
    """One computed figure: `done` of `total`, with what was counted."""

    label: str
    done: int
    total: int
    note: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class OrgRow:
    slug: str
    name: str
    bankuai: str
    sector: str
    space_ok: bool | None  # None: no standard for this sector
    space_note: str
    standard_ok: bool  # 六有 / 六统一 / 联建共享
    standard_gaps: tuple[str, ...]
    shiqiang_current: int
    shiqiang_required: int
    brand: str
    updated: dt.date
    stale_days: int  # > STALE_DAYS means stale


@dataclass(frozen=True)
class TaskProgress:
    no: int
    project: str
    title: str
    owner: str
    deadline: dt.date
    standard: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class PhaseProgress:
    name: str
    start: dt.date
    end: dt.date
    goal: str
    status: str  # "已完成" | "进行中" | "未开始"


@dataclass
class Progress:
    today: dt.date
    quarter: str
    phases: list[PhaseProgress] = field(default_factory=list)
    tasks: list[TaskProgress] = field(default_factory=list)
    rows: list[OrgRow] = field(default_factory=list)
    cards: Counter[str] = field(default_factory=Counter)
    stars: Counter[int] = field(default_factory=Counter)
    assessments: list[Any] = field(default_factory=list)  # published only when the town allows
    publish_assessments: bool = False

    @property
    def stale(self) -> list[OrgRow]:
        return sorted((r for r in self.rows if r.stale_days > STALE_DAYS), key=lambda r: -r.stale_days)


def _space(entry: ValidOrg) -> tuple[bool | None, str]:
    standards = areas(entry.model)
    if not standards:
        return None, ""
    notes = [f"{a.actual or 0:g} / {a.minimum:g} 平方米" for a in standards]
    note = notes[0] + "".join(f"，大厅 {n}" for n in notes[1:])
    return all(a.met for a in standards), note


def _standard(entry: ValidOrg) -> tuple[bool, tuple[str, ...]]:
    gaps = facility_gaps(entry.model)
    return not gaps, gaps


def _row(entry: ValidOrg, today: dt.date) -> OrgRow:
    org = entry.model
    space_ok, space_note = _space(entry)
    standard_ok, gaps = _standard(entry)
    status = shiqiang_status(entry, today)
    required = len(REQUIRED_SHIQIANG[org.sector])
    return OrgRow(
        slug=entry.slug,
        name=org.short_name,
        bankuai=BANKUAI[org.sector],
        sector=org.sector,
        space_ok=space_ok,
        space_note=space_note,
        standard_ok=standard_ok,
        standard_gaps=gaps,
        shiqiang_current=required - len(status.missing) - len(status.stale),
        shiqiang_required=required,
        brand=f"{org.brand.batch}·{org.brand.name}" if org.brand else "",
        updated=org.updated,
        stale_days=(today - org.updated).days,
    )


def _items_this_quarter(entries: list[ValidOrg], category: str, today: dt.date) -> int:
    since = quarter_start(today)
    return sum(
        1 for e in entries if any(i.model.category == category and since <= i.date <= today and not is_hidden(i) for i in e.disclosures)
    )


def _measures(no: int, ds: Dataset, entries: list[ValidOrg], rows: list[OrgRow]) -> tuple[Measure, ...]:
    today = ds.today
    quarter = quarter_label(today)
    by_sector = Counter(r.sector for r in rows)
    if no == 1:
        return tuple(
            Measure(f"{sector}活动场所达标", sum(1 for r in rows if r.sector == sector and r.space_ok), by_sector[sector],
                    f"村不低于 {SPACE_MINIMUM['村']:g}、社区不低于 {SPACE_MINIMUM['社区']:g} 平方米，社区大厅不低于 {HALL_MINIMUM} 平方米")
            for sector in ("村", "社区")
        )  # fmt: skip
    if no == 2:
        village = [r for r in rows if r.sector in ("村", "社区")]
        office = [r for r in rows if r.sector == "机关事业单位"]
        firms = [e for e in entries if e.model.sector == "企业"]
        shared = sum(1 for e in firms if e.model.space.shared_with)
        firm_rows = [r for r in rows if r.sector == "企业"]
        return (
            Measure("机关“六有”齐全", sum(r.standard_ok for r in office), len(office)),
            Measure("村（社区）“六统一”做到", sum(r.standard_ok for r in village), len(village)),
            Measure("企业有标准活动室或联建共享", sum(r.standard_ok for r in firm_rows), len(firm_rows), f"其中联建共享 {shared} 家"),
        )
    if no == 3:
        complete = sum(1 for r in rows if r.shiqiang_current == r.shiqiang_required)
        headings = sum(r.shiqiang_current for r in rows)
        required = sum(r.shiqiang_required for r in rows)
        return (
            Measure(f"“十上墙”{quarter}全部更新的党组织", complete, len(rows)),
            Measure(f"“十上墙”栏目{quarter}已更新", headings, required, "按各领域必须公开的栏目计"),
        )
    single = {
        4: ("党费", "本季度公开党费收缴情况的党组织"),
        5: ("两学一做学习教育", "本季度公开“两学一做”学习教育的党组织"),
        6: ("志愿服务活动", "本季度公开志愿服务活动的党组织"),
        7: ("三会一课", "本季度公开“三会一课”情况的党组织"),
    }
    if no in single:
        category, label = single[no]
        return (Measure(label, _items_this_quarter(entries, category, today), len(rows)),)
    if no in (11, 12):
        town = ds.valid.town
        quotas = town.quotas if town else None
        brands = Counter(e.model.brand.batch for e in entries if e.model.brand)
        demo = sum(1 for e in entries if e.model.brand and e.model.brand.level == "区级示范点")
        if no == 11 and quotas:
            return (Measure("一期党建品牌", brands["一期"], quotas.batch1), Measure("二期党建品牌", brands["二期"], quotas.batch2))
        if no == 12 and quotas:
            routes = ds.valid.routes.routes if ds.valid.routes else []
            return (Measure("区级示范点", demo, quotas.demo_sites), Measure("精品示范带线路", len(routes), max(len(routes), 1)))
    return ()


def _phase_status(start: dt.date, end: dt.date, today: dt.date) -> str:
    if today > end:
        return "已完成"
    if today < start:
        return "未开始"
    return "进行中"


def compute(ds: Dataset) -> Progress:
    """The dashboard's figures. Organizations whose files do not validate are left out."""
    entries = list(ds.valid.orgs.values())
    rows = [_row(e, ds.today) for e in entries]
    progress = Progress(today=ds.today, quarter=quarter_label(ds.today), rows=rows)
    plan = ds.valid.plan
    if plan is not None:
        progress.phases = [PhaseProgress(p.name, p.start, p.end, p.goal, _phase_status(p.start, p.end, ds.today)) for p in plan.phases]
        progress.tasks = [
            TaskProgress(t.no, t.project, t.title, t.owner, t.deadline, t.standard or "", _measures(t.no, ds, entries, rows))
            for t in plan.tasks
        ]
    town = ds.valid.town
    progress.publish_assessments = bool(town and town.publish_assessments)
    assessments = ds.valid.assessments
    if assessments is not None:
        latest: dict[str, Any] = {}
        for a in sorted(assessments.entries, key=lambda a: a.date):
            latest[a.org] = a
        progress.cards = Counter(a.card for a in latest.values() if a.card)
        progress.stars = Counter(a.stars for a in latest.values() if a.stars)
        progress.assessments = [latest[slug] for slug in sorted(latest) if slug in ds.orgs]
    return progress
