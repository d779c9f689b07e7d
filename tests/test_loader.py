"""The loader: positions for every key and value, and what YAML allows but a clerk should not do."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.loader import MAX_DEPTH, MAX_TEXT_BYTES, Pos, YList, YMap, load_markdown, load_yaml, parse_yaml, position


def _load(tmp_path: Path, text: str | bytes, name: str = "org.yml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return (load_markdown if name.endswith(".md") else load_yaml)(path, name)


def test_positions_of_keys_values_and_items() -> None:
    data, problems, ok = parse_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", "f.yml")
    assert ok and problems == []
    assert isinstance(data, YMap) and isinstance(data["b"]["c"], YList)
    assert position(data, ("a",)) == Pos(1, 4)
    assert position(data, ("b", "c"), key=True) == Pos(3, 3)
    assert position(data, ("b", "c", 1)) == Pos(3, 10)
    assert position(data, ("b", "d", 0, "e")) == Pos(5, 10)
    # an unknown path falls back to the nearest known parent
    assert position(data, ("b", "zzz", 3)) == Pos(3, 3)


def test_keys_stay_as_written() -> None:
    # YAML 1.1 reads `no:` and `on:` as booleans; our keys are always text.
    data, _, ok = parse_yaml("no: 1\non: 2\n", "f.yml")
    assert ok and list(data) == ["no", "on"]


def test_duplicate_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    doc = _load(tmp_path, "name: 甲\nsector: 村\nname: 乙\n")
    [d] = doc.diagnostics
    assert (d.rule, d.line, d.col) == ("yaml-duplicate-key", 3, 1)
    assert "第 1 行" in d.message and d.is_error


def test_alias_and_merge_key_are_refused(tmp_path: Path) -> None:
    doc = _load(tmp_path, "a: &x {k: 1}\nb: *x\nc:\n  <<: *x\n")
    rules = [(d.rule, d.line) for d in doc.diagnostics]
    assert ("yaml-alias", 2) in rules and ("yaml-alias", 4) in rules


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    doc = _load(tmp_path, "\n".join(lines) + "\n")
    assert not doc.ok and all(d.rule == "yaml-alias" for d in doc.diagnostics)


def test_tab_indentation_reported_with_position(tmp_path: Path) -> None:
    doc = _load(tmp_path, "contact:\n\tphone: 1\n")
    [d] = doc.diagnostics
    assert (d.rule, d.line, d.col) == ("yaml-tab", 2, 1)
    assert "Tab" in d.message and "空格" in d.fix


def test_gbk_file_says_so(tmp_path: Path) -> None:
    doc = _load(tmp_path, "name: 桃源村\n".encode("gbk"))
    [d] = doc.diagnostics
    assert (d.rule, d.line) == ("file-encoding", 1)
    assert "GBK" in d.message and "UTF-8" in d.fix
    assert not doc.ok


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    doc = _load(tmp_path, b"\xef\xbb\xbfname: a\r\nsector: b\r\n")
    assert doc.ok and doc.data == {"name": "a", "sector": "b"}
    assert position(doc.data, ("sector",)) == Pos(2, 9)


def test_size_limit(tmp_path: Path) -> None:
    doc = _load(tmp_path, "a: " + "x" * MAX_TEXT_BYTES + "\n")
    [d] = doc.diagnostics
    assert d.rule == "file-too-large" and not doc.ok


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: 时间: 周五\n", 1, "冒号"),
        ("a:\n  b: 1\n c: 2\n", 3, "YAML 语法错误"),
        ('title: "未闭合\n', 1, "引号没有闭合"),
    ],
)
def test_syntax_errors_in_chinese_with_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    doc = _load(tmp_path, text)
    [d] = doc.diagnostics
    assert d.rule == "yaml-syntax" and d.line == line and words in d.message
    assert d.fix


def test_scalars_resolve_as_yaml_1_2_core(tmp_path: Path) -> None:
    """What editors and JSON Schema see: YAML 1.1's yes/no/on/off, octal, sexagesimal and dates stay
    text (the schema's date type parses dates; an impossible date is its error, not a crash)."""
    doc = _load(tmp_path, "a: no\nb: on\nc: yes\nd: 012\ne: 1:30\nf: 2026-02-30\ng: true\nh: 7\ni: 2.5\nj: ~\n")
    assert doc.ok and not doc.diagnostics
    assert dict(doc.data) == {
        "a": "no",
        "b": "on",
        "c": "yes",
        "d": "012",
        "e": "1:30",
        "f": "2026-02-30",
        "g": True,
        "h": 7,
        "i": 2.5,
        "j": None,
    }


def test_front_matter_lines_are_file_lines(tmp_path: Path) -> None:
    doc = _load(tmp_path, "---\nschema: 1\ntitle: 标题\n---\n第一段\n", name="2026-10-01-a.md")
    assert doc.ok and doc.data["title"] == "标题"
    assert position(doc.data, ("title",)) == Pos(3, 8)
    assert doc.body == "第一段\n" and doc.body_line == 5


def test_front_matter_syntax_error_has_file_line(tmp_path: Path) -> None:
    doc = _load(tmp_path, "---\nschema: 1\ntitle: a: b\n---\n", name="2026-10-01-a.md")
    [d] = doc.diagnostics
    assert (d.rule, d.line) == ("yaml-syntax", 3)


def test_missing_front_matter(tmp_path: Path) -> None:
    doc = _load(tmp_path, "只有正文\n", name="2026-10-01-a.md")
    [d] = doc.diagnostics
    assert d.rule == "file-front-matter" and "---" in d.fix


def test_binary_file_is_not_text(tmp_path: Path) -> None:
    doc = _load(tmp_path, b"PK\x03\x04\x00\x00binary")
    [d] = doc.diagnostics
    assert d.rule == "file-encoding" and "Word 文档" in d.message and "GBK" not in d.message + d.found


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(256)) * 4,  # random-looking bytes that happen to decode as GBK
        b"\x81\x40\x81\x41\x82\x42\x00\x01\x9f\xfe" * 20,
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
    ],
)
def test_binary_is_never_called_gbk(tmp_path: Path, raw: bytes) -> None:
    [d] = _load(tmp_path, raw).diagnostics
    assert d.rule == "file-encoding" and "文本文件" in d.message and "GBK" not in d.message + d.found


