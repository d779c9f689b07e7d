"""Privacy rule: no ID numbers, bank card numbers or full mobile numbers in published text.

An 18-digit run counts as a 身份证号 when its birth-date part is a real date, whatever its
check digit (a mistyped ID is still personal data). A 16-19-digit run counts as a bank card
number when its check digit is right (Luhn) and it begins like a card (see `bank_card`). A
full mobile number is allowed only in the fields declared for a public phone
(`PUBLIC_PHONE_FIELDS`: an organization's contact.phone, a notice's objection.phone), never in
another field of the same block (contact.hours, objection.contact) nor in a body.

The numbers are looked for in the text as a reader will see it: HTML entities decoded
(`&#51;` is 3), digits of any script read as digits (full-width ３), and what does not separate
digits for a reader removed between them: spaces of every width, hyphens and dashes,
zero-width and other invisible characters, Markdown emphasis and code marks, HTML tags. So
`3204111990**0101**1237`, `320 411 1990 0101 1237` and `138\u200b1234\u200b5678` are found
where they stand. Then the rendered page text is read the same way, for what only the Markdown
renderer puts together (a link's text next to a number). File and folder names, which become
URLs and anchors, are read too.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import unicodedata
from collections.abc import Iterator

from .. import cache
from ..diagnostics import Diagnostic
from ..markup import cache_inputs as markup_cache_inputs
from ..markup import render_markdown, to_html
from ..project import Dataset
from .text import NAME, TOWN, Text, iter_all_texts, iter_names

RULES = {
    "privacy-id-number": "正文、字段或文件名里出现 18 位身份证号（含全角数字、被空格/横线/加粗/实体编码隔开的号码、校验位错误的号码）",
    "privacy-id15": "出现 15 位旧身份证号（同样按读者看到的文字检查）",
    "privacy-mobile": "公开电话（contact.phone、公示的 objection.phone）以外出现完整手机号（含被空格、横线、零宽字符隔开的号码）",
    "privacy-bank-card": "出现银行卡号（16-19 位、校验位正确；同样按读者看到的文字检查）",
}

_ID18 = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
_ID15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86)?1[3-9]\d{9}(?![\dX])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
PUBLIC_PHONE_FIELDS = frozenset({("contact", "phone"), ("objection", "phone")})
"""The only fields where a full mobile number may stand: fields whose whole value is a public phone
(org.yml's contact.phone, a notice's objection.phone). Other fields of the same blocks (contact.hours,
objection.contact, ...) are free text like any other."""
_SCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ENOUGH_DIGITS = re.compile(r"\d")
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});?")
_TAG = re.compile(r"<[^<>]{0,200}>")
_DASHES = "-‐‑‒–—―−－﹣﹘⁃"
_MARKUP = "*_~`\\"
MAX_VISIBLE_GLUE = 4
"""How many visible separators may stand between two digits that a reader still reads as one number."""


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


def _units(value: str) -> list[tuple[str, int, int]]:
    """The text as (character a reader sees, source start, source end): entities decoded,
    digits of every script as ASCII digits, a full-width or small x as X."""
    units: list[tuple[str, int, int]] = []
    i = 0
    for m in _ENTITY.finditer(value):
        units.extend((c, k, k + 1) for k, c in enumerate(value[i : m.start()], i))
        decoded = html.unescape(m.group())
        if decoded == m.group():
            units.extend((c, k, k + 1) for k, c in enumerate(m.group(), m.start()))
        else:
            units.extend((c, m.start(), m.end()) for c in decoded)
        i = m.end()
    units.extend((c, k, k + 1) for k, c in enumerate(value[i:], i))
    out = []
    for c, start, end in units:
        digit = unicodedata.decimal(c, None)
        if digit is not None:
            c = str(digit)
        elif c in "xXｘＸ":
            c = "X"
        out.append((c, start, end))
    return out


def _invisible(c: str) -> bool:
    return unicodedata.category(c) in {"Cf", "Mn", "Me"} or c in "\u115f\u1160\u3164\uffa0"


def _glue(units: list[tuple[str, int, int]], i: int) -> int:
    """If what starts at `i` only separates two digits for the eye, the index of the next digit; else -1."""
    visible = newlines = 0
    j = i
    while j < len(units):
        c = units[j][0]
        if c.isdigit():
            return j if j > i else -1
        if c == "<":  # a tag renders as nothing
            rest = "".join(u[0] for u in units[j : j + 202])
            m = _TAG.match(rest)
            if m is None:
                return -1
            j += len(m.group())
            continue
        if c == "\n":
            newlines += 1
        elif not _invisible(c):
            if not (c.isspace() or c in _DASHES or c in _MARKUP or unicodedata.category(c) == "Zs"):
                return -1
            visible += 1
        if newlines > 1 or visible > MAX_VISIBLE_GLUE:
            return -1
        j += 1
    return -1


def reader_view(value: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with separators between digits removed, and where each character came from."""
    view, spans, _ = _grouped_view(value)
    return view, spans


