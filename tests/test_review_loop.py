"""Dates that tell the truth, scheduled items as info lines, and the Chinese build log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import TOWN_YML, Town, disclosure_md

from generator.dates import DEMO_DATE, is_demo, town_today
from generator.sitebuild import translate


def test_only_the_demo_pins_its_date(town: Town) -> None:
    assert is_demo(town.root)
    assert town_today(town.root, {}) == (DEMO_DATE, town_today(town.root, {})[1])
    assert town_today(town.root, {})[1].startswith("示例数据：按 2026-11-26 生成")
    town.write("content/_town/town.yml", TOWN_YML.replace("demo: true", "demo: false"))
    real, note = town_today(town.root, {})
    assert note == "" and real == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert town_today(town.root, {"SOURCE_DATE_EPOCH": "1795665600"}) == (DEMO_DATE, "")


def test_a_real_town_is_validated_as_of_today(town: Town, cli_run, monkeypatch) -> None:
    """A real town's post dated after the demo date is public today, not held back to 2026-11-26."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    town.write("content/_town/town.yml", TOWN_YML.replace("demo: true", "demo: false"))
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-28-huiyi.md", disclosure_md("三会一课"))
    result = cli_run("validate", str(town.root / "organizations"), "--format", "json")
    summary = json.loads(result.out)["summary"]
    assert summary["today"] == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    assert summary["scheduled"] == []  # today is after 2026-11-28
    town.write("content/_town/town.yml", TOWN_YML)
    result = cli_run("validate", str(town.root / "organizations"))
    assert result.out.startswith("示例数据：按 2026-11-26 生成")
    assert "“三会一课”将于 2026-11-28 发布" in result.out


def test_a_future_dated_disclosure_is_an_info_line_not_a_warning(town: Town, cli_run) -> None:
    town.add_org("a-cun")
    town.write(
        "organizations/a-cun/disclosures/2026-12-01-jihua.md", disclosure_md("三会一课").replace("title: 三会一课", "title: 十二月计划")
    )
    town.write("organizations/a-cun/disclosures/2026-12-02-neibu.md", disclosure_md("三会一课", extra="audience: 党内\n"))
    text = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26")
    path = "organizations/a-cun/disclosures/2026-12-01-jihua.md"
    line = f"{path}:1:1: 提示 “十二月计划”将于 2026-12-01 发布（日期未到，网站上暂不显示；日期写错了请改正）"
    assert line in text.out.splitlines()
    assert "neibu" not in text.out  # 党内: never published, so never "scheduled"
    assert text.code == 0 and "0 个错误，0 个警告。另有 1 条公开事项日期未到，到日期后自动发布。" in text.out
    github = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26", "--format", "github")
    assert f"::notice file={path},line=1,col=1,title=scheduled::“十二月计划”将于 2026-12-01 发布" in github.out and github.code == 0
    data = json.loads(cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26", "--format", "json").out)
    assert data["summary"]["scheduled"] == [{"path": path, "line": 1, "title": "十二月计划", "date": "2026-12-01"}]
    assert data["summary"]["warnings"] == 0 and data["diagnostics"] == []
    assert cli_run("validate", str(town.root / "organizations"), "--today", "2026-12-01").out.count("将于") == 0


def test_the_date_line_is_the_front_matter_date_when_written(town: Town, cli_run) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-12-01-jihua.md", disclosure_md("三会一课", extra="date: 2026-12-01\n"))
    text = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26")
    assert "organizations/a-cun/disclosures/2026-12-01-jihua.md:5:7: 提示" in text.out


def test_mkdocs_english_is_translated_or_labelled() -> None:
    assert translate("INFO    -  Cleaning site directory") == "信息：清理网站目录"
    assert translate("INFO    -  Documentation built in 3.21 seconds") == "信息：网站生成完成，用时 3.21 秒"
    assert translate("Aborted with 1 warnings in strict mode!") == "严格模式下有 1 个警告，停止生成"
    assert translate("Aborted with a BuildError!") == "生成中止"
    assert translate("WARNING -  party365: 照片：新处理 0 张") == "警告：照片：新处理 0 张"
    assert translate("ERROR   -  Something unknown") == "错误：MkDocs 原文：Something unknown"


def test_build_of_a_broken_town_ends_in_chinese(town: Town, cli_run, tmp_path: Path) -> None:
    import shutil

    from conftest import REPO

    shutil.copy(REPO / "mkdocs.yml", town.root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", town.root / "overrides")
    town.add_org("a-cun", extra="kidn: 1\n")
    result = cli_run("build", "--root", str(town.root), "--site-dir", str(tmp_path / "site"))
    assert result.code == 1
    last = result.out.rstrip().split("\n")[-1]
    assert last.startswith("结果：网站没有生成，原有网站没有改动。")
    assert "organizations/a-cun/org.yml" in result.out
