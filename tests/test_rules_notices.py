"""Notice rule: dates, 5 working days by the holiday calendar, objection channel, audience."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TOWN_YML, Town, notice_md

from generator.dates import WorkCalendar


def _notice(town: Town, start: str, end: str, *, name: str = "", **kwargs) -> list:
    """A notice's diagnostics; its file is named after its start unless `name` says otherwise."""
    town.add_org("a-cun")
    town.write(f"organizations/a-cun/notices/{name or start + '-gongshi.md'}", notice_md(start, end, **kwargs))
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


@pytest.mark.parametrize(
    ("start", "file_date"),
    [("2025-11-30", "2026-11-30"), ("2026-10-30", "2026-11-30"), ("2026-11-03", "2026-11-30"), ("2026-12-01", "2026-11-30")],
)
def test_start_must_be_the_file_names_date(town: Town, start: str, file_date: str) -> None:
    """A notice's file name begins with its start, as a disclosure's begins with its date (item-date)."""
    found = _notice(town, start, "2026-12-07", name=f"{file_date}-gongshi.md")
    [d] = [d for d in found if d.rule == "notice-file-date"]
    assert (d.line, d.col) == (5, 8) and d.is_error
    assert file_date in d.message and f"start: {start}" in d.found
    assert f"把 start 改成 {file_date}" in d.fix and f"{start}-gongshi.md" in d.fix


def test_the_clerks_year_typo_is_refused_twice(town: Town) -> None:
    """2025 for 2026 in the start: the notice contradicts its file name and runs 370 days."""
    found = _notice(town, "2025-11-30", "2026-12-04", name="2026-11-30-gongshi.md")
    assert sorted((d.rule, d.line, d.col) for d in found if d.is_error) == [("notice-file-date", 5, 8), ("notice-too-long", 6, 6)]
    [d] = [d for d in found if d.rule == "notice-too-long"]
    assert "370 天" in d.message and "15 个工作日" in d.message and "notice_max_workdays" in d.fix


def test_the_longest_period_is_the_towns(town: Town) -> None:
    # 2026-11-02 (Mon) to 2026-11-20 (Fri): 15 working days, the default longest; one more is too long
    assert _notice(town, "2026-11-02", "2026-11-20") == []
    [d] = _notice(town, "2026-11-02", "2026-11-23")
    assert (d.rule, d.line, d.col) == ("notice-too-long", 6, 6) and "16 个工作日" in d.message
    town.write("content/_town/town.yml", TOWN_YML + "notice_max_workdays: 20\n")
    assert _notice(town, "2026-11-02", "2026-11-23") == []
    town.write("content/_town/town.yml", TOWN_YML + "notice_max_workdays: 3\n")  # below the minimum of 5
    assert [(d.path, d.rule) for d in town.diagnostics() if d.path.endswith("town.yml")] == [("content/_town/town.yml", "schema-value")]
