"""Brand rule and compliance findings (warnings that never block)."""

from __future__ import annotations

import datetime as dt

from conftest import Town, disclosure_md, org_yml

BRAND = "brand:\n  name: 品牌\n  model: {model}\n  batch: {batch}\n  level: {level}\n"


def test_brand_model_must_fit_the_sector(town: Town) -> None:
    town.add_org("a-cun", brand=BRAND.format(model="同频共振型", batch="二期", level="镇级"))
    [d] = town.diagnostics("brand-model")
    assert d.line == 24 and "美丽和谐型" in d.fix


def test_demonstration_sites_are_first_batch(town: Town) -> None:
    town.add_org("a-cun", brand=BRAND.format(model="美丽和谐型", batch="二期", level="区级示范点"))
    [d] = town.diagnostics("brand-level")
    assert d.line == 26


def test_quota_exceeded_is_a_warning_on_town_data(town: Town) -> None:
    town.write(
        "content/_town/town.yml",
        (town.root / "content/_town/town.yml").read_text(encoding="utf-8") + "quotas: {batch1: 1, batch2: 50, demo_sites: 3}\n",
    )
    town.add_org("a-cun", brand=BRAND.format(model="美丽和谐型", batch="一期", level="镇级"))
    town.add_org("b-cun", brand=BRAND.format(model="美丽和谐型", batch="一期", level="镇级"))
    [d] = town.diagnostics("brand-quota")
    assert d.path == "content/_town/town.yml" and not d.is_error and "2 个" in d.message


def test_space_below_standard(town: Town) -> None:
    town.write("organizations/b-shequ/org.yml", org_yml("社区").replace("area: 320", "area: 280").replace("hall_area: 80", "hall_area: 50"))
    found = town.diagnostics("compliance-space")
    assert [(d.line, d.found) for d in found] == [(20, "280 平方米"), (21, "50 平方米")]
    assert all(not d.is_error for d in found)


def test_liuyou_and_liutongyi_gaps(town: Town) -> None:
    town.write(
        "organizations/c-jiguan/org.yml", org_yml("机关事业单位").replace("[场所, 设施, 标志, 党旗, 书报, 制度]", "[场所, 设施, 党旗]")
    )
    town.write("organizations/a-cun/org.yml", org_yml("村").replace("党员先锋岗, ", ""))
    [liuyou] = town.diagnostics("compliance-liuyou")
    [liutongyi] = town.diagnostics("compliance-liutongyi")
    assert liuyou.found == "缺 标志、书报、制度" and liutongyi.found == "缺 党员先锋岗"


def test_shiqiang_missing_and_stale(town: Town) -> None:
    town.add_org("a-cun", current=False)
    town.write("organizations/a-cun/disclosures/2026-05-01-old.md", disclosure_md("两民工作"))
    town.write("organizations/a-cun/disclosures/2026-11-01-new.md", disclosure_md("两务公开"))
    town.write(
        "organizations/a-cun/disclosures/2026-11-02-gone.md",
        disclosure_md("党员家规家训", extra="withdrawn: {date: 2026-11-03, reason: 内容有误}\n"),
    )
    town.write("organizations/a-cun/disclosures/2026-12-01-future.md", disclosure_md("志愿服务活动"))
    [missing] = town.diagnostics("compliance-shiqiang-missing")
    [stale] = town.diagnostics("compliance-shiqiang-stale")
    assert "两务公开" not in missing.found and "党员家规家训" in missing.found and "志愿服务活动" in missing.found
    assert stale.found == "两民工作" and "2026 年第 4 季度" in stale.message
    assert missing.line == 4  # points at `sector`


def test_shiqiang_headings_depend_on_sector(town: Town) -> None:
    town.add_org("b-shequ", "社区", current=False)
    town.add_org("c-jiguan", "机关事业单位", current=False)
    by_path = {d.path.split("/")[1]: d.found for d in town.diagnostics("compliance-shiqiang-missing")}
    assert "两农组织情况" not in by_path["b-shequ"] and "两委联系工作网络" in by_path["b-shequ"]
    assert by_path["c-jiguan"].count("、") == 6  # 7 core headings for 机关


def test_brand_incomplete(town: Town) -> None:
    town.add_org("a-cun", brand=BRAND.format(model="美丽和谐型", batch="二期", level="镇级") + "  idea: 理念\n")
    [d] = town.diagnostics("compliance-brand-incomplete")
    assert d.found == "缺 主要做法、工作成效、照片"


def test_stale_entry(town: Town) -> None:
    town.add_org("a-cun")
    assert town.diagnostics("compliance-stale") == []
    [d] = town.diagnostics("compliance-stale", today=dt.date(2027, 2, 1))
    assert d.line == 18 and "92 天" in d.message


def test_warnings_never_fail_validate(town: Town, cli_run) -> None:
    town.add_org("a-cun", current=False)
    result = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26")
    assert result.code == 0 and "警告" in result.out
    strict = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26", "--strict")
    assert strict.code == 1
