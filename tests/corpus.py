"""Hostile files: what a clerk (or anyone with commit rights) can put where the tools read text,
each with the one diagnostic every command must answer it with. The command tests of
test_hostile_inputs.py run this whole corpus through validate, diff, build, boards, report,
codeowners, export-table, import, cms and county.

A payload is a YAML document (a .yml file holds it as it is; a Markdown file holds it between its
two --- lines, one line further down) or the raw bytes of a whole file (the same in both). Classes:
nesting (flow and block, closed and not, past libyaml's own limit), aliases, tags, encodings
(invalid UTF-8, UTF-16 with BOM, GBK, NUL, control characters), sizes (an enormous line, a file over
the limit), shapes (a list or a scalar instead of fields, an empty file, two documents), keys
(duplicates, complex keys), tabs, `#` swallowing a value, binaries named .md/.yml, and a directory
or a link where a file should be."""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from io import BytesIO

DEPTH = 32  # generator.loader.MAX_DEPTH; the tests check the two agree


@dataclass(frozen=True)
class Expect:
    rule: str
    line: int
    col: int
    words: str  # Chinese words the message (or what was found) must hold
    severity: str = "错误"


@dataclass(frozen=True)
class Payload:
    name: str
    data: bytes | None  # None: a directory stands where the file should be
    yml: Expect  # what a .yml file holding it reports
    md: Expect | None = None  # what a Markdown file reports, when not `yml` one line down
    town: Expect | None = None  # what a town data file (content/_town/) reports, when not `yml`
    raw: bool = False  # the bytes are the whole file, also in a Markdown file (no --- lines around them)
    link: str = ""  # a symbolic link to this target instead of a file

    def markdown(self) -> bytes | None:
        """The payload as a disclosure or notice file."""
        if self.data is None or self.raw:
            return self.data
        return b"---\n" + self.data + b"---\n\xe6\xad\xa3\xe6\x96\x87\n"  # 正文

    def in_town(self) -> Expect:
        return self.town or self.yml

    def in_markdown(self) -> Expect:
        if self.md is not None:
            return self.md
        e = self.yml
        return Expect(e.rule, e.line if self.raw else e.line + 1, e.col, e.words, e.severity)


def _nested(n: int, opening: str, closing: str) -> str:
    return opening * n + closing * n


def _depth_col(prefix: int, width: int) -> int:
    """The column of the first collection past DEPTH on a line of `prefix` characters, then one
    opening of `width` characters per level (the file's own mapping is level 1)."""
    return prefix + 1 + width * (DEPTH + 1 - 2)


DEEP = "嵌套超过"
FIELDS = "文件内容应为若干“字段: 值”"

_BLOCK_MAP = "".join(" " * i + f"k{i}:\n" for i in range(340)) + " " * 340 + "x: 1\n"
_BLOCK_LIST_LINES = "a:\n" + "".join(" " * (2 * i) + "-\n" for i in range(300)) + " " * 600 + "x\n"

