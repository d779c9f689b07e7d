"""Write content/_town/holidays.yml from the chinese-calendar package (a dev-only dependency).

The site never imports chinese-calendar: the town data file is the source of truth and the
town office adds a year by hand when the State Council publishes it. Run this once a year
after upgrading chinese-calendar, then review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chinese_calendar import constants

FIRST_YEAR = 2017
OUT = Path(__file__).resolve().parents[1] / "content" / "_town" / "holidays.yml"


def main() -> int:
    years = sorted({d.year for d in constants.holidays if d.year >= FIRST_YEAR})
    lines = [
        "# yaml-language-server: $schema=../schema/holidays.schema.json",
        "# 法定节假日（放假日）和调休上班日，用于计算公示的工作日。",
        "# 由 tools/make_holidays.py 根据国务院办公厅每年的放假安排生成；新的一年请镇党委补上。",
        "schema: 1",
        "years:",
    ]
    for year in years:
        holidays = sorted(d for d in constants.holidays if d.year == year)
        workdays = sorted(d for d in constants.workdays if d.year == year)
        lines.append(f"  {year}:")
        lines.append("    holidays: [" + ", ".join(d.isoformat() for d in holidays) + "]")
        lines.append("    workdays: [" + ", ".join(d.isoformat() for d in workdays) + "]")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {OUT} ({years[0]}-{years[-1]})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