def test_utf16_file_says_so(tmp_path: Path) -> None:
    [d] = _load(tmp_path, "name: 桃源村\n".encode("utf-16")).diagnostics
    assert d.rule == "file-encoding" and "UTF-16" in d.message


def test_stray_control_character_is_placed(tmp_path: Path) -> None:
    [d] = _load(tmp_path, "name: 桃源村\nshort_name: 桃源\x0b村\n").diagnostics
    assert (d.rule, d.line, d.col) == ("file-encoding", 2, 15) and "控制字符" in d.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\nschema: 1\ntitle: 标题\ncategory: 其他\n正文第一段\n", 5, "缺少结尾"),
        ("---\nschema: 1\ntitle: 标题\n\n正文\n", 4, "缺少结尾"),
        ("---\nschema: 1\ntitle: 标题\n——\n正文\n", 4, "结尾的 --- 写成了别的符号"),
        ("——\nschema: 1\ntitle: 标题\n---\n正文\n", 1, "开头的 --- 写成了别的符号"),
        ("schema: 1\ntitle: 标题\n---\n正文\n", 1, "开头缺少一行 ---"),
        ("\n---\nschema: 1\n---\n正文\n", 1, "前面有空行"),
    ],
)
def test_front_matter_fences_name_the_line_to_edit(tmp_path: Path, text: str, line: int, words: str) -> None:
    [d] = _load(tmp_path, text, name="2026-10-01-a.md").diagnostics
    assert (d.rule, d.line, d.col) == ("file-front-matter", line, 1)
    assert words in d.message and "---" in d.fix


def test_explicit_tags_are_refused(tmp_path: Path) -> None:
    doc = _load(tmp_path, "a: !!binary AAAA\nb: !!timestamp 2026-11-31\nc: !!python/object:os.system x\n")
    assert [(d.rule, d.line) for d in doc.diagnostics] == [("yaml-syntax", 1), ("yaml-syntax", 2), ("yaml-syntax", 3)]
    assert not doc.ok and all("!" in d.message for d in doc.diagnostics)


def test_free_text_blocks_are_not_linted(tmp_path: Path) -> None:
    """Inside `|` blocks, `-功能室`, `name：` and full-width indentation are the clerk's text."""
    doc = _load(tmp_path, "intro: |\n  　　本村党委：\n  -功能室\n  name：王\nb: 1\n")
    assert doc.ok and not doc.diagnostics and doc.data["b"] == 1


# ---------------------------------------------------------------- nesting


def _flow(levels: int) -> str:
    """`a:` and `levels - 1` nested lists: the file's own mapping is level 1."""
    return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


def _block(levels: int) -> str:
    """Mappings nested by indentation, one space deeper each."""
    return "".join(" " * i + f"k{i}:\n" for i in range(levels - 1)) + " " * (levels - 1) + "x: 1\n"