PAYLOADS: tuple[Payload, ...] = (
    # nesting: 340 levels (858 bytes) made every command die with a RecursionError
    Payload("deep-flow-list", f"a: {_nested(340, '[', ']')}\n".encode(), Expect("yaml-depth", 1, _depth_col(3, 1), DEEP)),
    Payload("deep-flow-list-5000", f"a: {_nested(5000, '[', ']')}\n".encode(), Expect("yaml-depth", 1, _depth_col(3, 1), DEEP)),
    Payload("deep-flow-list-unclosed", f"a: {'[' * 5000}\n".encode(), Expect("yaml-depth", 1, _depth_col(3, 1), DEEP)),
    Payload("deep-flow-map", f"a: {_nested(340, '{a: ', '}')}\n".encode(), Expect("yaml-depth", 1, _depth_col(3, 4), DEEP)),
    Payload("deep-json", ('{"a": ' * 340 + "1" + "}" * 340 + "\n").encode(), Expect("yaml-depth", 1, 1 + 6 * DEPTH, DEEP)),
    Payload("deep-flow-mixed", f"a: {_nested(200, '[{a: ', '}]')}\n".encode(), Expect("yaml-depth", 1, 4 + 5 * 15 + 1, DEEP)),
    Payload("deep-block-map", _BLOCK_MAP.encode(), Expect("yaml-depth", DEPTH + 1, DEPTH + 1, DEEP)),
    Payload("deep-block-list", ("a:\n" + "- " * 340 + "x\n").encode(), Expect("yaml-depth", 2, 2 * (DEPTH - 1) + 1, DEEP)),
    Payload("deep-block-list-lines", _BLOCK_LIST_LINES.encode(), Expect("yaml-depth", DEPTH + 1, 2 * (DEPTH - 1) + 1, DEEP)),
    Payload("deep-block-list-5000", ("a:\n" + "- " * 5000 + "x\n").encode(), Expect("yaml-depth", 2, 2 * (DEPTH - 1) + 1, DEEP)),
    # references and types
    Payload(
        "alias-bomb",
        b'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        Expect("yaml-alias", 1, 4, "锚点"),
    ),
    Payload("merge-key", b"base: &b {schema: 1}\nother:\n  <<: *b\n", Expect("yaml-alias", 1, 7, "锚点")),
    Payload("python-tag", b"schema: 1\nname: !!python/object/apply:os.system ['echo hacked']\n", Expect("yaml-syntax", 2, 7, "类型标记")),
    Payload("custom-tag", b"schema: 1\nname: !include /etc/passwd\n", Expect("yaml-syntax", 2, 7, "类型标记")),
    Payload("complex-key", b"? [a, b]\n: c\n", Expect("yaml-syntax", 1, 3, "字段名必须是简单的文字")),
    Payload("huge-number", ("schema: 1\nmembers: {total: 1" + "0" * 5000 + "}\n").encode(), Expect("yaml-syntax", 2, 18, "无法识别")),
    # encodings
    Payload("invalid-utf8", b"schema: 1\nname: \xff\xfe\xfa\xfb\n", Expect("file-encoding", 2, 7, "不是 UTF-8"), raw=True),
    Payload("utf8-surrogate", b"schema: 1\nname: \xed\xa0\x80\n", Expect("file-encoding", 2, 7, "不是 UTF-8"), raw=True),
    Payload("utf16-le-bom", "schema: 1\nname: 王\n".encode("utf-16"), Expect("file-encoding", 1, 1, "UTF-16"), raw=True),
    Payload(
        "utf16-be-bom",
        codecs.BOM_UTF16_BE + "schema: 1\nname: 王\n".encode("utf-16-be"),
        Expect("file-encoding", 1, 1, "UTF-16"),
        raw=True,
    ),
    Payload("gbk", "schema: 1\nname: 中共测试镇委员会\n".encode("gbk"), Expect("file-encoding", 2, 7, "GBK"), raw=True),
    Payload("nul-bytes", b"schema: 1\nname: a\x00b\n", Expect("file-encoding", 2, 8, "不是文本文件"), raw=True),
    Payload("control-char", "schema: 1\nname: 王\x01某\n".encode(), Expect("file-encoding", 2, 8, "控制字符"), raw=True),
    # sizes
    Payload("enormous-key-line", b"a" * 400_000 + b": 1\n", Expect("yaml-syntax", 1, 1, "字段名太长")),
    Payload("over-the-size-limit", b"a: " + b"x" * (600 * 1024) + b"\n", Expect("file-too-large", 1, 1, "文件过大"), raw=True),
    # shapes
    Payload("a-list", b"- schema: 1\n- name: x\n", Expect("schema-type", 1, 1, FIELDS), md=Expect("schema-type", 1, 1, FIELDS)),
    Payload("a-scalar", b"hello\n", Expect("schema-type", 1, 1, FIELDS), md=Expect("schema-type", 1, 1, FIELDS)),
    Payload("empty", b"", Expect("schema-type", 1, 1, "文件是空的"), md=Expect("file-front-matter", 1, 1, "字段区"), raw=True),
    Payload(
        "only-a-bom", b"\xef\xbb\xbf", Expect("schema-type", 1, 1, "文件是空的"), md=Expect("file-front-matter", 1, 1, "字段区"), raw=True
    ),
    Payload(
        "two-documents",
        b"schema: 1\n---\nschema: 1\n",
        Expect("yaml-syntax", 2, 1, "多了一行 ---"),
        md=Expect("file-front-matter", 1, 1, "字段区"),
        raw=True,
    ),
    # keys, indentation, comments
    Payload("duplicate-keys", b"schema: 1\nname: a\nname: b\n", Expect("yaml-duplicate-key", 3, 1, "重复")),
    Payload("tab-indent", b"schema: 1\nsecretary:\n\tname: a\n", Expect("yaml-tab", 3, 1, "Tab")),
    Payload("hash-topic", "schema: 1\nslogan: #乡村振兴# 我们在行动\n".encode(), Expect("yaml-hash-comment", 2, 9, "注释")),
    Payload(
        "indent-first-child",
        "schema: 1\nsecretary:\n   name: 王某某\n  title: 书记\n".encode(),
        Expect("yaml-syntax", 3, 1, "缩进多了"),
    ),
    # not text at all
    Payload("png-named-text", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), Expect("file-encoding", 1, 1, "PNG"), raw=True),
    Payload("pdf-named-text", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(200), Expect("file-encoding", 1, 1, "PDF"), raw=True),
    Payload("random-bytes", bytes((i * 97 + 13) % 256 for i in range(600)), Expect("file-encoding", 1, 3, "不是文本文件"), raw=True),
    # not a file
    Payload("a-directory", None, Expect("file-unreadable", 1, 1, "文件夹"), raw=True),
    Payload(
        "link-outside",
        b"",
        Expect("file-outside", 1, 1, "链接"),
        town=Expect("file-symlink", 1, 1, "链接"),
        raw=True,
        link="/etc/passwd",
    ),
)


