"""Notice rule: dates in order, at least 5 working days and at most the town's longest period,
the start on the file name's date, an objection channel, and 困难党员 notices kept inside the Party.

The file name of a notice begins with its start date, as a disclosure's begins with its date (an
explicit `date:` that differs is refused there, `item-date`): the name is the notice's permanent
address, and a start that contradicts it (2025-11-30 in 2026-11-30-….md) is a typing error in one of
the two. The longest period is town.yml's `notice_max_workdays` (15 working days unless the town
says otherwise, `dates.MAX_NOTICE_WORKDAYS`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..dates import MAX_NOTICE_WORKDAYS, MIN_NOTICE_WORKDAYS, WorkCalendar
from ..diagnostics import Diagnostic, Severity
from ..loader import position
from ..project import Dataset
from ..schema import Notice
from ..valid import ValidItem

RULES = {
    "notice-dates": "公示结束日期早于开始日期",
    "notice-too-short": "公示不足 5 个工作日",
    "notice-too-long": "公示期超过全镇规定的最长工作日数（town.yml 的 notice_max_workdays，不写为 15 个工作日；多半是年份或月份写错了）",
    "notice-file-date": "公示的开始日期（start）与文件名开头的日期不一致",
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


def _check(item: ValidItem[Notice], cal: WorkCalendar, holidays_path: str, longest: int) -> Iterator[Diagnostic]:
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
        elif days > longest:
            yield diag(
                ("end",),
                rule="notice-too-long",
                message=f"公示期有 {days} 个工作日（{(notice.end - notice.start).days + 1} 天），超过全镇规定的最多 {longest} 个工作日",
                found=f"{notice.start} 至 {notice.end}",
                fix="检查 start 和 end 的年份、月份是否写错（公示一般为 5 到 7 个工作日）；"
                "确需更长的公示期，请镇党委在 content/_town/town.yml 里调大 notice_max_workdays",
            )
    if notice.start != item.date:
        yield diag(
            ("start",),
            rule="notice-file-date",
            message=f"公示开始日期与文件名开头的日期（{item.date}）不一致",
            found=f"start: {notice.start}，文件名 {item.file.name}",
            fix=f"公示文件名以开始日期开头：开始日期是 {item.date} 就把 start 改成 {item.date}；"
            f"开始日期确是 {notice.start}，就把文件改名为 {notice.start}-{item.name}.md（已发布的公示不要改名，"
            "请撤回后另发一条）",
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
    town = ds.valid.town
    longest = town.notice_max_workdays if town is not None else MAX_NOTICE_WORKDAYS
    for entry in ds.valid.orgs.values():
        for item in entry.notices:
            yield from _check(item, cal, holidays_path, longest)
