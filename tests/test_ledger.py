"""Ledger workbooks (台账): import into disclosure and notice files, the template, the dashboard table."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, Town
from openpyxl import Workbook, load_workbook

from generator import ledger
from generator.site.exports import FORMULA_START

DISCLOSURES = "organizations/a-cun/disclosures"
NOTICES = "organizations/a-cun/notices"


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"}
    ).stdout


@pytest.fixture
def repo(town: Town) -> Town:
    town.add_org("a-cun")
    _git(town.root, "init", "-q", "-b", "main")
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "-m", "first")
    return town


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under organizations/ with a hash of its bytes and its mtime: what `nothing written` means."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() + str(p.stat().st_mtime_ns)
        for p in sorted((root / "organizations").rglob("*"))
        if p.is_file()
    }


def ledger_book(path: Path) -> Path:
    """A clerk's ledger: a quarter sheet of disclosures (serial-number, text, full-width and datetime dates,
    a 栏目 cell merged over two rows, an empty row) and a notice sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "第二季度"
    ws.append(["日期", "标题", "栏目", "公开范围", "正文"])
    ws.append([_serial(dt.date(2026, 11, 2)), "第三季度党费收缴情况", "党费", None, "本季度应缴党费１２００元。\n已全部收齐。"])
    ws.append(["2026/11/3", "十一月主题党日", "三会一课", "", "- 学习党章\n- 讨论发言"])
    ws.append(["２０２６年１１月４日", "十一月支委会", None, None, "支委会研究了发展党员工作。"])
    ws.merge_cells("C3:C4")  # 三会一课 applies to both rows
    ws.append([])
    ws.append([dt.datetime(2026, 11, 5), "志愿服务: 清扫村道", "志愿服务活动", "向社会公开", "清扫村道两公里。"])
    notices = wb.create_sheet("公示")
    notices.append(["标题", "公示类型", "开始日期", "结束日期", "异议电话", "联系人", "正文"])
    notices.append(
        ["关于张某某同志拟发展为预备党员的公示", "发展党员", "2026-11-24", "2026-11-30", "0519-88001234", "王同志", "张某某，1990年出生。"]
    )
    wb.save(path)
    return path


def test_a_ledger_becomes_files_that_validate_and_the_diff_reports(repo: Town, cli_run, tmp_path: Path) -> None:
    book = ledger_book(tmp_path / "台账.xlsx")
    result = cli_run("import", str(book), "--org", "a-cun", "--root", str(repo.root))
    assert result.code == 0, result.err
    root = repo.root
    assert (root / DISCLOSURES / "2026-11-02-dangfei.md").read_text(encoding="utf-8") == (
        "---\nschema: 1\ntitle: 第三季度党费收缴情况\ncategory: 党费\n---\n\n本季度应缴党费1200元。\n\n已全部收齐。\n"
    )
    merged = (root / DISCLOSURES / "2026-11-04-sanhui-yike.md").read_text(encoding="utf-8")
    assert "title: 十一月支委会\ncategory: 三会一课\n" in merged  # the merged 栏目 cell, the full-width date
    assert "- 学习党章\n- 讨论发言\n" in (root / DISCLOSURES / "2026-11-03-sanhui-yike.md").read_text(encoding="utf-8")
    assert 'title: "志愿服务: 清扫村道"\n' in (root / DISCLOSURES / "2026-11-05-zhiyuan-fuwu.md").read_text(encoding="utf-8")
    notice = (root / NOTICES / "2026-11-24-fazhan-dangyuan.md").read_text(encoding="utf-8")
    assert 'start: 2026-11-24\nend: 2026-11-30\nobjection:\n  phone: "0519-88001234"\n  contact: 王同志\n' in notice
    assert len(result.out.splitlines()) == 6  # five files and the summary; the empty row made none

    check = cli_run("validate", str(root / "organizations"), "--today", "2026-11-26")
    assert check.code == 0 and "0 个错误" in check.out, check.out
    diff = cli_run("diff", "main", "--root", str(root), "--today", "2026-11-26")
    assert diff.code == 0, diff.out
    assert "a-cun：公示“关于张某某同志拟发展为预备党员的公示”（2026-11-24）" in diff.out
    assert "第三季度党费收缴情况" in diff.out and "十一月支委会" in diff.out