@pytest.mark.parametrize("shape", [_flow, _block])
def test_nesting_to_the_limit_is_read_and_one_level_more_is_refused(tmp_path: Path, shape) -> None:
    doc = _load(tmp_path, shape(MAX_DEPTH))
    assert doc.ok and doc.diagnostics == []
    doc = _load(tmp_path, shape(MAX_DEPTH + 1))
    [d] = doc.diagnostics
    assert not doc.ok and doc.data is None
    where = (1, 3 + MAX_DEPTH) if shape is _flow else (MAX_DEPTH + 1, MAX_DEPTH + 1)
    assert (d.rule, (d.line, d.col)) == ("yaml-depth", where) and "嵌套超过 32 层" in d.message and d.fix


@pytest.mark.parametrize("levels", [340, 999, 1001, 100_000])
def test_deep_nesting_is_refused_where_the_limit_is_crossed_at_any_depth(tmp_path: Path, levels: int) -> None:
    """340 levels made every command die with RecursionError; past 1,000 libyaml stops by itself
    (its own English error); a front matter counts lines from the top of the file."""
    doc = _load(tmp_path, f"---\nschema: 1\n{_flow(levels)}---\n正文\n", name="2026-10-01-a.md")
    [d] = doc.diagnostics
    assert (d.rule, d.line, d.col) == ("yaml-depth", 3, 3 + MAX_DEPTH)


def test_is_demo_reads_only_the_top_of_a_hostile_town_file(tmp_path: Path) -> None:
    """`town_today` reads town.yml before validation (demo: true pins the date): with PyYAML's own
    loader 340 levels were a RecursionError, a 5,000-digit number a ValueError."""
    from generator.dates import is_demo

    town = tmp_path / "content" / "_town"
    town.mkdir(parents=True)
    for text in (_flow(340), _flow(5000), "- a\n", "\xff", "demo: yes\n"):
        (town / "town.yml").write_text(text, encoding="utf-8")
        assert is_demo(tmp_path) is False
    for text in ("demo: true\nx: " + "[" * 339 + "]" * 339 + "\n", "demo: true\nn: 1" + "0" * 5000 + "\n"):
        (town / "town.yml").write_text(text, encoding="utf-8")
        assert is_demo(tmp_path) is True  # the flag is read whatever the rest holds; the validator refuses the rest


# ---------------------------------------------------------------- a value that starts with #


def test_a_wechat_topic_at_the_start_of_a_value_is_an_error_at_the_hash(tmp_path: Path) -> None:
    doc = _load(tmp_path, "schema: 1\nslogan: #乡村振兴# 我们在行动\n")
    [d] = doc.diagnostics
    assert (d.rule, d.line, d.col, d.is_error) == ("yaml-hash-comment", 2, 9, True)
    assert d.found == "#乡村振兴# 我们在行动" and "注释" in d.message
    assert 'slogan: "#乡村振兴# 我们在行动"' in d.fix and not doc.ok
    assert parse_yaml('slogan: "#乡村振兴# 我们在行动"\n', "f.yml")[0]["slogan"] == "#乡村振兴# 我们在行动"  # the fix reads back


def test_a_hash_item_in_a_list_and_in_front_matter(tmp_path: Path) -> None:
    doc = _load(tmp_path, "---\nschema: 1\ntitle: 党费\ntags:\n  - #话题\n---\n正文\n", name="2026-10-01-a.md")
    [d] = doc.diagnostics
    assert (d.rule, d.line, d.col) == ("yaml-hash-comment", 5, 5) and '- "#话题"' in d.fix


def test_a_field_left_empty_with_a_comment_is_a_warning(tmp_path: Path) -> None:
    """`slogan: # 待填写` is a note as the templates write them, or a value lost: the field is empty
    either way; the clerk is told, the file is still checked (a required field errors there)."""
    doc = _load(tmp_path, "schema: 1\nslogan: # 待填写\n")
    [d] = doc.diagnostics
    assert (d.rule, d.line, d.col, d.is_error) == ("yaml-hash-comment", 2, 9, False)
    assert doc.ok and doc.data["slogan"] is None and "备注" in d.fix


@pytest.mark.parametrize(
    "text",
    [
        "members:\n  total: 0     # 党员总数\n",  # a comment after a value
        "contact:   # 会公开显示在网站上\n  phone: 0519-88001234\n",  # after a key whose value is on the next lines
        'slogan: "#乡村振兴# 我们在行动"\n',
        "slogan: '#乡村振兴'\n",
        "intro: |\n  #话题# 正文\n",  # inside a block of free text
        "# 整行说明\nslogan: 口号\n",
        "slogan:\n",  # empty, without a comment: the schema's to judge
    ],
)
def test_real_comments_and_quoted_hashes_are_left_alone(text: str) -> None:
    _, problems, ok = parse_yaml(text, "f.yml")
    assert ok and problems == []
