"""Schema rule: types, enums, required fields (also by sector), unknown keys with the near name.

Pydantic does the checking; this module translates its errors into Chinese diagnostics at the
line and column of the offending key or value.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from ..chars import show
from ..diagnostics import Diagnostic, Severity
from ..loader import Document, Pos, YMap, position
from ..project import Dataset, Item
from ..schema import (
    EMAIL_PATTERN,
    FILE_MODELS,
    MAINTAINER_PATTERN,
    NONEMPTY_PATTERN,
    PHONE_PATTERN,
    REQUIRED_BY_SECTOR,
    SLUG_PATTERN,
    TIANDITU_KEY_PATTERN,
    json_schema,
)
from ..valid import ValidItem, ValidOrg, ValidTown

RULES = {
    "schema-required": "缺少必填字段",
    "schema-unknown-key": "不认识的字段（会提示最接近的正确字段名）",
    "schema-enum": "取值不在可选范围内",
    "schema-type": "类型不对（文字、数字、日期、列表……）",
    "schema-value": "数值或格式超出允许范围",
    "schema-sector-required": "按所属领域必须填写的字段",
}


@cache
def _schema(kind: str) -> dict[str, Any]:
    return json_schema(kind)


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            node = options[0] if options else node
            if "anyOf" in node or "$ref" in node:
                continue
            return node
        else:
            return node


def _walk(kind: str, loc: tuple[Any, ...]) -> tuple[dict[str, Any] | None, str]:
    """The JSON Schema node that describes the value at `loc` in a file of `kind`, and its title
    as the field itself gives it (a nested model's own title is its class name, not for clerks)."""
    root = _schema(kind)
    node = _resolve(root, root)
    title = ""
    for part in loc:
        if isinstance(part, int) and "items" in node:
            raw = node["items"]
        elif isinstance(part, str) and part in node.get("properties", {}):
            raw = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            raw = node["additionalProperties"]
        else:
            return None, ""
        node = _resolve(root, raw)
        title = raw.get("title") or (node.get("title") if "$ref" not in raw and "anyOf" not in raw else "") or ""
    return node, title


def _schema_at(kind: str, loc: tuple[Any, ...]) -> dict[str, Any] | None:
    return _walk(kind, loc)[0]


def _label(kind: str, loc: tuple[Any, ...]) -> str:
    """`brand.batch（批次）` for a message."""
    dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in loc).replace(".[", "[")
    title = _walk(kind, loc)[1]
    return f"{dotted}（{title}）" if title and not title.isascii() else dotted


def _choices(values: list[Any]) -> str:
    return "、".join(str(v) for v in values)


_TYPE_WORDS = {
    "string": ("文字", '给值加上英文引号，例如 phone: "0519-88881234"'),
    "int": ("整数", "只写阿拉伯数字，不加引号、不带小数点，例如 total: 36"),
    "float": ("数字", "只写数字、不带单位、不加引号，例如 area: 320"),
    "bool": ("true 或 false", "只能写 true（是）或 false（否），不加引号；yes、no、on、off、1、0 都不算"),
    "date": ("日期", "写成 2026-10-08 这样的格式，月和日都用两位数，不带时间"),
    "list": ("列表", "每一项单独一行，以“- ”开头"),
    "dict": ("若干子字段", "在下一行缩进两个空格，写“子字段: 值”"),
    "model": ("若干子字段", "在下一行缩进两个空格，写“子字段: 值”"),
}

# Pydantic error types that mean "the value is of the wrong kind", by the kind expected. Only
# these: `string_pattern_mismatch` or `string_too_short` are about the content, not the type.
_TYPE_ERRORS = {
    "string_type": "string",
    "string_not_ascii": "string",
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "float_type": "float",
    "float_parsing": "float",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "list_type": "list",
    "tuple_type": "list",
    "dict_type": "dict",
    "model_type": "model",
    "model_attributes_type": "model",
}