def test_importing_twice_writes_nothing_new(repo: Town, cli_run, tmp_path: Path) -> None:
    book = ledger_book(tmp_path / "台账.xlsx")
    assert cli_run("import", str(book), "--org", "a-cun", "--root", str(repo.root)).code == 0
    before = _snapshot(repo.root)
    again = cli_run("import", str(book), "--org", "a-cun", "--root", str(repo.root))
    assert again.code == 0
    assert "写入 0 个文件，5 条与已有文件相同，未改动" in again.out
    assert _snapshot(repo.root) == before


def test_a_changed_row_leaves_a_differing_file_alone_unless_asked(repo: Town, cli_run, tmp_path: Path) -> None:
    book = ledger_book(tmp_path / "台账.xlsx")
    assert cli_run("import", str(book), "--org", "a-cun", "--root", str(repo.root)).code == 0
    wb = load_workbook(book)
    wb["第二季度"]["E2"] = "本季度应缴党费1300元。"
    wb.save(book)
    kept = cli_run("import", str(book), "--org", "a-cun", "--root", str(repo.root))
    path = repo.root / DISCLOSURES / "2026-11-02-dangfei.md"
    assert kept.code == 0 and "1200" in path.read_text(encoding="utf-8")
    assert "台账.xlsx 第二季度!A2: 未改动 organizations/a-cun/disclosures/2026-11-02-dangfei.md" in kept.out
    updated = cli_run("import", str(book), "--org", "a-cun", "--root", str(repo.root), "--update")
    assert updated.code == 0 and "1300" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in (repo.root / DISCLOSURES).glob("2026-11-02-*")) == ["2026-11-02-dangfei.md"]


