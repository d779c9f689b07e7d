"""Mistakes a clerk makes, as a clerk reads the answer: every diagnostic is Chinese (no English
word the clerk did not write), points at the line the clerk must edit, and says how to fix it.

The garbage-input matrix of test_robustness runs through the same language check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from conftest import Town, disclosure_md, notice_md, org_yml
from test_robustness import GARBAGE

from generator.diagnostics import Diagnostic
from generator.rules import all_rules
from generator.schema import FILE_MODELS, json_schema

ORG = "organizations/a-cun/org.yml"
ITEM = "organizations/a-cun/disclosures/2026-11-02-x.md"
NOTICE = "organizations/a-cun/notices/2026-11-02-gs.md"

# Names a clerk sees in their own tools and in the guide, not English prose: file formats, the
# editors the fixes name, and the forges. Everything else must come from what the clerk wrote.
_NAMES = {"YAML", "UTF", "GBK", "Tab", "Word", "WPS", "Code", "Excel", "PDF", "JPEG", "PNG", "GIF", "RAR", "RTF", "Unicode"}
_NAMES |= {"docx", "doc", "xls", "yml", "Windows", "GitHub", "GitLab", "Gitee", "https", "http", "www"}
# YAML's own words, which a fix names when the clerk wrote one of them (yes/no/on/off are not booleans).
_YAML_WORDS = {"true", "false", "yes", "off", "null"}
# Pinyin in the fixes' examples of a name (a folder, a user name, a file name): not English.
_PINYIN_EXAMPLES = {"lixiaohong", "wangdeshun", "dangfei", "taoyuan", "cun"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # a field name such as party_committee is one word
_COMMAND = re.compile(r"party365 [a-z]+")  # a command the clerk types, as the guide writes it


@cache
def _field_names() -> frozenset[str]:
    """Every field name of every file kind: the messages name fields the clerk left out."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(k for k in node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for kind in FILE_MODELS:
        walk(json_schema(kind))
    return frozenset(names)


def _allowed(town: Town) -> set[str]:
    """What the clerk wrote (every text file of the town), field names, rule ids and tool names."""
    written: set[str] = set()
    for path in town.root.rglob("*"):
        if path.is_file() and path.suffix in (".yml", ".md"):
            written.update(_WORD.findall(path.read_bytes().decode("utf-8", "replace")))
            written.update(_WORD.findall(path.name))
    rule_words = {part for rule in all_rules() for part in rule.split("-")}
    return written | set(_field_names()) | rule_words | _NAMES | _YAML_WORDS | _PINYIN_EXAMPLES


def _english(d: Diagnostic, allowed: set[str]) -> list[str]:
    words = _WORD.findall(_COMMAND.sub("", f"{d.message} {d.found} {d.fix}"))
    return [w for w in words if sum(c.isalpha() for c in w) >= 3 and w not in allowed]


def _assert_clerk_readable(town: Town, diagnostics: list[Diagnostic]) -> None:
    allowed = _allowed(town)
    for d in diagnostics:
        assert _english(d, allowed) == [], f"English in {d}"
        assert d.fix, f"no fix in {d}"
        assert d.line >= 1 and d.col >= 1


@dataclass(frozen=True)
class Mistake:
    name: str
    path: str
    text: str | bytes
    rule: str
    line: int


def _org(old: str, new: str) -> str:
    text = org_yml()
    assert old in text, old
    return text.replace(old, new, 1)


_LIST = "  liutongyi: [外观标识和LOGO, 服务承诺口号, 党员先锋岗, 功能室, 制度上墙, 党建宣传栏]\n"
_BLOCK_LIST = "  liutongyi:\n    - 外观标识和LOGO\n    - 服务承诺口号\n    - 党员先锋岗\n    - 功能室\n    - 制度上墙\n    - 党建宣传栏\n"


def _block_list(old: str, new: str) -> str:
    return org_yml().replace(_LIST, _BLOCK_LIST.replace(old, new, 1))


