"""A small town with every kind of public and internal item, built into a site by tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, Town, disclosure_md, notice_md

EPOCH = "1795665600"  # 2026-11-26 12:00 in China

INTERNAL_TITLE = "党内专用标题甲乙丙"
HARDSHIP_TITLE = "困难党员补助名单丁戊己"
REDACTED_TEXT = "误发的内容庚辛壬"

BRAND = """\
brand:
  name: {name}
  slogan: 口号{name}
  model: {model}
  batch: {batch}
  level: {level}
  idea: 理念**加粗**
  practices:
    - title: 做法一
      text: 做法内容
  results: 成效
  partners: [{partners}]
  photos:
    - file: photos/a.jpg
      alt: {name}的活动现场
      caption: 图片说明
      credit: 摄影者
      consent: true
"""


def make_site_town(town: Town) -> Town:
    """Four organizations: brands with mutual and one-sided partners, notices open/closed,
    a 党内 item, a 困难党员 notice, a withdrawn and a redacted item."""
    from tools_photo import jpeg

    town.add_org(
        "taoyuan-cun", brand=BRAND.format(name="桃源先锋", model="美丽和谐型", batch="一期", level="区级示范点", partners="hongda-jixie")
    )
    town.add_org(
        "hongda-jixie", "企业", brand=BRAND.format(name="红色引擎", model="同频共振型", batch="一期", level="镇级", partners="taoyuan-cun")
    )
    town.add_org(
        "xinhe-shequ", "社区", brand=BRAND.format(name="网格连心", model="美丽和谐型", batch="二期", level="镇级", partners="taoyuan-cun")
    )
    town.add_org("zhen-jiguan", "机关事业单位")
    for slug in ("taoyuan-cun", "hongda-jixie", "xinhe-shequ"):
        town.write(f"organizations/{slug}/photos/a.jpg", jpeg())
    org = "organizations/taoyuan-cun"
    town.write(
        f"{org}/disclosures/2026-11-03-dangnei.md",
        disclosure_md("党内通报", extra="audience: 党内\n").replace("title: 党内通报", f"title: {INTERNAL_TITLE}"),
    )
    town.write(
        f"{org}/disclosures/2026-11-04-chehui.md", disclosure_md("两民工作", extra="withdrawn: {date: 2026-11-05, reason: 数据有误}\n")
    )
    town.write(
        f"{org}/disclosures/2026-11-06-redact.md",
        disclosure_md(
            "两民工作", extra="withdrawn: {date: 2026-11-20, reason: 误发了个人信息}\nredact: true\n", body=REDACTED_TEXT + "\n"
        ).replace("title: 两民工作", f"title: {REDACTED_TEXT}"),
    )
    town.write(
        f"{org}/disclosures/2026-11-07-vote.md",
        disclosure_md(
            "重大事项报告", extra="vote: {for: 40, against: 1, abstain: 2}\n", body="村民议事会表决**生态停车场**建设。3号楼旁。\n"
        ),
    )
    town.write(f"{org}/disclosures/2025-06-01-old.md", disclosure_md("两务公开", body="2025年的公开。\n"))
    town.write(f"{org}/notices/2026-11-23-fazhan.md", notice_md("2026-11-23", "2026-11-30").replace("title: 公示", "title: 发展党员公示甲"))
    town.write(f"{org}/notices/2026-09-14-old.md", notice_md("2026-09-14", "2026-09-18").replace("title: 公示", "title: 往期公示乙"))
    town.write(
        f"{org}/notices/2026-11-23-kunnan.md",
        notice_md("2026-11-23", "2026-11-27", kind="困难党员", extra="audience: 党内\n").replace("title: 公示", f"title: {HARDSHIP_TITLE}"),
    )
    town.write(
        "organizations/hongda-jixie/notices/2026-11-20-youxiu.md",
        notice_md("2026-11-20", "2026-11-26", kind="推荐优秀党员").replace("title: 公示", "title: 优秀党员公示丙"),
    )
    town.write(
        "content/_town/renames.yml", "schema: 1\nrenames:\n  - {from: taoyuan-old, to: taoyuan-cun, date: 2025-01-01, reason: 村名变更}\n"
    )
    shutil.copy(REPO / "mkdocs.yml", town.root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", town.root / "overrides")
    shutil.copytree(REPO / "content" / "guide", town.root / "content" / "guide")
    shutil.copytree(REPO / "content" / "schema", town.root / "content" / "schema")
    return town


UPCOMING = {  # notices that have not started on the build day (2026-11-26): path -> title
    "organizations/taoyuan-cun/notices/2026-11-28-pingyi.md": "民主评议公示丁",  # starts D+2, beside an open notice
    "organizations/xinhe-shequ/notices/2026-12-01-youxiu.md": "优秀党员公示戊",  # starts D+5, its organization's only notice
}


def add_upcoming_notices(town: Town) -> Town:
    """The site town plus two notices that start after the build day."""
    town.write(
        "organizations/taoyuan-cun/notices/2026-11-28-pingyi.md",
        notice_md("2026-11-28", "2026-12-04", kind="民主评议").replace("title: 公示", "title: 民主评议公示丁"),
    )
    town.write(
        "organizations/xinhe-shequ/notices/2026-12-01-youxiu.md",
        notice_md("2026-12-01", "2026-12-07", kind="推荐优秀党员").replace("title: 公示", "title: 优秀党员公示戊"),
    )
    return town


def new_site_town(root: Path) -> Town:
    """A fresh test town (town.yml, plan, holidays) made into the site town above, at `root`."""
    from conftest import PLAN_YML, TOWN_YML

    town = Town(root)
    town.write("content/_town/town.yml", TOWN_YML)
    town.write("content/_town/plan.yml", PLAN_YML)
    town.write("content/_town/holidays.yml", (REPO / "content/_town/holidays.yml").read_text(encoding="utf-8"))
    return make_site_town(town)


def mkdocs_build(root: Path, site_dir: Path, *, strict: bool = True, umask: int = -1) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of the town at `root` into `site_dir` (under `umask` when given)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    flags = ["--strict"] if strict else []
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *flags, "-f", str(root / "mkdocs.yml"), "-d", str(site_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        umask=umask,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}
