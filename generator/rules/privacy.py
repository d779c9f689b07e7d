"""Privacy rule: no ID numbers or full mobile numbers in published text.

An 18-digit run counts as a 身份证号 when its birth-date part is a real date, whatever its
check digit (a mistyped ID is still personal data). Full-width digits count the same.
A full mobile number is allowed only in a declared public contact or objection channel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic, Severity
from ..project import Dataset
from .text import Text, iter_all_texts

RULES = {
    "privacy-id-number": "正文或字段里出现 18 位身份证号（含全角数字、校验位错误的号码）",
    "privacy-id15": "出现 15 位旧身份证号",
    "privacy-mobile": "公开联系方式以外出现完整手机号",
}

_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_ID18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_ID15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_CONTACT_KEYS = {"contact", "objection"}


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def id18_check_ok(number: str) -> bool:
    """MOD 11-2 check digit of an 18-digit ID number."""
    total = sum(int(c) * w for c, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def _diag(text: Text, start: int, end: int, rule: str, message: str, fix: str) -> Diagnostic:
    pos = text.where(start, end)
    raw = text.value[start:end]
    masked = raw[:3] + "*" * (len(raw) - 7) + raw[-4:]
    return Diagnostic(text.doc.path, pos.line, pos.col, Severity.ERROR, rule, message, masked, fix)


def scan(text: Text) -> Iterator[Diagnostic]:
    value = text.value.translate(_FULLWIDTH)
    for m in _ID18.finditer(value):
        digits = m.group()
        if not _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])):
            continue
        kind = "身份证号" if id18_check_ok(digits) else "身份证号（校验位不符，可能是输错的号码）"
        yield _diag(
            text,
            m.start(),
            m.end(),
            "privacy-id-number",
            f"不能公开{kind}",
            "删掉号码，或只保留前 3 位和后 4 位，中间用 * 代替（如 320***********1234）",
        )
    for m in _ID15.finditer(value):
        digits = m.group()
        if _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
            yield _diag(
                text, m.start(), m.end(), "privacy-id15", "不能公开 15 位身份证号", "删掉号码，或只保留前 3 位和后 4 位，中间用 * 代替"
            )
    if len(text.loc) >= 2 and text.loc[-2] in _CONTACT_KEYS:
        return
    for m in _MOBILE.finditer(value):
        yield _diag(
            text,
            m.start(),
            m.end(),
            "privacy-mobile",
            "这里不能写完整手机号",
            "写成 138****1234 这样的打码形式；需要公开的联系电话请写在 contact.phone 或公示的 objection.phone 里",
        )


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for text in iter_all_texts(ds):
        yield from scan(text)