MISTAKES = [
    # full-width punctuation and missing spaces
    Mistake("全角冒号", ORG, _org("short_name: ", "short_name："), "yaml-syntax", 3),
    Mistake("全角冒号（下一级）", ORG, _org("  name: 王某某", "  name：王某某"), "yaml-syntax", 9),
    Mistake("全角冒号（同级最后一个）", ORG, _org("  title: 党委书记", "  title：党委书记"), "yaml-syntax", 10),
    Mistake("全角冒号加空格", ORG, _org("sector: 村", "sector ： 村"), "yaml-syntax", 4),
    Mistake("冒号后缺空格", ORG, _org("sector: 村", "sector:村"), "yaml-syntax", 4),
    Mistake("冒号后缺空格（下一级）", ORG, _org("  total: 40", "  total:40"), "yaml-syntax", 7),
    Mistake("减号后缺空格（中间）", ORG, _block_list("    - 功能室", "    -功能室"), "yaml-syntax", 25),
    Mistake("减号后缺空格（第一项）", ORG, _block_list("    - 外观标识和LOGO", "    -外观标识和LOGO"), "yaml-syntax", 22),
    Mistake("减号后缺空格（最后一项）", ORG, _block_list("    - 党建宣传栏", "    -党建宣传栏"), "yaml-syntax", 27),
    Mistake("全角冒号在文末", ORG, org_yml() + "intro：本村党委\n", "yaml-syntax", 22),
    # colons, quotes and brackets inside values
    Mistake("值里有冒号", ORG, _org("address: 测试镇样板路 1 号", "address: 地址: 样板路 1 号"), "yaml-syntax", 13),
    Mistake("办公时间里的冒号", ORG, _org("  address:", "  hours: 上午: 8:30-11:30\n  address:"), "yaml-syntax", 13),
    Mistake("引号未闭合", ORG, _org("phone: 0519-88001234", 'phone: "0519-88001234'), "yaml-syntax", 12),
    Mistake("单引号未闭合", ORG, _org("phone: 0519-88001234", "phone: '0519-88001234"), "yaml-syntax", 12),
    Mistake("引号后还有字", ORG, _org("address: 测试镇样板路 1 号", 'address: "测试镇"样板路 1 号'), "yaml-syntax", 13),
    Mistake("方括号未闭合", ORG, _org("maintainers: [clerk]", "maintainers: [clerk"), "yaml-syntax", 17),
    Mistake("多了右括号", ORG, _org("maintainers: [clerk]", "maintainers: [clerk]]"), "yaml-syntax", 17),
    Mistake("值以@开头", ORG, _org("maintainers: [clerk]", "maintainers:\n  - @clerk"), "yaml-syntax", 18),
    # indentation
    Mistake("Tab 缩进", ORG, _org("  name: 王某某", "\tname: 王某某"), "yaml-tab", 9),
    Mistake("全角空格缩进", ORG, _org("  name: 王某某", "\u3000name: 王某某"), "yaml-syntax", 9),
    Mistake("缩进多了", ORG, _org("  title: 党委书记", "    title: 党委书记"), "yaml-syntax", 10),
    Mistake("缩进三格", ORG, _org("  name: 王某某", "   name: 王某某"), "yaml-syntax", 9),
    Mistake("缩进一格", ORG, _org("  title: 党委书记", " title: 党委书记"), "yaml-syntax", 10),
    Mistake("列表没对齐", ORG, _block_list("    - 功能室", "      - 功能室"), "yaml-syntax", 25),
    # indentation noticed by YAML only at a later line: named at the line the clerk changed
    Mistake("第一个子字段少一格", ORG, _org("  name: 王某某", " name: 王某某"), "yaml-syntax", 9),
    Mistake("第一个子字段多两格", ORG, _org("  name: 王某某", "    name: 王某某"), "yaml-syntax", 9),
    Mistake("第一个子字段顶格", ORG, _org("  phone: 0519-88001234", "phone: 0519-88001234"), "yaml-syntax", 12),
    Mistake("列表第一项少一格", ORG, _block_list("    - 外观标识和LOGO", "   - 外观标识和LOGO"), "yaml-syntax", 22),
    Mistake("列表第一项少两格", ORG, _block_list("    - 外观标识和LOGO", "  - 外观标识和LOGO"), "yaml-syntax", 22),
    Mistake("第一行前面有空格", ORG, _org("schema: 1", " schema: 1"), "yaml-syntax", 1),
    Mistake(
        "公示异议电话少一格",
        NOTICE,
        notice_md("2026-11-02", "2026-11-10", objection=" phone: 0519-88001234\n  contact: 李某\n"),
        "yaml-syntax",
        8,
    ),
    Mistake("重复字段", ORG, _org("kind: 党委", "kind: 党委\nkind: 党支部"), "yaml-duplicate-key", 6),
    # dates
    Mistake("不存在的日期", ORG, _org("updated: 2026-11-01", "updated: 2026-11-31"), "schema-value", 18),
    Mistake("二月三十日", ORG, _org("updated: 2026-11-01", "updated: 2026-02-30"), "schema-value", 18),
    Mistake("十三月", ORG, _org("updated: 2026-11-01", "updated: 2026-13-01"), "schema-value", 18),
    Mistake("Excel 斜杠日期", ORG, _org("updated: 2026-11-01", "updated: 2026/11/1"), "schema-type", 18),
    Mistake("中文日期", ORG, _org("updated: 2026-11-01", "updated: 2026年11月1日"), "schema-type", 18),
    Mistake("Excel 序号日期", ORG, _org("updated: 2026-11-01", "updated: 46327"), "schema-type", 18),
    Mistake("点号日期", ORG, _org("updated: 2026-11-01", "updated: 2026.11.01"), "schema-type", 18),
    Mistake("日期带时间", ORG, _org("updated: 2026-11-01", "updated: 2026-11-01 10:00"), "schema-type", 18),
    Mistake("月日一位数", ORG, _org("updated: 2026-11-01", "updated: 2026-11-1"), "schema-type", 18),
    # values of the wrong kind or out of range
    Mistake("领域写错", ORG, _org("sector: 村", "sector: 农村"), "schema-enum", 4),
    Mistake("组织类别写错", ORG, _org("kind: 党委", "kind: 党委会"), "schema-enum", 5),
    Mistake("党员数写汉字", ORG, _org("  total: 40", "  total: 四十"), "schema-type", 7),
    Mistake("党员数带单位", ORG, _org("  total: 40", "  total: 40人"), "schema-type", 7),
    Mistake("党员数为负", ORG, _org("  total: 40", "  total: -3"), "schema-value", 7),
    Mistake("纬度写汉字", ORG, _org("  lat: 31.78", "  lat: 北纬31.78"), "schema-type", 15),
    Mistake("电话写成数字", ORG, _org("phone: 0519-88001234", "phone: 88001234"), "schema-type", 12),
    Mistake("位置写成一行", ORG, _org("location:\n  lat: 31.78\n  lon: 120.00\n", "location: 31.78, 120.00\n"), "schema-type", 14),
    Mistake("六统一用顿号", ORG, _org(_LIST, "  liutongyi: 外观标识和LOGO、功能室\n"), "schema-type", 21),
    Mistake("六统一写错一项", ORG, _block_list("    - 功能室", "    - 活动室"), "schema-enum", 25),
    Mistake("维护人写中文名", ORG, _org("maintainers: [clerk]", "maintainers: [李晓红]"), "schema-value", 17),
    Mistake("维护人用顿号", ORG, _org("maintainers: [clerk]", "maintainers: [lixiaohong、wangdeshun]"), "schema-value", 17),
    Mistake("字段名拼错", ORG, _org("secretary:", "secretery:"), "schema-unknown-key", 8),
    Mistake("字段名大写", ORG, _org("short_name:", "Short_name:"), "schema-unknown-key", 3),
    Mistake("版本号写错", ORG, _org("schema: 1", "schema: 2"), "schema-enum", 1),
    Mistake("版本号写 true", ORG, _org("schema: 1", "schema: true"), "schema-enum", 1),
    Mistake("空文件", ORG, "", "schema-type", 1),
    Mistake("只有说明", ORG, "# 待补充\n", "schema-type", 1),
    # encodings and files that are not text
    Mistake("GBK 编码", ORG, org_yml().encode("gbk"), "file-encoding", 2),
    Mistake("UTF-16 编码", ORG, org_yml().encode("utf-16"), "file-encoding", 1),
    Mistake("Word 文档改名", ITEM, b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)), "file-encoding", 1),
    Mistake("旧版 Word 文档改名", ITEM, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "file-encoding", 1),
    Mistake("图片改名", ORG, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "file-encoding", 1),
    Mistake("随机字节", ORG, bytes((i * 97 + 13) % 256 for i in range(600)), "file-encoding", 1),
    Mistake("从网页复制的控制字符", ORG, _org("测试镇样板路 1 号", "测试镇样板路\x0b1 号"), "file-encoding", 13),
    # Markdown items
    Mistake("字段区缺结尾", ITEM, "---\nschema: 1\ntitle: 两民工作\ncategory: 两民工作\n正文内容。\n", "file-front-matter", 5),
    Mistake("字段区用中文破折号", ITEM, "——\nschema: 1\ntitle: 两民工作\ncategory: 两民工作\n---\n正文。\n", "file-front-matter", 1),
    Mistake("字段区缺开头", ITEM, "schema: 1\ntitle: 两民工作\ncategory: 两民工作\n---\n正文。\n", "file-front-matter", 1),
    Mistake("没有字段区", ITEM, "关于开展主题党日活动的通知\n", "file-front-matter", 1),
    Mistake("栏目写错", ITEM, disclosure_md("两民工作").replace("category: 两民工作", "category: 两委工作"), "schema-enum", 4),
    Mistake("标题里有冒号", ITEM, disclosure_md("两民工作").replace("title: 两民工作", "title: 通知: 开会"), "yaml-syntax", 3),
    Mistake("标题全角冒号", ITEM, disclosure_md("两民工作").replace("title: 两民工作", "title：两民工作"), "yaml-syntax", 3),
    Mistake("发布日期不存在", ITEM, disclosure_md("两民工作", extra="date: 2026-11-31\n"), "schema-value", 5),
    Mistake("公开范围写错", ITEM, disclosure_md("两民工作", extra="audience: 公开\n"), "schema-enum", 5),
    Mistake("文件名日期不存在", "organizations/a-cun/disclosures/2026-11-31-x.md", disclosure_md("两民工作"), "file-name", 1),
    Mistake("文件名用汉字", "organizations/a-cun/disclosures/2026-11-02-党费.md", disclosure_md("两民工作"), "file-name", 1),
    Mistake("公示日期用点号", NOTICE, notice_md("2026.11.02", "2026-11-10"), "schema-type", 5),
    Mistake("公示类别写错", NOTICE, notice_md("2026-11-02", "2026-11-10", kind="入党"), "schema-enum", 4),
    Mistake("公示全角冒号", NOTICE, notice_md("2026-11-02", "2026-11-10").replace("kind: ", "kind："), "yaml-syntax", 4),
    Mistake("是否删除写“是”", NOTICE, notice_md("2026-11-02", "2026-11-10", extra="redact: 是\n"), "schema-type", 7),
    # a clerk's first day (issue 22): personal numbers where they do not belong, a year typed wrong, a silent redaction
    Mistake(
        "办公时间里写手机号",
        ORG,
        _org("  address: 测试镇样板路 1 号", '  address: 测试镇样板路 1 号\n  hours: "周一至周五，值班 13812345678"'),
        "privacy-mobile",
        14,
    ),
    Mistake(
        "慰问金写了银行卡号",
        ITEM,
        disclosure_md("两民工作", body="慰问金已打入本人银行卡 6222 0212 3456 7890 128。\n"),
        "privacy-bank-card",
        6,
    ),
    Mistake(
        "公示开始年份写错", "organizations/a-cun/notices/2026-11-30-gs.md", notice_md("2025-11-30", "2026-12-04"), "notice-file-date", 5
    ),
    Mistake("删除内容没写原因", ITEM, disclosure_md("两民工作", extra="redact: true\n"), "item-redact-reason", 5),
    # placeholders from the template
    Mistake("模板电话没改", ORG, _org("phone: 0519-88001234", 'phone: "0000-00000000"'), "template-placeholder", 12),
    Mistake("模板待填写没改", ORG, _org("  name: 王某某", "  name: 待填写"), "template-placeholder", 9),
]


