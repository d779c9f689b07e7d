"""Compliance findings against the plan's standards. Always warnings, never errors: they feed
the progress dashboard and remind the clerk; they never block a pull request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..dates import STALE_DAYS, quarter_label
from ..diagnostics import Diagnostic, Severity
from ..loader import position
from ..project import Dataset
from ..standards import areas, brand_gaps, facility_gaps, facility_list, shiqiang_status
from ..valid import ValidOrg

RULES = {
    "compliance-space": "活动场所面积低于标准（村 120、社区 300、大厅 60 平方米）",
    "compliance-liuyou": "机关、企业活动室“六有”不全",
    "compliance-liutongyi": "村（社区）“六统一”不全",
    "compliance-shiqiang-missing": "“十上墙”栏目没有任何公开内容",
    "compliance-shiqiang-stale": "“十上墙”栏目本季度没有更新",
    "compliance-brand-incomplete": "品牌档案不完整（理念、做法、成效、照片）",
    "compliance-stale": "超过 90 天未核实",
}


def _warn(entry: ValidOrg, loc: tuple[str, ...], *, rule: str, message: str, found: str, fix: str) -> Diagnostic:
    pos = position(entry.doc.data, loc)
    return Diagnostic.at(entry.doc.path, pos, severity=Severity.WARNING, rule=rule, message=message, found=found, fix=fix)


def _space(entry: ValidOrg) -> Iterator[Diagnostic]:
    org = entry.model
    for area in areas(org):
        if area.actual is not None and not area.met:
            yield _warn(
                entry,
                ("space", area.field),
                rule="compliance-space",
                message=f"{area.label}面积低于 {area.minimum:g} 平方米的标准",
                found=f"{area.actual:g} 平方米",
                fix="面积数据如有误请更正；确实不足的，请在 space.note 里写明整改计划",
            )
    which = facility_list(org)
    gaps = facility_gaps(org)
    if which is not None and gaps and getattr(org.space, which):  # an empty list is not yet filled in
        name = "“六统一”" if which == "liutongyi" else "党员活动室“六有”"
        yield _warn(
            entry,
            ("space", which),
            rule=f"compliance-{which}",
            message=f"{name}还没有全部做到",
            found="缺 " + "、".join(gaps),
            fix=f"做到后把该项加进 space.{which} 列表",
        )


def _shiqiang(entry: ValidOrg, today: dt.date) -> Iterator[Diagnostic]:
    status = shiqiang_status(entry, today)
    if status.missing:
        yield _warn(
            entry,
            ("sector",),
            rule="compliance-shiqiang-missing",
            message=f"“十上墙”有 {len(status.missing)} 个栏目还没有公开内容",
            found="、".join(status.missing),
            fix="在 disclosures/ 里为每个栏目新建一条公开事项（category 写栏目名）",
        )
    if status.stale:
        yield _warn(
            entry,
            ("sector",),
            rule="compliance-shiqiang-stale",
            message=f"“十上墙”有 {len(status.stale)} 个栏目在{quarter_label(today)}还没有更新",
            found="、".join(status.stale),
            fix="本季度内为这些栏目各发一条新的公开事项",
        )


def _brand(entry: ValidOrg) -> Iterator[Diagnostic]:
    brand = entry.model.brand
    if brand is None:
        return
    gaps = brand_gaps(brand)
    if gaps:
        yield _warn(
            entry,
            ("brand",),
            rule="compliance-brand-incomplete",
            message="品牌档案还不完整",
            found="缺 " + "、".join(gaps),
            fix="在 brand: 下补上 idea、practices、results 和 photos",
        )


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for entry in ds.valid.orgs.values():
        yield from _space(entry)
        yield from _shiqiang(entry, ds.today)
        yield from _brand(entry)
        age = (ds.today - entry.model.updated).days
        if age > STALE_DAYS:
            yield _warn(
                entry,
                ("updated",),
                rule="compliance-stale",
                message=f"信息已经 {age} 天没有核实（超过 {STALE_DAYS} 天）",
                found=str(entry.model.updated),
                fix="核对 org.yml 的内容，无误后把 updated 改为今天的日期",
            )
