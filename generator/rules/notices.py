"""Notice rule: dates in order, at least 5 working days, an objection channel, and
困难党员 notices kept inside the Party."""

from __future__ import annotations

from collections.abc import Iterator

from ..dates import MIN_NOTICE_WORKDAYS, WorkCalendar
from ..diagnostics import Diagnostic, Severity
from ..loader import position
from ..project import Dataset
from ..schema import Notice
from ..valid import ValidItem

RULES = {
    "notice-dates": "公示结束日期早于开始日期",
    "notice-too-short": "公示不足 5 个工作日",
    "notice-calendar": "节假日表缺少该年份（按周末计算，仅警告）",
    "notice-objection": "公示没有异议渠道",
    "notice-audience": "困难党员公示不能向社会公开",
}


def calendar(ds: Dataset) -> WorkCalendar:
    holidays = ds.valid.holidays
    if holidays is None:
        return WorkCalendar()
    return WorkCalendar(
        holidays=frozenset(d for y in holidays.years.values() for d in y.holidays),
        workdays=frozenset(d for y in holidays.years.values() for d in y.workdays),
        years=frozenset(holidays.years),
    )


def _check(item: ValidItem[Notice], cal: WorkCalendar, holidays_path: str) -> Iterator[Diagnostic]:
    notice, doc = item.model, item.doc

    def diag(loc: tuple[str, ...], *, rule: str, message: str, found: str, fix: str, severity: Severity = Severity.ERROR) -> Diagnostic:
        pos = position(doc.data, loc)
        return Diagnostic.at(doc.path, pos, severity=severity, rule=rule, message=message, found=found, fix=fix)

    if notice.end < notice.start:
        yield diag(
            ("end",),
            rule="notice-dates",
            message="公示结束日期早于开始日期",
            found=f"{notice.start} 至 {notice.end}",
            fix="检查 start 和 end 是否写反",
        )
    else:
        missing = cal.missing_years(notice.start, notice.end)
        if missing:
            years = "、".join(str(y) for y in missing)
            yield diag(
                ("end",),
                rule="notice-calendar",
                message=f"节假日表里没有 {years} 年，工作日只按周末计算",
                found=years,
                fix=f"请镇党委在 {holidays_path} 里补上 {years} 年的放假和调休安排",
                severity=Severity.WARNING,
            )
        days = cal.count_workdays(notice.start, notice.end)
        if days < MIN_NOTICE_WORKDAYS:
            yield diag(
                ("end",),
                rule="notice-too-short",
                message=f"公示期只有 {days} 个工作日，至少需要 {MIN_NOTICE_WORKDAYS} 个",
                found=f"{notice.start} 至 {notice.end}",
                fix="把 end 往后推，节假日和周末不算工作日，调休上班日算",
            )
    channel = notice.objection
    if not any((channel.phone, channel.address, channel.email)):
        yield diag(
            ("objection",),
            rule="notice-objection",
            message="公示必须写明反映意见的渠道",
            found="",
            fix="在 objection: 下至少写 phone（电话）、address（地址或信箱）、email 中的一种",
        )
    if notice.kind == "困难党员" and doc.data.get("audience") == "向社会公开":
        yield diag(
            ("audience",),
            rule="notice-audience",
            message="困难党员公示只能在党内公开，不能上网站",
            found="向社会公开",
            fix="改为 audience: 党内（会印在党务公开栏上，不会出现在网站）",
        )


def check(ds: Dataset) -> Iterator[Diagnostic]:
    cal = calendar(ds)
    holidays_doc = ds.town_docs.get("holidays")
    holidays_path = holidays_doc.path if holidays_doc else "content/_town/holidays.yml"
    for entry in ds.valid.orgs.values():
        for item in entry.notices:
            yield from _check(item, cal, holidays_path)