def test_at_least_forty_mistakes() -> None:
    assert len(MISTAKES) >= 40 and len({m.name for m in MISTAKES}) == len(MISTAKES)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_clerk_mistake_is_reported_in_chinese_at_the_line_to_edit(town: Town, mistake: Mistake) -> None:
    town.add_org("a-cun")
    town.write(mistake.path, mistake.text)
    found = [d for d in town.diagnostics() if d.path == mistake.path and d.is_error]
    assert found, "no error"
    first = found[0]
    assert (first.rule, first.line) == (mistake.rule, mistake.line), found
    _assert_clerk_readable(town, town.diagnostics())


@pytest.mark.parametrize("text", GARBAGE)
@pytest.mark.parametrize("where", ["org", "disclosure", "notice", "town", "holidays", "routes"])
def test_garbage_answers_in_chinese(town: Town, text: str, where: str) -> None:
    town.add_org("a-cun")
    if where == "org":
        town.write(ORG, text)
    elif where in ("disclosure", "notice"):
        town.write(f"organizations/a-cun/{where}s/2026-11-01-x.md", f"---\n{text}---\n正文\n")
    else:
        town.write(f"content/_town/{where}.yml", text)
    found = town.diagnostics()
    assert any(d.is_error for d in found)
    _assert_clerk_readable(town, found)


