"""工作进度: figures counted from a small town by hand, and the page that shows them."""

from __future__ import annotations

from conftest import PLAN_YML, TODAY, Town, disclosure_md, org_yml

from generator.progress import compute

PLAN = PLAN_YML.replace(
    "tasks:\n",
    "tasks:\n"
    "  - {no: 2, project: 阵地建设提质升级工程, title: 建设标准阵地, owner: 各基层党组织, deadline: 2018-06-30}\n"
    "  - {no: 3, project: 组织运行提质升级工程, title: 推行阳光党务, owner: 各基层党组织, deadline: 2018-06-30}\n"
    "  - {no: 11, project: 党建品牌提质升级工程, title: 全域推行品牌创建, owner: 各基层党组织, deadline: 2018-06-30}\n",
)


def _town(town: Town) -> None:
    town.write("content/_town/plan.yml", PLAN)
    town.add_org("a-cun")  # 150 m², 六统一 complete, every heading current
    town.add_org("b-cun", extra="")
    town.write("organizations/b-cun/org.yml", org_yml().replace("area: 150", "area: 96").replace("样板村", "乙村"))
    town.add_org("c-shequ", "社区")
    town.write("organizations/c-shequ/org.yml", org_yml("社区").replace("area: 320", "area: 280").replace("样板村", "丙社区"))
    town.add_org("d-qiye", "企业", current=False)
    town.write("organizations/d-qiye/disclosures/2026-05-01-old.md", disclosure_md("两务公开"))
    town.write(
        "content/_town/assessments.yml",
        "schema: 1\nentries:\n  - {org: b-cun, date: 2026-07-15, card: 黄牌, reason: 场所不达标, stars: 2, grade: 2A}\n  - {org: a-cun, date: 2026-07-15, card: 绿牌, stars: 4, grade: 4A}\n",
    )


def test_figures_match_hand_counts(town: Town) -> None:
    _town(town)
    progress = compute(town.validate().dataset)
    by_task = {t.no: {m.label: (m.done, m.total) for m in t.measures} for t in progress.tasks}
    assert by_task[1] == {"村活动场所达标": (1, 2), "社区活动场所达标": (0, 1)}
    assert by_task[2]["村（社区）“六统一”做到"] == (3, 3)
    assert by_task[3]["“十上墙”2026 年第 4 季度全部更新的党组织"] == (3, 4)  # the firm's items are all from Q2
    assert by_task[3]["“十上墙”栏目2026 年第 4 季度已更新"] == (10 + 10 + 9, 10 + 10 + 9 + 7)
    assert by_task[11] == {"一期党建品牌": (0, 33), "二期党建品牌": (0, 50)}
    assert progress.cards == {"黄牌": 1, "绿牌": 1}


def test_a_community_at_280_square_metres_is_not_compliant(town: Town) -> None:
    _town(town)
    rows = {r.slug: r for r in compute(town.validate().dataset).rows}
    assert rows["c-shequ"].space_ok is False and "280 / 300" in rows["c-shequ"].space_note
    assert rows["a-cun"].space_ok is True
    assert rows["d-qiye"].space_ok is None  # no area standard for firms
    assert (rows["d-qiye"].shiqiang_current, rows["d-qiye"].shiqiang_required) == (0, 7)


def test_phases_against_today(town: Town) -> None:
    _town(town)
    progress = compute(town.validate().dataset)
    assert [p.status for p in progress.phases] == ["已完成"]
    assert progress.today == TODAY


def test_dashboard_page_shows_the_gaps(demo_site) -> None:
    page = (demo_site / "jindu/index.html").read_text(encoding="utf-8")
    assert "双桥村党委" in page and "96 / 120 平方米" in page
    assert "已 113 天未核实" in page  # dangzheng-ban, a real gap of the demo
    assert 'role="img"' in page and "<desc" in page  # the chart has a text equivalent
    assert "场所不达标" not in page and "4A" not in page  # assessments of people stay internal by default


def test_internal_report_has_what_the_site_does_not(town: Town, cli_run, tmp_path) -> None:
    _town(town)
    out = tmp_path / "report.md"
    result = cli_run("report", "--root", str(town.root), "--out", str(out))
    assert result.code == 0 and "不要上传网站" in result.out
    text = out.read_text(encoding="utf-8")
    assert "| 乙村党委 | 2026-07-15 | 黄牌 | 场所不达标 |" in text and "2A" in text
    assert "活动场所面积低于 120 平方米的标准" in text


def test_a_redacted_item_covers_no_heading(town: Town) -> None:
    """What the public sees decides coverage: a redacted item is a tombstone, even where (invalidly)
    it was not also marked withdrawn, so its heading counts as not updated on the dashboard."""
    _town(town)
    redacted = town.root / "organizations/a-cun/disclosures/2026-10-10-item0.md"
    redacted.write_text(redacted.read_text(encoding="utf-8").replace("---\n", "---\nredact: true\n", 1), encoding="utf-8")
    result = town.validate()
    assert [d.rule for d in result.errors] == ["item-redact-reason"]  # still a model: the dashboard reads it
    progress = compute(result.dataset)
    by_task = {t.no: {m.label: (m.done, m.total) for m in t.measures} for t in progress.tasks}
    assert by_task[3]["“十上墙”2026 年第 4 季度全部更新的党组织"] == (2, 4)
    assert by_task[3]["“十上墙”栏目2026 年第 4 季度已更新"] == (10 + 10 + 9 - 1, 10 + 10 + 9 + 7)