def _grouped_view(value: str) -> tuple[str, list[tuple[int, int]], frozenset[int]]:
    """`reader_view`, and where the reader sees a gap inside a run of digits: the indices of the
    view's characters that follow a visible separator (a space, a dash, a line break). Invisible
    characters, entities, emphasis marks and tags are no gap: they only hide a number."""
    units = _units(value)
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    breaks: set[int] = set()
    i = 0
    while i < len(units):
        c, start, end = units[i]
        chars.append(c)
        spans.append((start, end))
        i += 1
        if c.isdigit() and i < len(units) and not units[i][0].isdigit():
            nxt = _glue(units, i)
            if nxt > 0:
                if _visible_gap("".join(u[0] for u in units[i:nxt])):
                    breaks.add(len(chars))
                i = nxt
    return "".join(chars), spans, frozenset(breaks)


def _visible_gap(glue: str) -> bool:
    rest = _TAG.sub("", glue)
    return any(c.isspace() or c in _DASHES or unicodedata.category(c) == "Zs" for c in rest if not _invisible(c))


def luhn_ok(number: str) -> bool:
    """The Luhn (mod 10) check digit of a card number."""
    total = 0
    for k, c in enumerate(reversed(number)):
        d = int(c) * (2 if k % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _credit_code_ok(code: str) -> bool:
    """The check character of an 18-character 统一社会信用代码 (GB 32100-2015)."""
    try:
        values = [_SCC_CHARS.index(c) for c in code]
    except ValueError:
        return False
    total = sum(v * w for v, w in zip(values[:17], _SCC_WEIGHTS, strict=True))
    return values[17] == (31 - total % 31) % 31


def _card_issuer(number: str) -> bool:
    """Whether a number begins as a payment card's issuer number does: 3 (JCB, American Express),
    4 (Visa), 5 (Mastercard), 6 (China UnionPay 62, Discover), 9 (older domestic cards such as
    9558), or Mastercard's 2221-2720. Runs that begin with 0 or 1 (phone numbers, area codes),
    19xx/20xx (dates and dated serial numbers), 7 or 8 are not cards."""
    return number[0] in "34569" or 2221 <= int(number[:4]) <= 2720


def _phone_group(group: str) -> bool:
    return len(group) in (7, 8) or (len(group) == 11 and group[0] == "1")


_RUN = re.compile(r"\d+")
MIN_CARD_GROUP = 3
"""Inside a longer run of digits, a card is looked for among the groups the reader sees (split by a space or a
dash) of at least this many digits: "第 3 户 6222 0212 3456 7890 128" holds one, "1 2 3 4 …" does not."""


def _card_spans(view: str, breaks: frozenset[int]) -> Iterator[tuple[int, int]]:
    """Where the reader's view holds a bank card number: a run of 16-19 digits, or, in a longer run,
    consecutive groups as the reader sees them that make 16-19 digits (a card next to another number)."""
    for m in _RUN.finditer(view):
        if len(m.group()) < 16:
            continue
        cuts = [m.start(), *sorted(b for b in breaks if m.start() < b < m.end()), m.end()]
        if 16 <= len(m.group()) <= 19:
            groups = tuple(view[a:b] for a, b in itertools.pairwise(cuts))
            if bank_card(m.group(), groups):
                yield m.span()
            continue
        taken = m.start()
        for i, a in enumerate(cuts[:-1]):
            if a < taken:
                continue
            for j in range(i + 1, len(cuts)):
                b = cuts[j]
                if b - a > 19:
                    break
                groups = tuple(view[x:y] for x, y in itertools.pairwise(cuts[i : j + 1]))
                if b - a >= 16 and all(len(g) >= MIN_CARD_GROUP for g in groups) and bank_card(view[a:b], groups):
                    yield a, b
                    taken = b
                    break


def bank_card(number: str, groups: tuple[str, ...] = ()) -> bool:
    """Whether a run of 16-19 digits is a bank card number: the Luhn check digit is right, it begins
    as a card does, it is not a valid 18-digit 统一社会信用代码, and the reader does not see it as
    phone numbers side by side (groups of 7-8 digits or a mobile, `groups` as the reader sees them)."""
    if not (16 <= len(number) <= 19 and number.isdigit() and luhn_ok(number) and _card_issuer(number)):
        return False
    if len(number) == 18 and _credit_code_ok(number):
        return False
    return not (len(groups) > 1 and all(_phone_group(g) for g in groups))


def _mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def _findings(view: str, *, mobiles: bool, breaks: frozenset[int] = frozenset()) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, rule, message, fix) in the reader's view."""
    ids: set[tuple[int, int]] = set()
    for m in _ID18.finditer(view):
        digits = m.group()
        if not _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])):
            continue
        kind = "身份证号" if id18_check_ok(digits) else "身份证号（校验位不符，可能是输错的号码）"
        ids.add(m.span())
        yield (
            m.start(),
            m.end(),
            "privacy-id-number",
            f"不能公开{kind}",
            "删掉号码，或只保留前 3 位和后 4 位，中间用 * 代替（如 320***********1234）",
        )
    for m in _ID15.finditer(view):
        digits = m.group()
        if _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
            yield m.start(), m.end(), "privacy-id15", "不能公开 15 位身份证号", "删掉号码，或只保留前 3 位和后 4 位，中间用 * 代替"
    for start, end in _card_spans(view, breaks):
        if (start, end) in ids:
            continue  # an ID number: reported as one
        yield (
            start,
            end,
            "privacy-bank-card",
            "不能公开银行卡号",
            "删掉卡号；确需写明时只保留后 4 位（如 尾号 1234）。发放、报销的明细请留在党内台账里",
        )
    if mobiles:
        for m in _MOBILE.finditer(view):
            yield (
                m.start(),
                m.end(),
                "privacy-mobile",
                "这里不能写完整手机号",
                "写成 138****1234 这样的打码形式；需要公开的联系电话请写在 contact.phone 或公示的 objection.phone 里",
            )