# A date written the Excel or Chinese way (2026/11/1, 2026.11.01, 2026年11月1日): the fix shows it rewritten.
_LOOSE_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")


_ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _type_word(error_type: str) -> tuple[str, str] | None:
    kind = _TYPE_ERRORS.get(error_type)
    return _TYPE_WORDS[kind] if kind else None


# What each pattern of the schema means, in the words of a clerk: (what it must be, a fix).
_PATTERN_WORDS = {
    SLUG_PATTERN: ("组织代号", "只用小写拼音、数字和连字符，以字母开头，例如 taoyuan-cun；不能有大写字母、下划线、空格或汉字"),
    NONEMPTY_PATTERN: ("不能为空", "填上内容；选填的字段不需要时整行删掉"),
    MAINTAINER_PATTERN: (
        "代码仓库用户名",
        "每一项写一个 GitHub/GitLab/Gitee 用户名：只用英文字母、数字、连字符、下划线和点，"
        "不能有空格、汉字、顿号、逗号或斜杠；几个人就写几项，例如 maintainers: [lixiaohong, wangdeshun]",
    ),
    PHONE_PATTERN: (
        "电话号码",
        "只写半角数字，可以用空格、连字符“-”和括号分组，国家代码前加“+”，分机写在“转”后面，例如 0519-8888 1234 或 "
        "0519-88881234 转 8012；不要写字母、全角数字、说明文字或两个号码（第二个号码写在 address 或正文里）",
    ),
    EMAIL_PATTERN: ("电子邮箱地址", "只写一个邮箱地址，用半角英文字母、数字，例如 dangjian@example.gov.cn；不要加说明文字或空格"),
    r"^https?://\S+/$": ("网址", "写完整网址并以 / 结尾，例如 https://www.example.gov.cn/"),
    r"^#[0-9A-Fa-f]{6}$": ("颜色", '写 6 位十六进制颜色，例如 "#C8102E"（要加引号）'),
    "^[0-9]{4}$": ("四位年份", "年份写四位数字，例如 2027"),
    TIANDITU_KEY_PATTERN: (
        "天地图密钥（32 位，只有数字和 a–f 字母）",
        "从天地图开发者中心“应用管理”里复制“浏览器端”密钥，整串粘贴，不要多空格或少字符；暂时没有就把 map 整段删掉",
    ),
}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "空值"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, float) and not math.isfinite(value):
        return "超出范围的数字"
    return show(str(value))


def _misspelt(kind: str, doc: Document, loc: tuple[Any, ...]) -> str | None:
    """The key written next to a missing field that is most likely that field misspelt."""
    parent = doc.data
    for part in loc[:-1]:
        in_map = isinstance(parent, YMap) and part in parent
        in_list = isinstance(parent, list) and isinstance(part, int) and 0 <= part < len(parent)
        if not (in_map or in_list):
            return None
        parent = parent[part]
    if not isinstance(parent, YMap):
        return None
    known = set((_schema_at(kind, loc[:-1]) or {}).get("properties", {}))
    unknown = [k for k in parent if k not in known]
    near = difflib.get_close_matches(str(loc[-1]), unknown, n=1, cutoff=0.6) or [k for k in unknown if k.lower() == str(loc[-1])]
    return near[0] if near else None


