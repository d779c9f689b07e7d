"""The party365 command as a clerk and CI use it: exit codes, three output formats, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema
import pytest
from conftest import REPO, Town, disclosure_md, org_yml

from generator import cli
from generator.rules import all_rules


def _broken_town(town: Town) -> None:
    town.add_org("a-cun")
    town.write(
        "organizations/a-cun/org.yml", org_yml().replace("sector: 村", "sector: 农村").replace("kind: 党委", "kind: 党委\nkind: 党支部")
    )
    town.add_org("b-cun")
    town.write("organizations/b-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body="<script>alert(1)</script>\n"))


def test_validate_reports_every_problem_with_place(town: Town, cli_run) -> None:
    _broken_town(town)
    result = cli_run("validate", str(town.root / "organizations"), "--today", "2026-11-26")
    assert result.code == 1
    lines = result.out.splitlines()
    assert (
        lines[0]
        == "organizations/a-cun/org.yml:6:1: 错误 [yaml-duplicate-key] 字段“kind”重复出现，第 5 行已经写过（发现：kind） 修改：删掉其中一个，或把两处内容合并到一处"
    )
    assert any(line.startswith("organizations/b-cun/disclosures/2026-11-02-x.md:6:1: 错误 [content-script]") for line in lines)
    assert "已检查 2 个组织" in result.out and "3 个错误" in result.out


def test_yaml_syntax_first(town: Town, cli_run) -> None:
    _broken_town(town)
    town.write("organizations/b-cun/org.yml", "name: [未闭合\n")
    result = cli_run("validate", str(town.root), "--today", "2026-11-26")
    rules = [line.split("[", 1)[1].split("]", 1)[0] for line in result.out.splitlines() if ": 错误 [" in line]
    assert rules == ["yaml-duplicate-key", "yaml-syntax", "schema-enum", "content-script"]


def test_github_annotations(town: Town, cli_run) -> None:
    _broken_town(town)
    result = cli_run("validate", str(town.root / "organizations"), "--format", "github", "--today", "2026-11-26")
    assert result.code == 1
    assert "::error file=organizations/a-cun/org.yml,line=6,col=1,title=yaml-duplicate-key::字段“kind”重复出现" in result.out


def test_json_output(town: Town, cli_run) -> None:
    _broken_town(town)
    result = cli_run("validate", str(town.root / "organizations"), "--format", "json", "--today", "2026-11-26")
    payload = json.loads(result.out)
    first = payload["diagnostics"][0]
    assert set(first) == {"path", "line", "col", "severity", "rule", "message", "found", "fix"}
    assert first["severity"] == "error" and payload["summary"]["errors"] == 3


def test_validate_one_folder_shows_only_its_problems(town: Town, cli_run) -> None:
    _broken_town(town)
    result = cli_run("validate", str(town.root / "organizations" / "b-cun"), "--today", "2026-11-26")
    assert result.code == 1 and "a-cun" not in result.out.split("已检查")[0]
    assert "所选路径的结果：1 个错误" in result.out and "所选路径以外还有 2 个错误" in result.out
    assert "全镇共 2 个组织" in result.out


def test_outside_any_town(tmp_path, cli_run) -> None:
    result = cli_run("validate", str(tmp_path))
    assert result.code == 1 and "不像镇数据仓库" in result.err
    result = cli_run("validate", str(tmp_path / "nope"))
    assert result.code == 1 and "找不到" in result.err


def test_bad_arguments_are_chinese(cli_run) -> None:
    result = cli_run("validate", "--format", "xml")
    assert result.code == 2 and "参数错误" in result.err


_PLACEHOLDER_LINE = re.compile(r"待填写|0000-00000000|your-username|^\s*(?:total|area|hall_area): 0\b")
_FILLED = {
    "待填写（村党组织全称）": "中共测试镇新村委员会",
    "待填写（社区党组织全称）": "中共测试镇新社区委员会",
    "待填写（机关事业单位党组织全称）": "中共测试镇新单位支部委员会",
    "待填写（企业党组织全称）": "中共测试镇新企业支部委员会",
    "待填写：": "",
    "待填写": "新组织",
    "0000-00000000": "0519-88001234",
    "total: 0": "total: 36",
    "hall_area: 0": "hall_area: 80",
    "area: 0": "area: 320",
    "your-username": "new-clerk",
}


@pytest.mark.parametrize("sector", ["村", "社区", "机关事业单位", "企业"])
def test_scaffold_validates_only_after_its_placeholders_are_filled(town: Town, cli_run, sector: str) -> None:
    """The untouched template fails with one template-placeholder error on each placeholder line and
    nothing else; filled in, it validates."""
    result = cli_run("new", "xin-zuzhi", "--sector", sector, "--root", str(town.root))
    assert result.code == 0, result.err
    org = town.root / "organizations/xin-zuzhi/org.yml"
    text = org.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../content/schema/org.schema.json")
    expected = [i for i, line in enumerate(text.splitlines(), 1) if not line.startswith("#") and _PLACEHOLDER_LINE.search(line)]
    errors = [d for d in town.validate().diagnostics if d.is_error]
    assert [(d.rule, d.line) for d in errors] == [("template-placeholder", line) for line in expected]
    assert len(expected) >= 7 and all(d.fix for d in errors)
    assert cli_run("validate", str(town.root), "--today", "2026-11-26").code == 1
    for placeholder, real in _FILLED.items():
        text = text.replace(placeholder, real)
    org.write_text(text, encoding="utf-8")
    assert [d for d in town.validate().diagnostics if d.is_error] == []


def test_scaffold_never_overwrites(town: Town, cli_run) -> None:
    town.add_org("a-cun")
    before = (town.root / "organizations/a-cun/org.yml").read_bytes()
    result = cli_run("new", "a-cun", "--sector", "村", "--root", str(town.root))
    assert result.code == 1 and "已经存在" in result.err
    assert (town.root / "organizations/a-cun/org.yml").read_bytes() == before
    assert cli_run("new", "A村", "--sector", "村", "--root", str(town.root)).code == 1


def test_schema_files_are_current_in_the_repo(cli_run) -> None:
    result = cli_run("schema", "--root", str(REPO), "--check")
    assert result.code == 0, result.err


def test_schema_check_catches_stale_files(tmp_path, cli_run) -> None:
    assert cli_run("schema", "--out", str(tmp_path)).code == 0
    (tmp_path / "org.schema.json").write_text("{}", encoding="utf-8")
    result = cli_run("schema", "--out", str(tmp_path), "--check")
    assert result.code == 1 and "org.schema.json" in result.err


def test_json_schema_accepts_a_valid_org_and_rejects_a_wrong_enum(town: Town) -> None:
    import yaml

    schema = json.loads(cli.schema_files()["org.schema.json"])
    town.add_org("a-cun")
    data = yaml.safe_load((town.root / "organizations/a-cun/org.yml").read_text(encoding="utf-8"))
    data["updated"] = data["updated"].isoformat()
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "sector": "农村"}, schema)
    with pytest.raises(jsonschema.ValidationError):  # the sector clause: 社区 needs hall_area
        jsonschema.validate({**data, "sector": "社区"}, schema)


def test_console_script_runs_as_a_module(town: Town) -> None:
    town.add_org("a-cun")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(town.root / "organizations"), "--today", "2026-11-26"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "0 个错误" in proc.stdout and proc.stderr == ""


def test_every_rule_is_tested() -> None:
    tests = "".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("test_*.py"))
    untested = [rule for rule in all_rules() if f'"{rule}"' not in tests]
    assert untested == []


def test_every_rule_is_documented_in_the_guide() -> None:
    guide = (REPO / "content/guide/index.md").read_text(encoding="utf-8")
    assert [rule for rule in all_rules() if f"`{rule}`" not in guide] == []


def test_a_refused_write_is_named_in_chinese_without_the_systems_english(tmp_path, cli_run, monkeypatch) -> None:
    import errno
    from pathlib import Path

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    result = cli_run("schema", "--out", str(tmp_path / "schema"))
    assert result.code == 1
    assert result.err.startswith("错误：磁盘已满，无法写入 ") and "No space" not in result.err


def test_an_unexpected_error_is_one_chinese_line_unless_debugging(tmp_path, cli_run, monkeypatch) -> None:
    """The last resort: every known input has its own answer (tests/test_hostile_inputs.py); a bug
    of ours is still no traceback for a clerk, and PARTY365_DEBUG=1 shows it whole."""
    from generator import cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_new", broken)
    monkeypatch.delenv("PARTY365_DEBUG", raising=False)
    result = cli_run("new", "a-cun", "--sector", "村", "--root", str(tmp_path))
    assert result.code == 1 and result.err.startswith("内部错误：party365 new 没有完成（RuntimeError）") and "boom" not in result.err
    monkeypatch.setenv("PARTY365_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli_run("new", "a-cun", "--sector", "村", "--root", str(tmp_path))
