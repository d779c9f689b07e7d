"""A town whose every text field holds a script payload, built past the validator.

The validator refuses most of these; the output side must be safe on its own, so the tests
build this town with the validator's errors dropped (the models still load: the payloads sit
in free-text fields).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO, Town, disclosure_md, org_yml

EPOCH = "1795665600"

# Every form a reviewer tried, and a few more: tag-slash forms, attribute breakout from both
# quote styles, closing the elements that hold titles, entity-encoded schemes, Markdown links.
PAYLOADS = (
    "<svg/onload=alert(1)>",
    "<img/src=x/onerror=alert(2)>",
    "</title/x><svg/onload=alert(3)>",
    "'\"><svg/onload=alert(4)>",
    "[x](&#106;avascript:alert(5))",
    "</script><script>alert(6)</script>",
    "<a href=javascript:alert(7)>x</a>",
    "</textarea></style></noscript><svg/onload=alert(8)>",
)


def hostile(label: str, n: int) -> str:
    """A field value: a readable label, an ampersand (must show as "&", not "&amp;") and a payload."""
    return f"{label}&{PAYLOADS[n % len(PAYLOADS)]}"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML strings


SITE_NAME = hostile("网站名", 0)
TOWN_NAME = hostile("镇名", 3)
SHORT = hostile("东湾村党委", 0)  # the org page title and h1
FULL = hostile("中共东湾村委员会", 3)  # the meta description
BRAND_NAME = hostile("品牌名", 1)
SLOGAN = hostile("口号", 3)
PRACTICE = hostile("做法", 2)
COLLECTION = hostile("汇编", 2)
ROUTE = hostile("线路", 0)
NOTICE = hostile("公示标题", 1)
DISCLOSURE = hostile("公开标题", 0)
ITEM_TITLES = [hostile(f"事项{i}", i) for i in range(len(PAYLOADS))] + ["控制字符\x1b\x0b标题"]  # XML cannot hold these
MD_BODY = "\n\n".join(
    ["正文<script>alert(9)</script>", "[链接](&#106;avascript:alert(10))", "<img src=x onerror=alert(11)>", "<svg/onload=alert(12)>"]
)

TOWN = f"""\
schema: 1
name: {_q(TOWN_NAME)}
party_committee: {_q(hostile("镇党委", 4))}
site_name: {_q(SITE_NAME)}
site_url: https://example.org/
demo: true
icp: {_q(hostile("ICP", 3))}
police_record: {_q(hostile("公安", 1))}
site_code: {_q(hostile("标识码", 5))}
bbox: {{south: 31.70, west: 119.90, north: 31.86, east: 120.10}}
office:
  name: 测试镇组织办
  maintainers: [town-office]
"""

PLAN = f"""\
schema: 1
title: {_q(hostile("计划", 0))}
phases:
  - {{name: {_q(hostile("阶段", 1))}, start: 2017-09-01, end: 2017-12-31, goal: {_q(hostile("目标", 3))}}}
tasks:
  - {{no: 1, project: 阵地建设提质升级工程, title: {_q(hostile("任务", 2))}, owner: {_q(hostile("单位", 4))}, deadline: 2018-06-30,
      standard: {_q(hostile("标准", 0))}}}
"""

BRAND = f"""\
brand:
  name: {_q(BRAND_NAME)}
  slogan: {_q(SLOGAN)}
  model: 美丽和谐型
  batch: 一期
  level: 区级示范点
  idea: {_q(MD_BODY)}
  practices:
    - title: {_q(PRACTICE)}
      text: {_q(MD_BODY)}
  results: {_q(MD_BODY)}
  honors:
    - {{year: 2020, title: {_q(hostile("荣誉", 0))}, by: {_q(hostile("授予", 3))}}}
  photos:
    - file: photos/a.jpg
      alt: {_q(hostile("替代文字", 3))}
      caption: {_q(hostile("说明", 0))}
      credit: {_q(hostile("摄影", 1))}
      consent: true
