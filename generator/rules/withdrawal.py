"""Withdrawal rule: `redact: true` comes with a withdrawal that says when and why.

Redacting removes an item's content everywhere and leaves only its tombstone, "已撤回：原因"
(DESIGN: nothing vanishes without a trace). Without `withdrawn: {date, reason}` the tombstone had
no reason and `party365 diff` could not tell the reviewer why content disappeared.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..loader import position
from ..project import Dataset

RULES = {
    "item-redact-reason": "写了 redact: true（删除内容）却没有写 withdrawn（撤回日期和原因）",
}


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for entry in ds.valid.orgs.values():
        for item in entry.items:
            if not item.model.redact or item.model.withdrawn is not None:
                continue
            what = "公示" if item.kind == "notice" else "公开事项"
            yield Diagnostic.at(
                item.doc.path,
                position(item.doc.data, ("redact",)),
                rule="item-redact-reason",
                message=f"这条{what}写了 redact: true（删除内容），但没有写撤回日期和原因，网站上的撤回记录和审核时都看不出为什么删除",
                found="redact: true",
                fix="在字段区加上 withdrawn: {date: 撤回日期, reason: 撤回原因}，"
                "例如 withdrawn: {date: 2026-11-26, reason: 误发了个人信息}；"
                "原因会显示在网站上（“已撤回：原因”），不要在原因里重复被删除的内容",
            )