def _rendered(value: str, kind: str) -> str:
    """The page text of a Markdown text, as HTML (tags and entities are read by `reader_view`)."""
    if kind == TOWN:
        try:
            return to_html(value, town=True).html
        except Exception:  # a town page beyond the bounds: content-nesting reports it
            return ""
    return render_markdown(value)


# (start, end in the text, rule, message, number as the reader sees it, fix)
Hit = tuple[int, int, str, str, str, str]


def cache_inputs() -> str:
    """What besides a text changes its hits: this code, the Markdown renderer's, Unicode's tables."""
    return f"unicode={unicodedata.unidata_version}" + markup_cache_inputs() + cache.source_of("rules/privacy")


def _valid_hits(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(h, list) and len(h) == 6 for h in value)


def scan(text: Text) -> Iterator[Diagnostic]:
    value = text.value
    if len(_ENOUGH_DIGITS.findall(value)) < 11:
        return
    mobiles = tuple(text.loc) not in PUBLIC_PHONE_FIELDS
    store = cache.store("privacy", cache_inputs)
    if store is None:
        hits = _hits(value, text.kind, mobiles=mobiles)
    else:  # a pure function of the text, its kind and `mobiles`: remembered between builds
        key = cache.digest(value, text.kind, str(mobiles))
        found = store.get(key, _valid_hits)
        hits = [tuple(h) for h in found] if found is not None else _hits(value, text.kind, mobiles=mobiles)
        if found is None:
            store.put(key, [list(h) for h in hits])
    for start, end, rule, message, number, fix in hits:
        yield _diag(text, start, end, rule=rule, message=message, number=number, fix=fix)


def _hits(value: str, kind: str, *, mobiles: bool) -> list[Hit]:
    hits: list[Hit] = []
    view, spans, breaks = _grouped_view(value)
    seen: set[str] = set()
    for start, end, rule, message, fix in _findings(view, mobiles=mobiles, breaks=breaks):
        number = view[start:end]
        seen.add(number.removeprefix("+").removeprefix("86") if rule == "privacy-mobile" else number)
        hits.append((spans[start][0], spans[end - 1][1], rule, message, number, fix))
    if kind == NAME or not any(c in value for c in "[<&\\"):
        return hits
    view, _, breaks = _grouped_view(_rendered(value, kind))
    for start, end, rule, message, fix in _findings(view, mobiles=mobiles, breaks=breaks):
        number = view[start:end]
        if (number.removeprefix("+").removeprefix("86") if rule == "privacy-mobile" else number) in seen:
            continue
        at = next((k for k in (value.find(number[:6]), value.find(number[:3])) if k >= 0), 0)
        hits.append((at, at + 1, rule, message, number, fix))
    return hits


def _diag(text: Text, start: int, end: int, *, rule: str, message: str, number: str, fix: str) -> Diagnostic:
    if text.kind == NAME:
        message = message.replace("不能公开", "文件名或文件夹名会成为网址，不能有").replace("这里不能写", "文件名或文件夹名里不能有")
        fix = "给文件（文件夹）改名，去掉号码；名称只用拼音、英文或日期"
    pos = text.where(start, end)
    return Diagnostic.at(text.doc.path, pos, rule=rule, message=message, found=_mask(number), fix=fix)


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for text in iter_all_texts(ds):
        yield from scan(text)
    for name in iter_names(ds):
        yield from scan(name)
