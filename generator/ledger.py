"""Ledger workbooks (台账, .xlsx): import disclosures and notices, the blank template, and the
dashboard's per-organization table as a workbook.

Import is all or nothing: every row becomes a file in memory, the files are checked by the
validator in a temporary copy of the town (town data and the organization's own folder), and
only a workbook without a single error is written. Errors name the sheet and the cell
(`台账.xlsx 第二季度!C7: …`). The same row always maps to the same file: an existing item with
the same date and title is that row's file, so a second run writes nothing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .loader import load_markdown
from .progress import compute
from .project import ITEM_NAME_RE, ORGS_DIR, TOWN_DIR, display_path
from .schema import SLUG_RE, Audience, DisclosureCategory, NoticeKind
from .site.exports import csv_cell
from .validate import validate

DISCLOSURE_SHEET = "公开事项"
NOTICE_SHEET = "公示"
HELP_SHEET = "说明"
TEMPLATE_NAME = "台账模板.xlsx"

# ASCII codes for file names: the category (or notice kind) decides the name, the date comes first.
CATEGORY_CODE: dict[str, str] = {
    "党组织简介和任期工作目标": "jianjie-mubiao",
    "两委联系工作网络": "liangwei-wangluo",
    "两农组织情况": "liangnong-zuzhi",
    "党员两地报到": "liangdi-baodao",
    "两民工作": "liangmin-gongzuo",
    "两亮形象": "liangliang-xingxiang",
    "两务公开": "liangwu-gongkai",
    "党员家规家训": "jiagui-jiaxun",
    "志愿服务活动": "zhiyuan-fuwu",
    "两学一做学习教育": "liangxue-yizuo",
    "党内通报": "dangnei-tongbao",
    "重大决策征求意见": "zhengqiu-yijian",
    "重大事项报告": "zhongda-shixiang",
    "党费": "dangfei",
    "三会一课": "sanhui-yike",
    "其他": "qita",
}
KIND_CODE: dict[str, str] = {
    "发展党员": "fazhan-dangyuan",
    "推荐优秀党员": "youxiu-dangyuan",
    "困难党员": "kunnan-dangyuan",
    "民主评议": "minzhu-pingyi",
    "其他": "gongshi",
}
CATEGORIES: tuple[str, ...] = DisclosureCategory.__args__  # type: ignore[attr-defined]
KINDS: tuple[str, ...] = NoticeKind.__args__  # type: ignore[attr-defined]
AUDIENCES: tuple[str, ...] = Audience.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Column:
    heading: str
    key: str  # front matter key ("objection.phone" for nested ones), "body" or "date"
    required: bool
    help: str
    width: int = 14
    choices: tuple[str, ...] = ()
    is_date: bool = False


DISCLOSURE_COLUMNS: tuple[Column, ...] = (
    Column("日期", "date", True, "发布日期，写成 2026-11-01、2026/11/1、2026年11月1日，或用表格的日期格式", 12, is_date=True),
    Column("标题", "title", True, "例如 2026年第三季度党费收缴情况", 30),
    Column("栏目", "category", True, "十上墙栏目或党内通报、重大决策征求意见等，下拉选择", 20, CATEGORIES),
    Column("公开范围", "audience", False, "向社会公开（不填时就是它）或 党内；党内事项只印在公开栏上，不上网站", 12, AUDIENCES),
    Column("正文", "body", True, "公开的内容；单元格里换行就是分段", 60),
    Column("赞成", "vote.for", False, "重大事项报告的票决结果：赞成人数（不是票决事项就不填）", 8),
    Column("反对", "vote.against", False, "反对人数", 8),
    Column("弃权", "vote.abstain", False, "弃权人数", 8),
)
NOTICE_COLUMNS: tuple[Column, ...] = (
    Column("标题", "title", True, "例如 关于张某某同志拟发展为预备党员的公示", 30),
    Column("公示类型", "kind", True, "发展党员、推荐优秀党员、困难党员、民主评议 或 其他；可以下拉选择", 14, KINDS),
    Column("开始日期", "start", True, "公示开始的一天，写法同“日期”", 12, is_date=True),
    Column("结束日期", "end", True, "公示结束的一天（含当天）；开始到结束至少 5 个工作日", 12, is_date=True),
    Column("公开范围", "audience", False, "向社会公开（不填时就是它）或 党内；困难党员公示一律党内", 12, AUDIENCES),
    Column("异议电话", "objection.phone", False, "反映意见的电话；异议电话、地址、邮箱至少填一项", 16),
    Column("异议地址", "objection.address", False, "地址或意见箱", 20),
    Column("异议邮箱", "objection.email", False, "电子邮箱", 16),
    Column("联系人", "objection.contact", False, "例如 王同志（组织委员）", 14),
    Column("正文", "body", True, "公示的内容；单元格里换行就是分段", 60),
)
COLUMNS = {"disclosure": DISCLOSURE_COLUMNS, "notice": NOTICE_COLUMNS}
SHEET_FOR = {"disclosure": DISCLOSURE_SHEET, "notice": NOTICE_SHEET}
FOLDER = {"disclosure": "disclosures", "notice": "notices"}
# Headings only a notice sheet has: they decide what a sheet holds, whatever its name.
_NOTICE_ONLY = {c.heading for c in NOTICE_COLUMNS} - {c.heading for c in DISCLOSURE_COLUMNS}

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DATE_TEXT = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FIX = "写成 2026-11-01、2026/11/1 或 2026年11月1日，或把单元格设为日期格式"
_WPS = "用 WPS 表格或 Excel 打开它，选“文件 → 另存为”，文件类型选 Excel 工作簿（*.xlsx），再导入 .xlsx 文件"


class LedgerFileError(Exception):
    """The file is not a workbook we can read (an .et, an old .xls, not a spreadsheet at all)."""


@dataclass(frozen=True)
class CellError:
    """One problem in one cell of the workbook (or, from the validator, in the file a row became)."""

    sheet: str
    cell: str
    message: str
    found: str = ""
    fix: str = ""
    rule: str = ""
    severity: Severity = Severity.ERROR

    def text(self, book: str) -> str:
        rule = f"[{self.rule}] " if self.rule else ""
        line = f"{book} {self.sheet}!{self.cell}: {self.severity.label} {rule}{self.message}"
        if self.found:
            found = self.found.replace("\n", "⏎")
            line += f"（发现：{found if len(found) <= 60 else found[:59] + '…'}）"
        if self.fix:
            line += f" 修改：{self.fix}"
        return line


@dataclass
class Planned:
    """A row turned into a file: where it goes, its text, and which cell each line came from."""

    kind: str
    sheet: str
    row: int
    key: tuple[str, str, str]  # kind, date, title: what identifies the same item on a second run
    code: str
    date: dt.date
    text: str
    cells: dict[int, tuple[str, str]]  # line number -> cell (e.g. "C7") and its column heading
    body_cell: str
    first_cell: str
    path: Path | None = None  # decided once the folder's existing files are known
    status: str = "new"  # "new" | "same" | "update" | "differs"


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # in the workbook's order, for sorting errors


# ---------------------------------------------------------------- reading cells


def _letter(col: int) -> str:
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _heading(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))) if value is not None else ""


def _show(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _text(value: Any) -> str:
    """A cell as text: line breaks as \\n, full-width digits as ASCII, spaces around trimmed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return text.translate(_FULLWIDTH_DIGITS).strip()


