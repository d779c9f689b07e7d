""" "Today", quarters and working days by the Chinese holiday calendar."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # China keeps no daylight saving
STALE_DAYS = 90
MIN_NOTICE_WORKDAYS = 5


def today(environ: dict[str, str] | None = None) -> dt.date:
    """The date of SOURCE_DATE_EPOCH when set (reproducible builds), else now, in China."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), CHINA).date()
    return dt.datetime.now(CHINA).date()


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(day: dt.date) -> str:
    return f"{day.year} 年第 {(day.month - 1) // 3 + 1} 季度"


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: Monday to Friday, less holidays, plus 调休 weekend workdays."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def count_workdays(self, start: dt.date, end: dt.date) -> int:
        """Working days from start to end, both included."""
        count = 0
        day = start
        while day <= end:
            count += self.is_workday(day)
            day += dt.timedelta(days=1)
        return count

    def missing_years(self, start: dt.date, end: dt.date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if y not in self.years]
