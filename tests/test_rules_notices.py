"""Notice rule: dates, 5 working days by the holiday calendar, objection channel, audience."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Town, notice_md

from generator.dates import WorkCalendar


def _notice(town: Town, start: str, end: str, **kwargs) -> list:
    town.add_org("a-cun")
    town.write("organizations/a-cun/notices/2026-11-20-gongshi.md", notice_md(start, end, **kwargs))
    return [d for d in town.diagnostics() if d.path.endswith("gongshi.md")]


def test_five_working_days_is_enough(town: Town) -> None:
    assert _notice(town, "2026-11-23", "2026-11-27") == []  # Monday to Friday


def test_four_working_days_is_too_short(town: Town) -> None:
    [d] = _notice(town, "2026-11-20", "2026-11-25")  # Fri + Mon-Wed: weekends do not count
    assert (d.rule, d.line, d.col) == ("notice-too-short", 6, 6)
    assert "4 个工作日" in d.message


def test_national_day_holidays_do_not_count(town: Town) -> None:
    # 11 calendar days, but 2026 国庆 (Oct 1-7) is off: only Sep 29-30 and Oct 8-9 are working days
    [d] = _notice(town, "2026-09-29", "2026-10-09")
    assert d.rule == "notice-too-short" and "4 个工作日" in d.message


def test_tiaoxiu_workday_counts(town: Town) -> None:
    # Sat 2026-10-10 is a 调休 workday: Oct 8 (Thu) to Oct 14 (Wed) holds 6 working days, not 5
    assert _notice(town, "2026-10-08", "2026-10-13") == []  # Thu, Fri, Sat(调休), Mon, Tue
    cal = WorkCalendar(holidays=frozenset(), workdays=frozenset({dt.date(2026, 10, 10)}), years=frozenset({2026}))
    assert cal.count_workdays(dt.date(2026, 10, 8), dt.date(2026, 10, 13)) == 5


def test_end_before_start(town: Town) -> None:
    [d] = _notice(town, "2026-11-27", "2026-11-23")
    assert (d.rule, d.line) == ("notice-dates", 6)


def test_year_missing_from_calendar_is_a_warning(town: Town) -> None:
    found = _notice(town, "2027-01-04", "2027-01-08")
    [d] = found
    assert d.rule == "notice-calendar" and not d.is_error and "2027" in d.message


def test_objection_channel_required(town: Town) -> None:
    [d] = _notice(town, "2026-11-23", "2026-11-27", objection="  contact: 王某某\n")
    assert (d.rule, d.line) == ("notice-objection", 8)


@pytest.mark.parametrize(("audience", "errors"), [("向社会公开", 1), ("党内", 0), (None, 0)])
def test_hardship_notices_stay_inside_the_party(town: Town, audience: str | None, errors: int) -> None:
    extra = f"audience: {audience}\n" if audience else ""
    found = _notice(town, "2026-11-23", "2026-11-27", kind="困难党员", extra=extra)
    assert [d.rule for d in found] == ["notice-audience"] * errors