def test_a_second_item_of_the_same_day_and_category_gets_a_numbered_name(repo: Town, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "公开事项"
    ws.append(["日期", "标题", "栏目", "正文"])
    ws.append(["2026-11-02", "党费一", "党费", "甲。"])
    ws.append(["2026-11-02", "党费二", "党费", "乙。"])
    wb.save(tmp_path / "t.xlsx")
    result = ledger.import_workbook(repo.root, "a-cun", tmp_path / "t.xlsx", dt.date(2026, 11, 26))
    assert [p.name for p in result.written] == ["2026-11-02-dangfei.md", "2026-11-02-dangfei-2.md"]


def test_errors_name_the_sheet_and_cell_and_nothing_is_written(repo: Town, cli_run, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "第二季度"
    ws.append(["日期", "标题", "栏目", "公开范围", "正文"])
    ws.append(["2026-11-02", "党费收缴情况", "党费", None, "正常的一行。"])  # valid: still not written
    ws.append(["2026-13-01", "日期不对", "党费", None, "月份写错了。"])
    ws.append(["2026-11-03", None, "党费", None, "没有标题。"])
    ws.append(["2026-11-04", "联系方式", "党费", None, "有事请打 13812345678。"])
    ws.append(["2026-11-05", "栏目不对", "党建动态", None, "栏目不在清单里。"])
    ws.append([_serial(dt.date(2026, 11, 2)), "党费收缴情况", "党费", None, "和第 2 行重复。"])
    notices = wb.create_sheet("公示")
    notices.append(["标题", "公示类型", "开始日期", "结束日期", "异议电话", "正文"])
    notices.append(["太短的公示", "发展党员", "2026-11-24", "2026-11-25", "0519-88001234", "只有两天。"])
    wb.save(tmp_path / "台账.xlsx")
    before = _snapshot(repo.root)
    result = cli_run("import", str(tmp_path / "台账.xlsx"), "--org", "a-cun", "--root", str(repo.root))
    assert result.code == 1
    lines = result.err.splitlines()
    assert (
        "台账.xlsx 第二季度!A3: 错误 “日期”这一天不存在（发现：2026-13-01） 修改：写成 2026-11-01、2026/11/1 或 2026年11月1日，或把单元格设为日期格式"
        in lines
    )
    assert any(line.startswith("台账.xlsx 第二季度!B4: 错误 “标题”没有填") for line in lines)
    assert any(line.startswith("台账.xlsx 第二季度!E5: 错误 [privacy-mobile] “正文”：") for line in lines), result.err
    assert any(line.startswith("台账.xlsx 第二季度!C6: 错误 [schema-enum] “栏目”：") and "党建动态" in line for line in lines), result.err
    assert any(line.startswith("台账.xlsx 第二季度!B7: 错误 与 第二季度!B2 是同一条") for line in lines)
    assert any(line.startswith("台账.xlsx 公示!D2: 错误 [notice-too-short] “结束日期”：") for line in lines), result.err
    assert lines[-1] == f"错误：台账.xlsx 有 {len(lines) - 1} 处错误，没有写入任何文件。改好表格后再运行一次。"
    assert _snapshot(repo.root) == before


def test_a_wrong_heading_is_named_with_the_expected_ones(repo: Town, cli_run, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "公开事项"
    ws.append(["日期", "标题", "类别", "正文"])
    ws.append(["2026-11-02", "党费", "党费", "内容。"])
    wb.save(tmp_path / "台账.xlsx")
    before = _snapshot(repo.root)
    result = cli_run("import", str(tmp_path / "台账.xlsx"), "--org", "a-cun", "--root", str(repo.root))
    assert result.code == 1
    expected = "、".join(c.heading for c in ledger.DISCLOSURE_COLUMNS)
    assert f"台账.xlsx 公开事项!C1: 错误 不认识的列标题（公开事项表）（发现：类别） 修改：列标题只能是：{expected}" in result.err
    assert "台账.xlsx 公开事项!A1: 错误 缺少必填的列：栏目" in result.err
    assert _snapshot(repo.root) == before


def test_a_sheet_without_a_heading_row(repo: Town, cli_run, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "公开事项"
    ws.append(["2026-11-02", "党费", "党费", "内容。"])
    wb.save(tmp_path / "台账.xlsx")
    result = cli_run("import", str(tmp_path / "台账.xlsx"), "--org", "a-cun", "--root", str(repo.root))
    assert result.code == 1 and "台账.xlsx 公开事项!A1: 错误 找不到标题行" in result.err


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("台账.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "是 WPS 表格的 .et 格式"),
        ("台账.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "实际是旧的 .xls 或 WPS .et 格式"),
        ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "只能导入 .xlsx"),
        ("台账.xlsx", "日期,标题\n".encode(), "不是 .xlsx 表格文件"),
        ("台账.xlsx", b"PK\x03\x04broken", "打不开"),
    ],
)
def test_files_that_are_not_xlsx_get_a_chinese_message(repo: Town, cli_run, tmp_path: Path, name: str, data: bytes, says: str) -> None:
    (tmp_path / name).write_bytes(data)
    result = cli_run("import", str(tmp_path / name), "--org", "a-cun", "--root", str(repo.root))
    assert result.code == 1 and says in result.err and "另存为" in result.err and "Traceback" not in result.err


def test_an_unknown_organization(repo: Town, cli_run, tmp_path: Path) -> None:
    book = ledger_book(tmp_path / "台账.xlsx")
    result = cli_run("import", str(book), "--org", "../a-cun", "--root", str(repo.root))
    assert result.code == 1 and "没有代号为 ../a-cun 的组织" in result.err


def test_the_template_round_trips_and_the_shipped_copy_is_current(cli_run, tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    assert cli_run("import", "--template", str(out)).code == 0
    assert out.read_bytes() == ledger.template_bytes() == (REPO / "content/guide" / ledger.TEMPLATE_NAME).read_bytes(), (
        "content/guide/台账模板.xlsx is stale: run party365 import --template content/guide/台账模板.xlsx"
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["公开事项", "公示", "说明"]
    assert [c.value for c in wb["公开事项"][1]] == [c.heading for c in ledger.DISCLOSURE_COLUMNS]
    assert [c.value for c in wb["公示"][1]] == [c.heading for c in ledger.NOTICE_COLUMNS]
    assert any("另存为" in str(c.value) for c in wb["说明"]["A"])
    # The blank template imports as "nothing to import", not as an error in its help sheet.
    result = ledger.read_workbook(out)
    assert [e.message for e in result.errors] == ["表格里没有可导入的行"]


def test_the_guide_links_the_template() -> None:
    guide = (REPO / "content/guide/index.md").read_text(encoding="utf-8")
    assert f"]({ledger.TEMPLATE_NAME})" in guide and "## 用表格批量导入（台账）" in guide


def test_export_table_keeps_clerk_text_out_of_formulas(town: Town, cli_run, tmp_path: Path) -> None:
    town.add_org("a-cun")
    town.add_org("b-cun", extra="")
    org = town.root / "organizations/b-cun/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("short_name: 样板村党委", 'short_name: "=HYPERLINK(1)样板村"'), encoding="utf-8")
    out = tmp_path / "表.xlsx"
    result = cli_run("export-table", str(out), "--root", str(town.root))
    assert result.code == 0, result.err
    ws = load_workbook(out)["各党组织情况"]
    assert [c.value for c in ws[1]] == list(ledger.TABLE_HEADINGS)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[1] for r in rows] == ["a-cun", "b-cun"]
    assert rows[1][0] == "'=HYPERLINK(1)样板村"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_START))