def test_the_check_catches_english() -> None:
    """The language check itself: parser English is caught, the clerk's own words are not."""
    allowed = {"short_name"} | _NAMES
    leaked = Diagnostic("f.yml", 1, 1, "error", "yaml-syntax", "YAML 语法错误", "could not find expected ':'", "改")  # type: ignore[arg-type]
    clean = Diagnostic("f.yml", 1, 1, "error", "yaml-syntax", "YAML 语法错误", "short_name：样板村", "改成 UTF-8")  # type: ignore[arg-type]
    assert _english(leaked, allowed) == ["could", "not", "find", "expected"]
    assert _english(clean, allowed) == []


def test_pydantic_english_never_reaches_the_clerk(town: Town) -> None:
    """An error type the translation does not know falls back to Chinese, never pydantic's message."""
    from generator.loader import load_yaml
    from generator.rules.schema import _translate

    path = town.write("organizations/a-cun/org.yml", org_yml())
    doc = load_yaml(path, "org.yml")
    error = {"loc": ("members", "total"), "type": "multiple_of", "msg": "Input should be a multiple of 2", "input": 3, "ctx": {}}
    d = _translate("org", doc, error)
    assert d is not None and (d.rule, d.line, d.col) == ("schema-value", 7, 10)
    assert _english(d, _allowed(town)) == [] and d.fix
    custom = {**error, "type": "lat_precision", "msg": "Value error, 坐标只保留 4 位小数"}
    d = _translate("org", doc, custom)
    assert d is not None and d.message.endswith("坐标只保留 4 位小数")


