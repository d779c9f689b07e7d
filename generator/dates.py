""" "Today", quarters and working days by the Chinese holiday calendar."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # China keeps no daylight saving
STALE_DAYS = 90
MIN_NOTICE_WORKDAYS = 5
# The longest 公示 a town expects (town.yml `notice_max_workdays`, this by default): three times the
# minimum. Every kind of notice (发展党员, 推荐优秀党员, 困难党员, 民主评议, 其他) runs its minimum
# of 5 working days or a little more; the demo's longest runs 10. A longer period is a typing error
# in a year or month (2025 for 2026: 370 days), refused so that no notice claims a year of objections.
MAX_NOTICE_WORKDAYS = 15


def today(environ: dict[str, str] | None = None) -> dt.date:
    """The date of SOURCE_DATE_EPOCH when set (reproducible builds), else now, in China."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), CHINA).date()
    return dt.datetime.now(CHINA).date()


# The demo town is written as of this date (its open notices, "this quarter"). Only a town.yml
# that says `demo: true` pins it; a real town's data is checked and previewed as of today.
DEMO_DATE = dt.date(2026, 11, 26)
DEMO_EPOCH = 1795665600  # 2026-11-26 12:00 Asia/Shanghai


_TOWN_YML_LIMIT = 512 * 1024  # the loader's limit for any text file


def is_demo(root: Path) -> bool:
    """Whether the town data under `root` is the demo (`demo: true` in content/_town/town.yml).

    Read before validation, so whatever the file holds: only its top level is looked at, from the
    node tree (nothing is constructed: no number of 5,000 digits, no nesting walked in Python);
    libyaml stops a file nested past 1,000 levels itself."""
    import yaml

    file = root / "content" / "_town" / "town.yml"
    try:
        if file.stat().st_size > _TOWN_YML_LIMIT:
            return False
        node = yaml.compose(file.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):  # RecursionError: PyYAML without libyaml
        return False  # the validator reports a broken town.yml; it is then no demo
    if not isinstance(node, yaml.MappingNode):
        return False
    return any(
        isinstance(key, yaml.ScalarNode) and key.value == "demo" and isinstance(value, yaml.ScalarNode) and not value.style
        and value.value in ("true", "True", "TRUE")
        for key, value in node.value
    )  # fmt: skip


def town_today(root: Path, environ: dict[str, str] | None = None) -> tuple[dt.date, str]:
    """ "Today" for the town under `root`, and a note saying why when it is not the real today.

    SOURCE_DATE_EPOCH wins (reproducible builds, tests); else the demo town is pinned to
    DEMO_DATE; else it is today in China."""
    env = os.environ if environ is None else environ
    if env.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return today(environ), ""
    if is_demo(root):
        why = "content/_town/town.yml 写了 demo: true；真实数据请改为 demo: false，按当天日期生成"
        return DEMO_DATE, f"示例数据：按 {DEMO_DATE.isoformat()} 生成（{why}）"
    return today(environ), ""


def main(argv: list[str] | None = None) -> int:
    """`python -m generator.dates ROOT`: the SOURCE_DATE_EPOCH the town's preview should pin
    (the demo's), or nothing for a real town; used by ./dev."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else ".")
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip() and is_demo(root):
        print(DEMO_EPOCH)
    return 0


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

    def earliest_end(self, start: dt.date, workdays: int = MIN_NOTICE_WORKDAYS) -> dt.date:
        """The first day on which a notice starting on `start` has `workdays` working days
        (both ends included): the end date the web editor proposes (its script agrees, tested)."""
        day, count = start, 0
        while True:
            count += self.is_workday(day)
            if count >= workdays:
                return day
            day += dt.timedelta(days=1)

    def missing_years(self, start: dt.date, end: dt.date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if y not in self.years]


if __name__ == "__main__":
    sys.exit(main())