def _translate(kind: str, doc: Document, error: dict[str, Any]) -> Diagnostic | None:
    loc: tuple[Any, ...] = tuple(error["loc"])
    etype: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    label = _label(kind, loc)
    key = str(loc[-1]) if loc else ""
    pos = position(doc.data, loc)
    rule, message, found, fix = "schema-type", f"{label} 的值不对", _show(value), ""

    if etype == "missing":
        rule = "schema-required"
        pos = position(doc.data, loc[:-1], key=True) if len(loc) > 1 else getattr(doc.data, "pos", Pos(1, 1))
        message, found = f"缺少必填字段 {label}", ""
        fix = f"加上一行“{key}: …”"
        if _misspelt(kind, doc, loc) is not None:
            return None  # the field is there, spelt wrong: schema-unknown-key names it at its line
    elif etype == "extra_forbidden":
        rule = "schema-unknown-key"
        pos = position(doc.data, loc, key=True)
        parent = _schema_at(kind, loc[:-1]) or {}
        names = list(parent.get("properties", {}))
        message, found = f"不认识的字段“{key}”", key
        near = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
        if near:
            title = parent["properties"][near[0]].get("title", "")
            fix = f"是不是要写“{near[0]}”（{title}）？" if title else f"是不是要写“{near[0]}”？"
        else:
            fix = f"这一层可用的字段：{_choices(names)}"
    elif etype in ("literal_error", "enum"):
        rule = "schema-enum"
        node = _schema_at(kind, loc) or {}
        options = node.get("enum") or ([node["const"]] if "const" in node else [])
        message = f"{label} 的值不在可选范围内"
        near = difflib.get_close_matches(str(value), [str(o) for o in options], n=1, cutoff=0.3)
        fix = f"只能填：{_choices(options)}" + (f"（是不是“{near[0]}”？）" if near and near[0] != str(value) else "")
    elif (words := _type_word(etype)) is not None:
        expected, fix = words
        if expected == "日期" and (written := _LOOSE_DATE.fullmatch(str(value).strip())):
            fix = f"写成 {written[1]}-{int(written[2]):02d}-{int(written[3]):02d}（年-月-日，月和日都用两位数，不带时间）"
        message = f"{label} 应为{' ' if expected[0].isascii() else ''}{expected}"
        kind_found = {str: "文字", bool: "true/false", int: "数字", float: "数字"}.get(type(value))
        if kind_found and expected not in ("日期",) and kind_found != expected:
            found = f"{_show(value)}（{kind_found}）"
    elif etype in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        rule = "schema-value"
        bounds = {"greater_than_equal": "不能小于", "greater_than": "必须大于", "less_than_equal": "不能大于", "less_than": "必须小于"}
        limit = next(iter(ctx.values()), "")
        message = f"{label} {bounds[etype]} {limit}"
        fix = "检查数字是否写对"
    elif etype in ("string_too_short", "too_short"):
        rule = "schema-value"
        need = ctx.get("min_length", 1)
        if etype == "too_short":
            message = f"{label} 至少要有 {need} 项" if need > 1 else f"{label} 不能是空列表，至少写一项"
            fix = "每一项单独一行，以“- ”开头"
        else:
            message = f"{label} 不能为空" if need <= 1 else f"{label} 太短，至少要 {need} 个字"
            fix = "写清楚内容" if need > 1 else "填上内容"
    elif etype == "string_pattern_mismatch":
        rule = "schema-value"
        what, fix = _PATTERN_WORDS.get(ctx.get("pattern", ""), ("", f"应符合格式 {ctx.get('pattern', '')}"))
        if ctx.get("pattern") == NONEMPTY_PATTERN:
            message, found = f"{label} 不能为空", ""
        else:
            message = f"{label} 的格式不对，应为{what}" if what else f"{label} 的格式不对"
    elif etype == "date_not_exist":
        rule = "schema-value"
        message = f"{label} 的日期不存在"
        fix = "检查月和日是否写对（例如 2 月没有 30 日、4 月没有 31 日）"
    else:
        rule = "schema-value"
        # Our own validators explain in Chinese; pydantic's words for the rest are English.
        said = str(error.get("msg", "")).removeprefix("Value error, ")
        message = f"{label}：{said}" if said and not _ENGLISH.search(said) else f"{label} 的值不对"
        fix = "对照编辑指南里这个字段的说明修改"
    return Diagnostic(doc.path, pos.line, pos.col, Severity.ERROR, rule, message, found, fix)