# ---------------------------------------------------------------- indentation, every line


_BRAND = (
    "brand:\n  name: 品牌\n  slogan: 口号\n  practices:\n    - title: 做法\n      text: 内容\n    - title: 做法二\n"
    "      text: |\n        第一段\n        第二段\n  results: 成效\n  honors:\n    - year: 2020\n      title: 荣誉\nintro: |\n  简介\n"
)
_SHAPES = {
    "org.yml": org_yml().replace(_LIST, _BLOCK_LIST) + _BRAND,
    "公示字段区": notice_md("2026-11-02", "2026-11-10", objection="  phone: 0519-88001234\n  contact: 李某\n  address: 村委会\n").split(
        "---\n"
    )[1],
}


@pytest.mark.parametrize("shape", list(_SHAPES))
def test_every_indentation_slip_that_yaml_refuses_names_the_slipped_line(shape: str) -> None:
    """Each line of a filled-in profile (and a notice's fields) indented one or two spaces more or
    less, one at a time: where YAML refuses the file, the diagnostic stands at that line, or, when
    two lines are equally likely (a field moved out of its block, or the line under it moved in),
    names it in the fix. Where YAML accepts the slip, the schema's own errors take over."""
    from generator.loader import _block_scalar_lines, parse_yaml

    lines = _SHAPES[shape].split("\n")
    free = _block_scalar_lines(lines)
    tried = 0
    for i, line in enumerate(lines):
        if not line.strip() or i in free:
            continue
        indent = len(line) - len(line.lstrip(" "))
        for delta in (-2, -1, 1, 2):
            if indent + delta < 0:
                continue
            slipped = [*lines[:i], " " * (indent + delta) + line.lstrip(" "), *lines[i + 1 :]]
            _, problems, _ = parse_yaml("\n".join(slipped), "f.yml")
            syntax = [d for d in problems if d.rule == "yaml-syntax"]
            if not syntax:
                continue
            tried += 1
            first = syntax[0]
            assert first.line == i + 1 or f"“{line.strip()[:20]}”" in first.fix, (i + 1, delta, first)
            assert "缩进" in first.message + first.fix, first
    assert tried >= 20