def _date(value: Any) -> dt.date | str:
    """A date cell: a date, an Excel serial number, or text; the Chinese reason when it is none."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "不是日期"
    if isinstance(value, int | float):
        if not float(value).is_integer() or not 36526 <= value <= 73050:  # 2000-01-01 .. 2099-12-31
            return "这个数字不是 2000 到 2099 年之间的日期"
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.fullmatch(text)
    if not match:
        return "日期写法不对"
    year, month, day = int(match[1]), int(match[2] or match[4]), int(match[3] or match[5])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return "这一天不存在"


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer() and value >= 0:
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("人").removesuffix("票")
    return int(text) if text.isdigit() else None


# ---------------------------------------------------------------- writing files


_PLAIN_UNSAFE = re.compile(r"[:#\"'\[\]{},&*!|>%@`\\\n\t]|^\s|\s$")


def _scalar(value: str) -> str:
    """A YAML scalar the loader reads back as this exact text: plain when it starts with a Han
    character and holds nothing YAML gives a meaning to, else double-quoted (JSON is YAML)."""
    if value and ord(value[0]) >= 0x2E80 and not _PLAIN_UNSAFE.search(value):
        return value
    return json.dumps(value, ensure_ascii=False)


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+\.)\s")


def _body(text: str) -> str:
    """A cell's lines as Markdown: each line a paragraph, consecutive list items kept together."""
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if out and not (_LIST_ITEM.match(line) and _LIST_ITEM.match(out[-1])):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- the workbook