def validate_document(kind: str, doc: Document) -> tuple[Any, list[Diagnostic]]:
    """Validate one loaded document against its model. Returns (model or None, diagnostics)."""
    if not doc.ok:
        return None, []
    if not isinstance(doc.data, YMap):
        return None, [
            Diagnostic(
                doc.path,
                1,
                1,
                Severity.ERROR,
                "schema-type",
                "文件内容应为若干“字段: 值”" if doc.data is not None else "文件是空的",
                _show(doc.data) if doc.data is not None else "",
                "参照模板填写（party365 new 可以生成模板）",
            )
        ]
    try:
        return FILE_MODELS[kind].model_validate(doc.data), []
    except ValidationError as exc:
        found = [_translate(kind, doc, dict(e)) for e in exc.errors(include_url=False)]
        return None, [d for d in found if d is not None]


def _has(data: Any, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or node.get(part) in (None, "", []):
            return False
        node = node[part]
    return True


def _sector_required(doc: Document, model: Any) -> Iterator[Diagnostic]:
    sector = model.sector
    for dotted in REQUIRED_BY_SECTOR.get(sector, ()):
        if not _has(doc.data, dotted):
            loc = tuple(dotted.split("."))
            pos = position(doc.data, loc[:-1], key=True)
            yield Diagnostic(
                doc.path,
                pos.line,
                pos.col,
                Severity.ERROR,
                "schema-sector-required",
                f"{sector}党组织必须填写 {_label('org', loc)}",
                "",
                f"在 {loc[0]}: 下加上“{loc[-1]}: …”",
            )
    if sector == "企业" and not (_has(doc.data, "space.liuyou") or _has(doc.data, "space.shared_with")):
        pos = position(doc.data, ("space",), key=True)
        yield Diagnostic(
            doc.path,
            pos.line,
            pos.col,
            Severity.ERROR,
            "schema-sector-required",
            "企业党组织要么填写自己活动室的“六有”（space.liuyou），要么填写联建共享的场所（space.shared_with）",
            "",
            "有自己的党员活动室就写 liuyou，和所在村（社区）共用场所就写 shared_with: 对方代号",
        )


def build_models(ds: Dataset) -> list[Diagnostic]:
    """The pipeline's model step, before any rule: validate every document against the contract
    and store the typed, valid-only town on the dataset (`ds.valid`). Returns the schema
    diagnostics. Rules then only read the models; none of them builds one."""
    found: list[Diagnostic] = []

    def valid(kind: str, doc: Document) -> Any:
        model, problems = validate_document(kind, doc)
        found.extend(problems)
        return model

    town = {kind: valid(kind, doc) for kind, doc in ds.town_docs.items()}
    collections = {cid: model for cid, doc in sorted(ds.collection_docs.items()) if (model := valid("collection", doc)) is not None}
    orgs: dict[str, ValidOrg] = {}
    for slug, entry in sorted(ds.orgs.items()):
        org = valid("org", entry.doc)
        disclosures = tuple(_valid_items(entry.disclosures, valid))
        notices = tuple(_valid_items(entry.notices, valid))
        if org is not None:
            orgs[slug] = ValidOrg(slug, entry.dir, entry.doc, org, disclosures, notices)
    ds.valid = ValidTown(
        today=ds.today,
        orgs=MappingProxyType(orgs),
        town=town.get("town"),
        plan=town.get("plan"),
        assessments=town.get("assessments"),
        routes=town.get("routes"),
        holidays=town.get("holidays"),
        renames=town.get("renames"),
        collections=MappingProxyType(collections),
    )
    return found


def _valid_items(items: list[Item], valid: Callable[[str, Document], Any]) -> Iterator[ValidItem[Any]]:
    for item in items:
        model = valid(item.kind, item.doc)  # validated even without a dated name, to report every problem
        if model is not None and item.date is not None:
            yield ValidItem(item.kind, item.doc, item.file, item.date, item.name, model)  # type: ignore[arg-type]


def check(ds: Dataset) -> Iterator[Diagnostic]:
    """Fields that each sector must fill in (the models are built by `build_models`)."""
    for org in ds.valid.orgs.values():
        yield from _sector_required(org.doc, org.model)