"""


def make_hostile_town(root: Path) -> Town:
    from tools_photo import jpeg

    town = Town(root)
    town.write("content/_town/town.yml", TOWN)
    town.write("content/_town/plan.yml", PLAN)
    shutil.copy(REPO / "content/_town/holidays.yml", root / "content/_town/holidays.yml")
    town.write(
        "content/_town/routes.yml",
        f"schema: 1\nroutes:\n  - id: xian\n    name: {_q(ROUTE)}\n    color: '#C8102E'\n"
        f"    description: {_q(hostile('线路简介', 3))}\n    stops: [dongwan-cun, xihe-cun]\n",
    )
    town.write(
        "content/_town/collections/huibian.yml",
        f"schema: 1\ntitle: {_q(COLLECTION)}\nsubtitle: {_q(hostile('副标题', 3))}\ndate: 2026-11-01\n"
        f"editor: {_q(hostile('编印', 0))}\nintro: {_q(MD_BODY)}\ncases:\n  - org: dongwan-cun\n    commentary: {_q(MD_BODY)}\n",
    )
    town.write(
        "content/_town/renames.yml", "schema: 1\nrenames:\n  - {from: dongwan-old, to: dongwan-cun, date: 2025-01-01, reason: 村名变更}\n"
    )
    text = org_yml("村", brand=BRAND, extra=f"intro: {_q(MD_BODY)}\n")
    for field, value in (
        ("name: 中共测试镇样板村委员会", f"name: {_q(FULL)}"),
        ("short_name: 样板村党委", f"short_name: {_q(SHORT)}"),
        ("  name: 王某某", f"  name: {_q(hostile('王某某', 1))}"),
        ("  title: 党委书记", f"  title: {_q(hostile('书记', 3))}"),
        ("  address: 测试镇样板路 1 号", f"  address: {_q(hostile('地址', 2))}\n  hours: {_q(hostile('时间', 0))}"),
    ):
        assert field in text
        text = text.replace(field, value)
    town.write("organizations/dongwan-cun/org.yml", text)
    town.write("organizations/dongwan-cun/photos/a.jpg", jpeg())
    from generator.schema import REQUIRED_SHIQIANG

    for i, heading in enumerate(REQUIRED_SHIQIANG["村"]):
        title = ITEM_TITLES[i % len(ITEM_TITLES)] if i else DISCLOSURE
        town.write(
            f"organizations/dongwan-cun/disclosures/2026-10-{i + 10:02d}-item{i}.md",
            disclosure_md(heading, body=MD_BODY + "\n").replace(f"title: {heading}", f"title: {_q(title)}"),
        )
    town.write(
        "organizations/dongwan-cun/notices/2026-11-23-fazhan.md",
        f"---\nschema: 1\ntitle: {_q(NOTICE)}\nkind: 发展党员\nstart: 2026-11-23\nend: 2026-11-30\nobjection:\n"
        f"  phone: 0519-88001234\n  contact: {_q(hostile('联系人', 3))}\n  address: {_q(hostile('信箱', 0))}\n---\n{MD_BODY}\n",
    )
    town.write(
        "organizations/dongwan-cun/notices/2026-09-14-old.md",
        f"---\nschema: 1\ntitle: {_q(hostile('往期', 2))}\nkind: 其他\nstart: 2026-09-14\nend: 2026-09-18\nobjection:\n"
        f"  phone: 0519-88001234\n---\n{MD_BODY}\n",
    )
    town.add_org("xihe-cun")  # a plain neighbour: a second stop on the route, a link target
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "guide", root / "content" / "guide")
    shutil.copytree(REPO / "content" / "schema", root / "content" / "schema")
    return town


def build_past_the_validator(root: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs build` in this process, with the validator's errors dropped: the renderer and the
    theme get exactly what a validator bug would let through."""
    import generator.site.generation as core
    from generator.validate import Result, validate

    def lenient(root: Path, today=None) -> Result:
        result = validate(root, today)
        return Result(result.dataset, result.warnings)

    monkeypatch.setattr(core, "validate", lenient)
    from PIL import ImageFile

    # Importing WeasyPrint (the booklets) sets this for the whole process; put it back afterwards
    # so later tests still see truncated photos refused.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", ImageFile.LOAD_TRUNCATED_IMAGES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cwd = os.getcwd()
    try:
        os.chdir(root)
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)))
    finally:
        os.chdir(cwd)