MAX_UNPACKED = 20 * 1024 * 1024
"""Largest workbook accepted, unpacked (a year's ledger is a few hundred kilobytes): a small file
that unpacks to gigabytes of cells is refused before openpyxl reads it."""
MAX_MERGED_CELLS = 1_000_000  # cells of the rows and columns read that merged ranges may fill


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})[\"']")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _area(ref: tuple[bytes, bytes, bytes, bytes]) -> int:
    """How many cells a merged range (`A1:C4` as its four parts) covers."""
    c1, r1, c2, r2 = ref
    return (abs(int(r2) - int(r1)) + 1) * (abs(_column_number(c2) - _column_number(c1)) + 1)


def _open(path: Path) -> Any:
    import openpyxl

    if path.is_dir():
        raise LedgerFileError(f"{path.name} 是一个文件夹，不是表格文件：写出文件夹里那个 .xlsx 文件的名字")
    suffix = path.suffix.lower()
    if suffix in (".et", ".ett"):
        raise LedgerFileError(f"{path.name} 是 WPS 表格的 .et 格式，不能直接导入。{_WPS}")
    if suffix in (".xls", ".ods", ".csv"):
        raise LedgerFileError(f"{path.name} 是 {suffix} 格式，只能导入 .xlsx。{_WPS}")
    try:
        head = path.read_bytes()[:8]
    except OSError as exc:
        raise LedgerFileError(f"无法读取 {path}：{exc.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an old .xls or a WPS .et saved under another name
        raise LedgerFileError(f"{path.name} 实际是旧的 .xls 或 WPS .et 格式（只是文件名叫 {suffix}）。{_WPS}")
    if not head.startswith(b"PK"):
        raise LedgerFileError(f"{path.name} 不是 .xlsx 表格文件。{_WPS}")
    damaged = f"{path.name} 打不开：文件可能损坏或设了密码。{_WPS}"
    try:
        with zipfile.ZipFile(path) as z:  # the sizes it declares bound what reading unpacks
            unpacked = sum(info.file_size for info in z.infolist())
            if unpacked > MAX_UNPACKED:
                raise LedgerFileError(
                    f"{path.name} 解压后有 {unpacked // 1024 // 1024} MB，超过 {MAX_UNPACKED // 1024 // 1024} MB：台账太大或文件有问题。"
                    "把不同年份、不同组织的台账分成几个文件导入"
                )
            merged = sum(
                _area(ref) for name in z.namelist() if name.startswith("xl/worksheets/") for ref in _MERGE_REF.findall(z.read(name))
            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):  # damaged, or a method zipfile lacks
        raise LedgerFileError(damaged) from None
    if merged > MAX_MERGED_CELLS:  # openpyxl makes an object for every merged cell
        raise LedgerFileError(
            f"{path.name} 的合并单元格太大（共 {merged} 格，例如整列或整张表合并）：取消合并（开始 → 合并后居中 → 取消），"
            "需要相同内容的格子分别填写，再导入"
        )
    try:
        with path.open("rb") as file:  # closed also when openpyxl gives up half-way
            return openpyxl.load_workbook(file, data_only=True)
    except Exception:  # a damaged or encrypted file; openpyxl raises many kinds (their names are English)
        raise LedgerFileError(damaged) from None


def _grid(ws: Any) -> tuple[dict[tuple[int, int], Any], dict[tuple[int, int], Any]]:
    """The sheet's own values, and the same with every merged range filled from its top-left cell,
    in the rows and columns that hold values (the only ones read). The cells the file holds are
    read as they are: walking the sheet's rectangle would create every cell of a sheet whose one
    cell sits at XFD1048576, and a range merged over the whole sheet has 17 billion."""
    own = {key: cell.value for key, cell in ws._cells.items() if not _blank(cell.value)}  # openpyxl's sparse store
    filled = dict(own)
    rows, cols = sorted({r for r, _ in own}), sorted({c for _, c in own})
    budget = MAX_MERGED_CELLS
    for merged in ws.merged_cells.ranges:
        top = own.get((merged.min_row, merged.min_col))
        if top is None:
            continue
        in_rows = rows[bisect.bisect_left(rows, merged.min_row) : bisect.bisect_right(rows, merged.max_row)]
        in_cols = cols[bisect.bisect_left(cols, merged.min_col) : bisect.bisect_right(cols, merged.max_col)]
        budget -= len(in_rows) * len(in_cols)
        if budget < 0:
            raise LedgerFileError(f"工作表“{ws.title}”的合并单元格太多：取消合并（开始 → 合并后居中 → 取消），每行写全再导入")
        for r in in_rows:
            for c in in_cols:
                filled[(r, c)] = top
    return own, filled


def _sheet_kind(name: str, headings: Iterable[str]) -> str:
    if set(headings) & _NOTICE_ONLY or NOTICE_SHEET in name:
        return "notice"
    return "disclosure"


def _expected(kind: str) -> str:
    cols = COLUMNS[kind]
    return "、".join(c.heading for c in cols)


def _read_sheet(ws: Any, result: ImportResult) -> list[tuple[str, int, dict[str, tuple[str, Any]]]]:
    """Rows of one sheet as (kind, row number, heading -> (cell, value)); heading problems recorded."""
    name = ws.title
    own, filled = _grid(ws)
    if not own:
        return []
    rows = sorted({r for r, _ in own})
    header_row = next((r for r in rows[:5] if any(_heading(v) == "标题" for (rr, _), v in own.items() if rr == r)), None)
    if header_row is None:
        first = rows[0]
        found = "、".join(_heading(own[(first, c)]) for c in sorted(c for r, c in own if r == first))
        kind = _sheet_kind(name, [])
        result.errors.append(
            CellError(
                name,
                f"A{first}",
                "找不到标题行（第一行应是列标题，其中要有“标题”）",
                found,
                f"在表格第一行写列标题：{_expected(kind)}（可以从编辑指南下载 {TEMPLATE_NAME}）",
            )
        )
        return []
    headers = {c: _heading(v) for (r, c), v in own.items() if r == header_row}
    kind = _sheet_kind(name, headers.values())
    known = {c.heading: c for c in COLUMNS[kind]}
    columns: dict[int, Column] = {}
    ok = True
    for col, heading in sorted(headers.items()):
        cell = f"{_letter(col)}{header_row}"
        if heading not in known:
            near = difflib.get_close_matches(heading, list(known), n=1, cutoff=0.3)
            hint = f"是不是“{near[0]}”？" if near else ""
            result.errors.append(
                CellError(name, cell, f"不认识的列标题{'（公示表）' if kind == 'notice' else '（公开事项表）'}", heading,
                          f"{hint}列标题只能是：{_expected(kind)}")
            )  # fmt: skip
            ok = False
        elif known[heading] in columns.values():
            result.errors.append(CellError(name, cell, "列标题重复", heading, "每个列标题只写一次，删掉多余的一列"))
            ok = False
        else:
            columns[col] = known[heading]
    missing = [c.heading for c in COLUMNS[kind] if c.required and c not in columns.values()]
    if missing:
        result.errors.append(
            CellError(name, f"A{header_row}", f"缺少必填的列：{'、'.join(missing)}", "、".join(headers.values()),
                      f"列标题应为：{_expected(kind)}")
        )  # fmt: skip
        ok = False
    if not ok:
        return []
    out = []
    for r in rows:
        if r <= header_row:
            continue
        if all(_blank(own.get((r, c))) for c in columns):
            continue  # an empty row (a merged cell reaching into it does not make it a row)
        values = {col.heading: (f"{_letter(c)}{r}", filled.get((r, c))) for c, col in columns.items()}
        out.append((kind, r, values))
    return out


def _plan_row(sheet: str, kind: str, row: int, values: dict[str, tuple[str, Any]], result: ImportResult) -> Planned | None:
    """One row → the text of its file, or None with errors recorded."""
    errors: list[CellError] = []
    fields: list[tuple[str, str, tuple[str, str]]] = []  # key, YAML value, (cell, heading)
    dates: dict[str, dt.date] = {}
    body, body_cell = "", ""
    for col in COLUMNS[kind]:
        if col.heading not in values:
            continue
        cell, raw = values[col.heading]
        if _blank(raw):
            if col.required:
                errors.append(CellError(sheet, cell, f"“{col.heading}”没有填", "", col.help))
            continue
        if col.is_date:
            day = _date(raw)
            if isinstance(day, str):
                errors.append(CellError(sheet, cell, f"“{col.heading}”{day}", _show(raw), _DATE_FIX))
                continue
            dates[col.key] = day
            if col.key != "date":
                fields.append((col.key, day.isoformat(), (cell, col.heading)))
        elif col.key.startswith("vote."):
            number = _count(raw)
            if number is None:
                errors.append(CellError(sheet, cell, f"“{col.heading}”应是人数", _show(raw), "只写数字，例如 23"))
                continue
            fields.append((col.key, str(number), (cell, col.heading)))
        elif col.key == "body":
            body, body_cell = _body(_text(raw)), cell
        else:
            text = _text(raw)
            if "\n" in text and col.key != "objection.address":
                errors.append(CellError(sheet, cell, f"“{col.heading}”只能写一行", text, "去掉单元格里的换行"))
                continue
            fields.append((col.key, _scalar(text.replace("\n", " ")), (cell, col.heading)))
    if errors:
        result.errors.extend(errors)
        return None
    first_cell = values[COLUMNS[kind][0].heading][0] if COLUMNS[kind][0].heading in values else f"A{row}"
    if kind == "disclosure":
        day = dates["date"]
        category = _text(values["栏目"][1])
        code = CATEGORY_CODE.get(category, "qita")
    else:
        day = dates["start"]
        code = KIND_CODE.get(_text(values["公示类型"][1]), "gongshi")
    order = ["title", "category", "kind", "start", "end", "audience"]
    lines = ["---", "schema: 1"]
    cells: dict[int, tuple[str, str]] = {}
    top = [f for f in fields if "." not in f[0]]
    for key, value, where in sorted(top, key=lambda f: order.index(f[0])):
        lines.append(f"{key}: {value}")
        cells[len(lines)] = where
    for group in ("vote", "objection"):
        nested = [f for f in fields if f[0].startswith(group + ".")]
        if nested:
            lines.append(f"{group}:")
            cells[len(lines)] = nested[0][2]
            for key, value, where in nested:
                lines.append(f"  {key.split('.', 1)[1]}: {value}")
                cells[len(lines)] = where
    lines.append("---")
    lines.append("")
    text = "\n".join(lines) + "\n" + body
    plain_title = _text(values["标题"][1])
    return Planned(kind, sheet, row, (kind, day.isoformat(), plain_title), code, day, text, cells, body_cell, first_cell)


def read_workbook(path: Path) -> ImportResult:
    """Every row of the workbook as a planned file, and every problem of its cells."""
    wb = _open(path)
    result = ImportResult()
    seen: dict[tuple[str, str, str], str] = {}
    result.sheets = [ws.title for ws in wb.worksheets]
    for ws in wb.worksheets:
        if ws.title.strip() == HELP_SHEET:
            continue
        for kind, row, values in _read_sheet(ws, result):
            planned = _plan_row(ws.title, kind, row, values, result)
            if planned is None:
                continue
            where = f"{ws.title}!{values['标题'][0]}"
            if planned.key in seen:
                what = "日期" if kind == "disclosure" else "开始日期"
                result.errors.append(
                    CellError(ws.title, values["标题"][0], f"与 {seen[planned.key]} 是同一条（{what}和标题都相同）", planned.key[2],
                              "删掉重复的一行，或改一改标题")
                )  # fmt: skip
                continue
            seen[planned.key] = where
            result.planned.append(planned)
    if not result.planned and not result.errors:
        result.errors.append(
            CellError(wb.worksheets[0].title, "A2", "表格里没有可导入的行", "",
                      f"在“{DISCLOSURE_SHEET}”或“{NOTICE_SHEET}”表的标题行下面每行写一条")
        )  # fmt: skip
    return result


# ---------------------------------------------------------------- the organization's folder


def _existing(folder: Path, kind: str) -> dict[tuple[str, str, str], Path]:
    """Items already in the folder, by the key a row would have: kind, date (start), title."""
    found: dict[tuple[str, str, str], Path] = {}
    sub = folder / FOLDER[kind]
    if not sub.is_dir():
        return found
    for file in sorted(sub.glob("*.md")):
        if file.is_symlink() or not file.is_file():
            continue
        doc = load_markdown(file, file.name)
        data = doc.data if isinstance(doc.data, dict) else {}
        match = ITEM_NAME_RE.match(file.name)
        when = data.get("start") if kind == "notice" else data.get("date")
        if when is None and match:
            when = "-".join(match.groups()[:3])
        title = data.get("title")
        if isinstance(title, str) and when is not None:
            found.setdefault((kind, str(when), title.strip().translate(_FULLWIDTH_DIGITS)), file)
    return found


def _assign(folder: Path, planned: list[Planned], update: bool) -> None:
    """Decide every row's file: its existing item, or a new name that no file in the folder has."""
    existing = {**_existing(folder, "disclosure"), **_existing(folder, "notice")}
    taken = {f.name for kind in FOLDER.values() if (folder / kind).is_dir() for f in (folder / kind).iterdir()}
    for item in planned:
        if item.key in existing:
            item.path = existing[item.key]
            current = item.path.read_text(encoding="utf-8", errors="replace")
            item.status = "same" if current == item.text else ("update" if update else "differs")
            continue
        base = f"{item.date.isoformat()}-{item.code}"
        name, n = f"{base}.md", 1
        while name in taken:
            n += 1
            name = f"{base}-{n}.md"
        taken.add(name)
        item.path = folder / FOLDER[item.kind] / name


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _check(root: Path, slug: str, planned: list[Planned], today: dt.date) -> list[CellError]:
    """Validate the planned files in a temporary copy of the town data and the organization."""
    written = [p for p in planned if p.status in ("new", "update")]
    if not written:
        return []
    with tempfile.TemporaryDirectory(prefix="party365-import-") as tmp:
        copy = Path(tmp)
        if (root / TOWN_DIR).is_dir():
            shutil.copytree(root / TOWN_DIR, copy / TOWN_DIR, symlinks=True, copy_function=_link_or_copy)
        org = root / ORGS_DIR / slug
        shutil.copytree(org, copy / ORGS_DIR / slug, symlinks=True, copy_function=_link_or_copy, ignore=shutil.ignore_patterns("photos"))
        by_path: dict[str, Planned] = {}
        for item in written:
            assert item.path is not None
            target = copy / item.path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()  # a hard link to the real file: never write through it
            target.write_text(item.text, encoding="utf-8")
            by_path[display_path(copy, target)] = item
        found = validate(copy, today).diagnostics
    out: list[CellError] = []
    for d in found:
        source = by_path.get(d.path)
        if source is None:
            continue
        body = d.line > max(source.cells) + 1
        cell, heading = source.cells.get(d.line, (source.body_cell, "正文") if body else (source.first_cell, ""))
        message = f"“{heading}”：{d.message}" if heading else d.message
        out.append(CellError(source.sheet, cell, message, d.found, d.fix, d.rule, d.severity))
    return out


def import_workbook(root: Path, slug: str, workbook: Path, today: dt.date, *, update: bool = False, write: bool = True) -> ImportResult:
    """Read, check and (when everything is valid) write the files of a ledger workbook."""
    result = read_workbook(workbook)
    folder = root / ORGS_DIR / slug
    _assign(folder, result.planned, update)
    for problem in _check(root, slug, result.planned, today):
        (result.errors if problem.severity is Severity.ERROR else result.warnings).append(problem)
    order = {name: i for i, name in enumerate(result.sheets)}
    result.errors.sort(key=lambda e: (order.get(e.sheet, 0), _cell_order(e.cell)))
    result.warnings.sort(key=lambda e: (order.get(e.sheet, 0), _cell_order(e.cell)))
    if result.errors or not write:
        return result
    for item in result.planned:
        if item.status not in ("new", "update") or item.path is None:
            continue
        item.path.parent.mkdir(parents=True, exist_ok=True)
        part = item.path.with_name(f".{item.path.name}.part")
        part.write_text(item.text, encoding="utf-8")
        os.replace(part, item.path)
        result.written.append(item.path)
    return result


def _cell_order(cell: str) -> tuple[int, str]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    return (int(match[2]), match[1].rjust(3)) if match else (0, cell)


def known_org(root: Path, slug: str) -> bool:
    return bool(SLUG_RE.match(slug)) and (root / ORGS_DIR / slug / "org.yml").is_file()


# ---------------------------------------------------------------- workbooks we write


_FIXED_TIME = dt.datetime(2026, 1, 1)


def _deterministic(data: bytes) -> bytes:
    """The same workbook always gives the same bytes: zip entries and properties without the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving into `modified`
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def _save(wb: Any) -> bytes:
    wb.properties.creator = "party365"
    wb.properties.lastModifiedBy = "party365"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return _deterministic(buffer.getvalue())


HELP_LINES: tuple[str, ...] = (
    "党务公开台账模板：填好后运行 party365 import 台账.xlsx --org 组织代号，每行生成一条公开事项或公示",
    "",
    "1. “公开事项”表每行一条公开事项，“公示”表每行一条公示。第一行是列标题，不要改动；可以按季度另建工作表（例如“第二季度”），列标题照抄。",
    "2. 日期写成 2026-11-01、2026/11/1 或 2026年11月1日，或使用表格的日期格式；全角数字也可以。",
    "3. 同一栏目的几行可以合并“栏目”单元格；空行会跳过。",
    "4. 公开范围不填就是“向社会公开”；党内事项只印在党务公开栏上，不上网站；困难党员公示一律党内。",
    "5. 正文里不要写身份证号和完整手机号；完整手机号只能写在“异议电话”里。",
    "6. 有任何一个单元格不对，什么文件都不会生成，并逐个指出“工作表!单元格”和改法；改好后再运行一次即可。",
    "7. 再次导入同一张表不会重复生成：日期（公示为开始日期）和标题都相同的一行，就是上次生成的那个文件。",
    "8. 使用 WPS 表格：请“另存为”Excel 工作簿（*.xlsx），不要保存成 .et 格式。",
    "",
    "公开事项表的列：",
    *(f"{c.heading}{'（必填）' if c.required else ''}：{c.help}" for c in DISCLOSURE_COLUMNS),
    "",
    "公示表的列：",
    *(f"{c.heading}{'（必填）' if c.required else ''}：{c.help}" for c in NOTICE_COLUMNS),
)


def template_bytes() -> bytes:
    """The blank ledger workbook: a sheet for 公开事项, one for 公示, and 说明; the same bytes every time."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for kind in ("disclosure", "notice"):
        ws = wb.create_sheet(SHEET_FOR[kind])
        for i, col in enumerate(COLUMNS[kind], start=1):
            cell = ws.cell(row=1, column=i, value=col.heading)
            cell.font = Font(bold=True, color="FFFFFF" if col.required else "000000")
            cell.fill = PatternFill("solid", fgColor="C8102E" if col.required else "F2D7DB")
            letter = _letter(i)
            ws.column_dimensions[letter].width = col.width
            area = f"{letter}2:{letter}1000"
            if col.choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True)
                dv.error, dv.errorTitle = f"请从下拉列表中选择{col.heading}", col.heading
                dv.prompt, dv.promptTitle = col.help[:250], col.heading
                dv.add(area)
                ws.add_data_validation(dv)
            if col.is_date:
                for r in range(2, 201):
                    ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
            if col.key == "body":
                for r in range(2, 201):
                    ws.cell(row=r, column=i).alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 120
    for r, line in enumerate(HELP_LINES, start=1):
        help_ws.cell(row=r, column=1, value=line or None)
    help_ws["A1"].font = Font(bold=True)
    return _save(wb)