def by_name(name: str) -> Payload:
    return next(p for p in PAYLOADS if p.name == name)


# ---------------------------------------------------------------- workbooks for `party365 import`


def _zip(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


_CT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="\xe5\x85\xac\xe5\xbc\x80\xe4\xba\x8b\xe9\xa1\xb9" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _xlsx(sheet: bytes) -> bytes:
    """A minimal workbook (one sheet named 公开事项) around the sheet XML given."""
    return _zip(
        {
            "[Content_Types].xml": _CT,
            "_rels/.rels": _RELS,
            "xl/workbook.xml": _WB,
            "xl/_rels/workbook.xml.rels": _WB_RELS,
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


_SHEET = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(2, 10))
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


@dataclass(frozen=True)
class Workbook:
    name: str
    data: bytes | None  # None: a directory
    words: str  # what the one Chinese error line must say
    suffix: str = ".xlsx"


WORKBOOKS: tuple[Workbook, ...] = (
    Workbook("empty-file", b"", "不是 .xlsx 表格文件"),
    Workbook("not-a-zip", b"PK\x03\x04" + bytes(300), "打不开"),
    Workbook("truncated-zip", _xlsx(_SHEET + b"<sheetData/></worksheet>")[:-200], "打不开"),
    Workbook("zip-without-workbook", _zip({"hello.txt": b"hi"}), "打不开"),
    Workbook("xml-entity-bomb", _xlsx(_LAUGHS), "打不开"),
    Workbook(
        "deep-xml", _xlsx(_SHEET + b"<sheetData>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</sheetData></worksheet>"), "没有可导入的行"
    ),
    Workbook("malformed-xml", _xlsx(_SHEET + b"<sheetData><row><c>"), "打不开"),
    Workbook(
        "huge-merged-range",
        _xlsx(_SHEET + b'<sheetData/><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'),
        "合并单元格太大",
    ),
    Workbook(
        "huge-dimension",
        _xlsx(
            _SHEET + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr">'
            b"<is><t>x</t></is></c></row></sheetData></worksheet>"
        ),
        "找不到标题行",
    ),
    Workbook("old-xls-renamed", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "旧的 .xls"),
    Workbook("csv", "日期,标题\n2026-11-01,党费\n".encode(), ".csv", suffix=".csv"),
    Workbook("a-directory", None, "文件夹"),
)
