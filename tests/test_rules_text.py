"""Privacy and content-safety rules on every piece of free text."""

from __future__ import annotations

import pytest
from conftest import Town, disclosure_md, org_yml

from generator.rules.privacy import id18_check_ok

VALID_ID = "11010519491231002X"  # the standard's own example; check digit X is right
WRONG_CHECK = "110105194912310021"


def test_check_digit() -> None:
    assert id18_check_ok(VALID_ID)
    assert not id18_check_ok(WRONG_CHECK)


def _body(town: Town, body: str, *, extra: str = "") -> list:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=body, extra=extra))
    return [d for d in town.diagnostics() if d.path.endswith("2026-11-02-x.md")]


@pytest.mark.parametrize(
    ("text", "rule", "words", "col"),
    [
        (f"困难党员张某，身份证 {VALID_ID}。", "privacy-id-number", "身份证号", 12),
        (f"身份证 {WRONG_CHECK}。", "privacy-id-number", "校验位不符", 5),
        ("身份证 １１０１０５１９４９１２３１００２Ｘ。", "privacy-id-number", "身份证号", 5),
        ("旧证 110105491231002。", "privacy-id15", "15 位", 4),
        ("联系人手机 13812345678。", "privacy-mobile", "手机号", 7),
        ("联系人手机 +86 138-1234-5678。", "privacy-mobile", "手机号", 7),
    ],
)
def test_personal_data_in_body(town: Town, text: str, rule: str, words: str, col: int) -> None:
    [d] = _body(town, "第一段。\n\n" + text + "\n")
    assert d.rule == rule and words in d.message
    assert (d.line, d.col) == (8, col)  # front matter takes lines 1-5, the body starts at 6
    assert "*" in d.found  # never echo the full number back into a CI log


def test_ordinary_numbers_are_not_ids(town: Town) -> None:
    assert _body(town, "2026年收缴党费 123456789012345678 分（不是日期）；编号 20261126001；座机 0519-88001234；打码 138****5678。\n") == []


def test_mobile_allowed_in_public_contact_only(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("0519-88001234", '"13812345678"'))
    assert town.diagnostics("privacy-mobile") == []
    town.write("organizations/a-cun/org.yml", org_yml().replace("  title: 党委书记", '  title: "书记 13812345678"'))
    [d] = town.diagnostics("privacy-mobile")
    assert (d.line, d.col) == (10, 14)


def test_id_number_in_a_yaml_field_points_at_it(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("  address: 测试镇样板路 1 号", f"  address: 样板路 1 号 {VALID_ID}"))
    [d] = town.diagnostics("privacy-id-number")
    assert (d.line, d.col) == (13, 20)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("<script>alert(1)</script>", "content-script"),
        ("<SCRIPT src=//x.js></SCRIPT>", "content-script"),
        ('<iframe src="https://x"></iframe>', "content-iframe"),
        ("<embed src=x.swf>", "content-iframe"),
        ('<img src=x onerror="alert(1)">', "content-html"),
        ("第一行<br>第二行", "content-html"),
        ("<!-- 备注 -->", "content-html"),
        ("[点我](javascript:alert(1))", "content-link-scheme"),
        ("[点我](file:///etc/passwd)", "content-link-scheme"),
        ("[点我](JaVaScRiPt:alert(1))", "content-link-scheme"),
        ("[图](data:text/html;base64,PHNjcmlwdD4=)", "content-link-scheme"),
        ("<a href='vbscript:x'>", "content-link-scheme"),
    ],
)
def test_hostile_text(town: Town, text: str, rule: str) -> None:
    found = _body(town, f"正文。\n{text}\n")
    assert rule in {d.rule for d in found}
    d = next(d for d in found if d.rule == rule)
    assert d.line == 7 and d.fix


def test_markdown_and_plain_angle_brackets_are_fine(town: Town) -> None:
    text = "**加粗**，[链接](https://example.org)，<https://example.org>，人数 <5 人，a < b > c，[电话](tel:0519-88001234)\n"
    assert _body(town, text) == []


def test_script_in_front_matter_title(town: Town) -> None:
    found = _body(town, "正文\n", extra="")
    assert found == []
    town.write("organizations/a-cun/disclosures/2026-11-03-y.md", "---\nschema: 1\ntitle: <script>x</script>\ncategory: 两民工作\n---\n")
    [d] = [d for d in town.diagnostics("content-script") if d.path.endswith("y.md")]
    assert (d.line, d.col) == (3, 8)