TABLE_HEADINGS: tuple[str, ...] = (
    "党组织", "代号", "板块", "领域", "场所", "场所面积", "规范化", "缺项",
    "十上墙已更新", "十上墙应更新", "党建品牌", "核实日期", "未核实天数",
)  # fmt: skip


def table_rows(root: Path, today: dt.date) -> tuple[list[tuple[Any, ...]], str]:
    """The dashboard's per-organization rows (工作进度 · 各党组织情况) and its quarter label."""
    result = validate(root, today)
    progress = compute(result.dataset)
    rows = []
    for r in progress.rows:
        space = "—" if r.space_ok is None else ("达标" if r.space_ok else "未达标")
        standard = "达标" if r.standard_ok else "未达标"
        rows.append(
            (r.name, r.slug, r.bankuai, r.sector, space, r.space_note, standard, "、".join(r.standard_gaps),
             r.shiqiang_current, r.shiqiang_required, r.brand, r.updated.isoformat(), r.stale_days)
        )  # fmt: skip
    return rows, progress.quarter


def table_bytes(rows: list[tuple[Any, ...]], quarter: str) -> bytes:
    """The per-organization table as a workbook. Every text cell goes through the CSV formula
    guard, so nothing a clerk typed (a name starting with = + - @) becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "各党组织情况"
    ws.append([csv_cell(h) for h in TABLE_HEADINGS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([csv_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
    ws.freeze_panes = "A2"
    for i, width in enumerate((18, 18, 22, 12, 8, 20, 8, 24, 12, 12, 24, 12, 10), start=1):
        ws.column_dimensions[_letter(i)].width = width
    note = wb.create_sheet(HELP_SHEET)
    note["A1"] = f"“十上墙已更新”为{quarter}已更新的栏目数；资料有错误的组织不在表中（运行 party365 validate 查看）。"
    return _save(wb)
