"""Text cannot lie (issue 22): what a reader sees is what the text is.

Direction controls, control characters and invisible characters are refused in every field,
body and file name, each at its line and column with its code; phone numbers and e-mail
addresses hold only their own characters; names are compared as a reader sees them (the TR39
confusable skeleton); the prints never fail on a character.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import REPO, Town, disclosure_md, notice_md, org_yml

from generator import chars
from generator.diagnostics import Diagnostic, Severity, format_github, format_text

BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]

# One character of every kind the invisible class holds: zero-width characters and joiners, the
# byte order mark inside a text, soft hyphen, grapheme joiner, invisible operators, deprecated
# format characters, Mongolian separators, variation selectors (both blocks), tag characters, the
# Hangul fillers, Arabic and Egyptian format controls, interlinear annotation, shorthand and
# musical format controls, reserved default-ignorables, and the characters drawn as nothing.
INVISIBLE = [
    "\u00ad", "\u034f", "\u0600", "\u06dd", "\u070f", "\u0890", "\u08e2", "\u115f", "\u1160", "\u17b4", "\u17b5",
    "\u180b", "\u180e", "\u180f", "\u200b", "\u200c", "\u200d", "\u2060", "\u2062", "\u2064", "\u2065", "\u206a",
    "\u206f", "\u2800", "\u3164", "\ufe00", "\ufe0f", "\ufeff", "\uffa0", "\ufff0", "\ufff9", "\ufffa", "\ufffb",
    "\U000110bd", "\U000110cd", "\U00013430", "\U0001343f", "\U0001bca0", "\U0001bca3", "\U0001d159", "\U0001d173",
    "\U0001d17a", "\U000e0000", "\U000e0001", "\U000e0041", "\U000e007f", "\U000e0100", "\U000e01ef", "\U000e0fff",
]  # fmt: skip

# Controls that reach a text only as a YAML escape or a character reference (the loader refuses
# them written as themselves): C0, DEL, C1, the line and paragraph separators, noncharacters.
CONTROL = [
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\r",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
    "\ufdd0",
    "\U0010ffff",
]

# Written as themselves, these pass YAML and the loader: the rule must find them.
RAW = [*BIDI, *INVISIBLE, "\U0001fffe", "\U0010fffe"]

RULE = {chars.BIDI: "text-bidi", chars.CONTROL: "text-control", chars.INVISIBLE: "text-invisible"}


def _rule(ch: str) -> str:
    cls = chars.hidden_class(ch)
    assert cls is not None, f"U+{ord(ch):04X}"
    return RULE[cls]


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _at(town: Town, path: str, rule: str) -> list[tuple[int, int]]:
    return [(d.line, d.col) for d in town.diagnostics(rule) if d.path == path]


# ---------------------------------------------------------------- the tables are Unicode's


def _icu_set(pattern: str) -> set[int]:
    icu = pytest.importorskip("icu")
    found: set[int] = set()
    for first, last in icu.UnicodeSet(pattern).ranges():
        found.update(range(ord(first), ord(last) + 1))
    return found


def _ours(ranges: chars.Ranges) -> set[int]:
    return {code for a, b in ranges for code in range(a, b + 1)}


def test_the_classes_are_the_unicode_properties() -> None:
    """ICU's Unicode data (16.0 in the pinned wheel) says which characters belong: a Unicode
    upgrade that adds a format character or a default-ignorable fails here, not in production."""
    assert _ours(chars.BIDI_RANGES) == _icu_set("[:Bidi_Control:]")
    # Surrogates cannot leave ICU as Python strings: the set of them is compared inside ICU.
    icu = pytest.importorskip("icu")
    assert icu.UnicodeSet("[:Cs:]") == icu.UnicodeSet(r"[\uD800-\uDFFF]")
    surrogates = set(range(0xD800, 0xE000))
    assert _ours(chars.CONTROL_RANGES) - surrogates == _icu_set(r"[[:Cc:][:Zl:][:Zp:][:Noncharacter_Code_Point:]-[\u0009\u000A]]")
    assert surrogates <= _ours(chars.CONTROL_RANGES)
    invisible = _icu_set("[[:Default_Ignorable_Code_Point:][:Cf:][:Variation_Selector:]-[:Bidi_Control:]]")
    assert _ours(chars.INVISIBLE_RANGES) == invisible | {0x2800, 0x1D159}  # and two characters drawn as nothing


def test_chinese_text_uses_none_of_them() -> None:
    text = "中共春江镇桃源村委员会，０５１９—８８６２　３１０７；“两学一做”《党章》①②、ａ…℃ ㈠ 〇 〡 ㄅ 丶 ¥ · —— ~ \t\n"
    assert chars.HIDDEN_RE.search(text) is None


def test_every_character_is_named_with_its_code() -> None:
    assert chars.describe("\u202e") == "U+202E 从右到左覆盖"
    assert chars.describe("\u2800") == "U+2800 盲文空白"
    for ch in [*BIDI, *INVISIBLE, *CONTROL]:
        described = chars.describe(ch)
        assert described.startswith(_code(ch) + " ") and len(described) > len(_code(ch)) + 1


# ---------------------------------------------------------------- in a field, a body, a file name

TITLE_LINE = 10  # org_yml(): "  title: 党委书记"; the value starts at column 10


@pytest.mark.parametrize("ch", RAW, ids=_code)
def test_in_a_field(town: Town, ch: str) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("  title: 党委书记", f"  title: 党委{ch}书记"))
    assert _at(town, "organizations/a-cun/org.yml", _rule(ch)) == [(TITLE_LINE, 12)]
    [d] = town.diagnostics(_rule(ch))
    assert _code(ch) in d.message and "secretary.title" in d.message and d.fix and d.severity is Severity.ERROR
    assert ch not in d.found and f"⟨{_code(ch)}⟩" in d.found  # the line as found, the character made visible


@pytest.mark.parametrize("ch", RAW, ids=_code)
def test_in_a_body(town: Town, ch: str) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=f"第一段。\n\n联系人{ch}王某某。\n"))
    assert _at(town, "organizations/a-cun/disclosures/2026-11-02-x.md", _rule(ch)) == [(8, 4)]
    [d] = town.diagnostics(_rule(ch))
    assert "正文" in d.message and _code(ch) in d.message


@pytest.mark.parametrize("ch", RAW, ids=_code)
def test_in_a_file_name(town: Town, ch: str) -> None:
    town.add_org("a-cun")
    town.write(f"organizations/a-cun/photos/cun{ch}kou.jpg", b"not read")
    [d] = town.diagnostics(_rule(ch))
    assert (d.path, d.line, d.col) == (f"organizations/a-cun/photos/cun{ch}kou.jpg", 1, 4)
    assert "文件名" in d.message and _code(ch) in d.message and "改名" in d.fix


@pytest.mark.parametrize("ch", ["\u202e", "\u200b", "\U000e0041"], ids=_code)
def test_in_a_folder_name(town: Town, ch: str) -> None:
    town.add_org(f"a{ch}-cun")
    [d] = town.diagnostics(_rule(ch))
    assert (d.path, d.line, d.col) == (f"organizations/a{ch}-cun/", 1, 2) and "文件夹名" in d.message


@pytest.mark.parametrize("ch", ["\u202e", "\u2066", "\u200d", "\ufe0f", "\U0001d173"], ids=_code)
def test_in_an_item_file_name(town: Town, ch: str) -> None:
    town.add_org("a-cun")
    town.write(f"organizations/a-cun/disclosures/2026-11-02-x{ch}.md", disclosure_md("两民工作"))
    [d] = town.diagnostics(_rule(ch))
    assert (d.path, d.line, d.col) == (f"organizations/a-cun/disclosures/2026-11-02-x{ch}.md", 1, 13)


def test_a_file_name_that_is_not_utf8(town: Town) -> None:
    town.add_org("a-cun")
    folder = os.fsencode(town.root / "organizations/a-cun/photos")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, b"cun\xffkou.jpg"), "wb") as stream:
        stream.write(b"x")
    [d] = town.diagnostics("text-control")
    assert (d.line, d.col) == (1, 4) and "U+DCFF" in d.message and d.path.startswith("organizations/a-cun/photos/cun")


# ---------------------------------------------------------------- written as escapes and references


@pytest.mark.parametrize("ch", [*BIDI, *INVISIBLE, *CONTROL], ids=_code)
def test_as_a_yaml_escape(town: Town, ch: str) -> None:
    escape = f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
    town.write("organizations/a-cun/org.yml", org_yml().replace("  title: 党委书记", f'  title: "党委{escape}书记"'))
    [d] = town.diagnostics(_rule(ch))
    assert (d.line, d.col) == (TITLE_LINE, 13) and _code(ch) in d.message and escape in d.message and escape in d.fix


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\x01", "U+0001"),
        ("\\e", "U+001B"),
        ("\\N", "U+0085"),
        ("\\L", "U+2028"),
        ("\\P", "U+2029"),
        ("\\0", "U+0000"),
        ("\\r", "U+000D"),
        ("\\v", "U+000B"),
    ],
)
def test_named_and_short_yaml_escapes(town: Town, escape: str, code: str) -> None:
    town.write(
        "organizations/a-cun/org.yml", org_yml().replace("  title: 党委书记", f'  title: "a\\\\b\\"党委{escape}书记\\t\\u4e66\\\\u202e"')
    )
    [d] = town.diagnostics("text-control")
    assert (d.line, d.col) == (TITLE_LINE, 19) and code in d.message


def test_an_escape_in_a_key_and_a_character_in_a_comment(town: Town) -> None:
    text = org_yml().replace("  title: 党委书记", '  "tit\\u200ble": 党委书记').replace("kind: 党委", "kind: 党委  # 备注\u202e")
    town.write("organizations/a-cun/org.yml", text)
    assert _at(town, "organizations/a-cun/org.yml", "text-invisible") == [(TITLE_LINE, 7)]
    assert _at(town, "organizations/a-cun/org.yml", "text-bidi") == [(5, 15)]
    [d] = town.diagnostics("text-invisible")
    assert "字段名" in d.message


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("&#x202E;", "U+202E"),
        ("&#8238;", "U+202E"),
        ("&#X202e", "U+202E"),
        ("&rlm;", "U+200F"),
        ("&lrm;", "U+200E"),
        ("&zwj;", "U+200D"),
        ("&zwnj;", "U+200C"),
        ("&ZeroWidthSpace;", "U+200B"),
        ("&NoBreak;", "U+2060"),
        ("&InvisibleTimes;", "U+2062"),
        ("&shy;", "U+00AD"),
        ("&shyx", "U+00AD"),
        ("&#1;", "U+0001"),
        ("&#x81;", "U+0081"),
        ("&#10240;", "U+2800"),
        ("&#x1D173;", "U+1D173"),
        ("&#xE0041;", "U+E0041"),
    ],
)
def test_as_a_character_reference(town: Town, reference: str, code: str) -> None:
    """Found where it stands among references that are ordinary text (entities, a tab, &#x85; which
    HTML reads as …, a number beyond Unicode, which it reads as U+FFFD)."""
    town.add_org("a-cun")
    ordinary = "A&amp;B、&nbsp;、&lt;、&#x4E2D;、&#20013;、&copy; 2026、a&b、R&D、&#9;、&#x85;、&#x110000;"
    body = f"第一段。\n\n电话{reference}王某\n\n{ordinary}\n"
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=body))
    found = [d for d in town.diagnostics() if d.rule.startswith("text-")]
    assert [(d.line, d.col) for d in found] == [(8, 3)]
    assert code in found[0].message and reference in found[0].message


# ---------------------------------------------------------------- every YAML file, every body


def test_front_matter_of_a_notice(town: Town) -> None:
    town.add_org("a-cun")
    objection = "  phone: 0519-88001234\n  contact: 王\u2067某某\u2069（组织委员）\n"
    town.write("organizations/a-cun/notices/2026-11-23-x.md", notice_md("2026-11-23", "2026-11-30", objection=objection))
    assert _at(town, "organizations/a-cun/notices/2026-11-23-x.md", "text-bidi") == [(9, 13), (9, 16)]
    assert "objection.contact" in town.diagnostics("text-bidi")[0].message


@pytest.mark.parametrize(
    ("rel", "old", "new", "line", "col"),
    [
        ("content/_town/town.yml", "site_name: 测试镇党建", "site_name: 测试镇\u202e党建", 4, 15),
        ("content/_town/plan.yml", "title: 测试计划", "title: 测试\u200b计划", 2, 10),
        ("content/_town/holidays.yml", None, None, None, None),
    ],
)
def test_town_data(town: Town, rel: str, old: str | None, new: str | None, line: int | None, col: int | None) -> None:
    town.add_org("a-cun")
    path = town.root / rel
    if old is None:  # a comment of the holiday calendar
        path.write_text("# 节假日\u2800\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
        line, col, new = 1, 6, "\u2800"
    else:
        assert new is not None
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    ch = next(c for c in new if chars.hidden_class(c))
    assert _at(town, rel, _rule(ch)) == [(line, col)]


def test_town_page_and_collection(town: Town) -> None:
    town.add_org("a-cun")
    town.write("content/guide/extra.md", "# 指南\n\n联系\u200d我们\n")
    town.write(
        "content/_town/collections/yi-qi.yml", "schema: 1\ntitle: 汇编\ndate: 2026-11-01\nintro: 编者按\u2066\ncases:\n  - org: a-cun\n"
    )
    assert _at(town, "content/guide/extra.md", "text-invisible") == [(3, 3)]
    assert _at(town, "content/_town/collections/yi-qi.yml", "text-bidi") == [(4, 11)]


def test_markdown_fields_of_a_brand(town: Town) -> None:
    brand = "brand:\n  name: 品牌\n  model: 美丽和谐型\n  batch: 二期\n  idea: |\n    第一行\n    第二行&rlm;理念\n"
    town.write("organizations/a-cun/org.yml", org_yml(brand=brand))
    line = len(org_yml().splitlines()) + 7
    assert _at(town, "organizations/a-cun/org.yml", "text-bidi") == [(line, 8)]


# ---------------------------------------------------------------- the attack, as reported


def test_the_right_to_left_override_phone(town: Town, cli_run) -> None:
    """0519-<U+202E>8862 3107 shows as 0519-7013 2688 and dials 0519-8862 3107: refused twice, by the
    contract (a phone holds digits) and by the text rule, at the character."""
    town.add_org("a-cun")
    objection = '  phone: "0519-\u202e8862 3107"\n  email: "dangjian\u202e@example.cn"\n'
    town.write("organizations/a-cun/notices/2026-11-23-x.md", notice_md("2026-11-23", "2026-11-30", objection=objection))
    path = "organizations/a-cun/notices/2026-11-23-x.md"
    assert _at(town, path, "text-bidi") == [(8, 16), (9, 19)]
    assert _at(town, path, "schema-value") == [(8, 10), (9, 10)]
    result = cli_run("validate", str(town.root), "--today", "2026-11-26")
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert "\u202e" not in result.out + result.err  # the log itself never reorders
    assert f"{path}:8:16: 错误 [text-bidi] " in result.out and "U+202E 从右到左覆盖" in result.out
    assert "0519-⟨U+202E⟩8862 3107" in result.out


@pytest.mark.parametrize(
    ("old", "new", "line", "col"),
    [
        ("  name: 王某某", "  name: 王\u202e某某", 9, 10),
        ("  title: 党委书记", "  title: \u202e记书委党", 10, 10),
        ("  address: 测试镇样板路 1 号", "  address: 测试镇样板路 \u202e1 号", 13, 19),
    ],
)
def test_secretary_and_contact_fields(town: Town, old: str, new: str, line: int, col: int) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace(old, new))
    assert _at(town, "organizations/a-cun/org.yml", "text-bidi") == [(line, col)]


def test_validation_output_never_carries_the_character() -> None:
    d = Diagnostic(
        "organizations/a\u202ecun/org.yml", 1, 1, Severity.ERROR, "schema-value", "电话\u202e", "0519-\u202e8862\u200b", "改\u2066"
    )
    for line in (format_text(d), format_github(d).split("::", 2)[2]):
        assert chars.HIDDEN_RE.search(line) is None and "⟨U+202E⟩" in line and "⟨U+200B⟩" in line


# ---------------------------------------------------------------- phones and e-mail addresses

PHONES_OK = [
    "0519-8865 0365",
    "0519-88001234",
    "051986366003",
    "(0519)88001234",
    "+86 519 8800 1234",
    "13812345678",
    "12345",
    "0519-88001234 转 8012",
    "0519-88001234转8012",
]
PHONES_BAD = [
    "０５１９-88001234",  # full-width digits
    "0519-88001234（办公室）",
    "电话 0519-88001234",
    "0519-88001234、88001235",
    "O519-88001234",  # a letter O
    "0519‐88001234",  # U+2010 hyphen
    "0519\u00a088001234",  # no-break space
    "0519-8862\u202e3107",
    "0519-8862\u200b3107",
    "0519-",
    "138****1234",
    "+86 519 8800 1234 ext. 12",
]
EMAILS_OK = ["dangjian@example.gov.cn", "a.b+c_d-e@qq.com", "12345678@163.com", "X@sub-domain.example.cn"]
EMAILS_BAD = [
    "党建@example.cn",
    "dangjian@例子.cn",
    "dang jian@x.cn",
    "dangjian@example",
    "dang\u200bjian@x.cn",
    "ｄａｎｇ@x.cn",
    "a@b@c.cn",
    ".a@x.cn",
    "a@-x.cn",
    "dangjian@x.cn（办公室）",
]


def _objection(town: Town, field: str, value: str) -> list:
    town.add_org("a-cun")
    objection = f"  {field}: {json.dumps(value, ensure_ascii=False)}\n"
    town.write("organizations/a-cun/notices/2026-11-23-x.md", notice_md("2026-11-23", "2026-11-30", objection=objection))
    return _at(town, "organizations/a-cun/notices/2026-11-23-x.md", "schema-value")


@pytest.mark.parametrize("phone", PHONES_OK)
def test_phone_forms_clerks_write(town: Town, phone: str) -> None:
    """Accepted, and the tel: link dials exactly the digits the page shows (the extension after 转)."""
    from generator.templating import tel_uri

    assert _objection(town, "phone", phone) == []
    number, _, extension = phone.partition("转")
    uri = tel_uri(phone)
    assert uri == "tel:" + "".join(c for c in number if c in "+0123456789") + (f";ext={extension.strip()}" if extension else "")


@pytest.mark.parametrize("phone", PHONES_BAD)
def test_a_phone_holds_only_a_phone_number(town: Town, phone: str) -> None:
    assert _objection(town, "phone", phone) == [(8, 10)]
    d = next(d for d in town.diagnostics("schema-value"))
    assert "电话号码" in d.message and "半角数字" in d.fix


@pytest.mark.parametrize("email", EMAILS_OK)
def test_email_addresses(town: Town, email: str) -> None:
    """Accepted as written; the same address with a word after it is not an address."""
    assert _objection(town, "email", email) == []
    assert _objection(town, "email", email + " 党建办") == [(8, 10)]


@pytest.mark.parametrize("email", EMAILS_BAD)
def test_an_email_address_is_plain_ascii(town: Town, email: str) -> None:
    assert _objection(town, "email", email) == [(8, 10)]


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [("phone", v, True) for v in PHONES_OK]
    + [("phone", v, False) for v in PHONES_BAD]
    + [("email", v, True) for v in EMAILS_OK]
    + [("email", v, False) for v in EMAILS_BAD],
)
def test_the_published_schema_says_the_same(field: str, value: str, ok: bool) -> None:
    """An editor checking against content/schema/*.json gives the same verdict on contact and objection."""
    from jsonschema import Draft202012Validator

    from generator.schema import EMAIL_PATTERN, PHONE_PATTERN

    for kind, where in (("org", "Contact"), ("notice", "Objection")):
        schema = json.loads((REPO / f"content/schema/{kind}.schema.json").read_text(encoding="utf-8"))
        node = {"$defs": schema["$defs"], **schema["$defs"][where]}
        assert Draft202012Validator(node).is_valid({field: value}) is ok, (kind, value)
        patterns = [option.get("pattern") for option in node["properties"][field]["anyOf"]]
        assert (PHONE_PATTERN if field == "phone" else EMAIL_PATTERN) in patterns


def test_the_tel_link_dials_what_the_page_shows() -> None:
    from generator.templating import tel_uri

    assert tel_uri("0519-8865 0365") == "tel:051988650365"
    assert tel_uri("+86 519 8800 1234") == "tel:+8651988001234"
    assert tel_uri("(0519)88001234 转 8012") == "tel:051988001234;ext=8012"


# ---------------------------------------------------------------- names as a reader sees them

OTHER = "中共测试镇A3村委员会"


@pytest.mark.parametrize(
    "impostor",
    [
        OTHER + "\u2800",  # braille blank
        OTHER + "\U0001bca0",  # shorthand format control
        OTHER + "\ufff9",  # interlinear annotation anchor
        OTHER + "\U0001d173",  # musical format control
        OTHER + "\u0301",  # a combining acute accent
        OTHER.replace("村", "村\u0323\u0300"),  # two combining marks
        OTHER + "\\x01",  # a control character, as a YAML escape
        OTHER + "\\u0001",
        OTHER + "\\U000e0041",  # a tag character
        OTHER.replace("A", "\u0410"),  # Cyrillic А
        OTHER.replace("A", "\u0391"),  # Greek Α
        OTHER.replace("3", "\u0417"),  # Cyrillic З
        OTHER.replace("A", "\u13aa"),  # Cherokee Ꭺ
        OTHER + "\u200b",  # a zero width space
        OTHER + "\ufe0f",  # a variation selector
    ],
)
def test_full_name_impersonation_is_a_duplicate(town: Town, impostor: str) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("样板村委员会", "A3村委员会"))
    town.write("organizations/b-cun/org.yml", org_yml().replace("name: 中共测试镇样板村委员会", f'name: "{impostor}"'))
    [d] = town.diagnostics("name-duplicate")
    assert (d.path, d.line, d.col) == ("organizations/b-cun/org.yml", 2, 7) and "a-cun" in d.message
    assert chars.HIDDEN_RE.search(d.message + d.found) is None


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("力工村委员会", "カエ村委员会"),  # katakana カ エ look like 力 工
        ("口岸村委员会", "ロ岸村委员会"),  # katakana ロ
        ("10号", "l0号"),  # digit one and small L
        ("O号", "0号"),
    ],
)
def test_look_alike_letters_and_digits(town: Town, mine: str, theirs: str) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("样板村委员会", mine))
    town.write("organizations/b-cun/org.yml", org_yml().replace("样板村委员会", theirs))
    for slug, name in (
        ("c-cun", "甲村"),
        ("d-cun", "乙村"),
        ("e-cun", "三河口村"),
        ("f-cun", "三河村"),
        ("g-cun", "A3村"),
        ("h-cun", "A8村"),
    ):
        town.write(f"organizations/{slug}/org.yml", org_yml().replace("样板村委员会", f"{name}委员会").replace("样板村党委", f"{name}党委"))
    [d] = town.diagnostics("name-duplicate")  # different names stay apart
    assert d.path == "organizations/b-cun/org.yml" and (d.line, d.col) == (2, 7)


@pytest.mark.parametrize(
    ("theirs", "value"),
    [
        ("样板村党委", "样板村党委\u0301"),  # a combining mark
        ("样板村党委", "样板村党委\u200b"),  # a zero width space
        ("力工党委", "カエ党委"),  # katakana カ エ for 力 工
        ("A3党委", "\u04103党委"),  # Cyrillic А
        ("样板村党委", "中共测试镇甲村委员会\u0301"),  # another organization's full name
    ],
)
def test_short_name_impersonation(town: Town, theirs: str, value: str) -> None:
    town.write(
        "organizations/a-cun/org.yml",
        org_yml().replace("样板村委员会", "甲村委员会").replace("short_name: 样板村党委", f"short_name: {theirs}"),
    )
    b_cun = org_yml().replace("样板村委员会", "乙村委员会").replace("short_name: 样板村党委", f"short_name: {value}")
    town.write("organizations/b-cun/org.yml", b_cun)
    # Two 机关党支部: the same short name, written with the same characters, is no impersonation.
    c_cun = org_yml().replace("样板村委员会", "丙村委员会").replace("short_name: 样板村党委", f"short_name: {theirs}")
    town.write("organizations/c-cun/org.yml", c_cun)
    [d] = town.diagnostics("name-duplicate")
    assert (d.path, d.line, d.col) == ("organizations/b-cun/org.yml", 3, 13) and "a-cun" in d.message


@pytest.mark.parametrize("ch", ["\u2800", "\U0001bca0", "\ufff9", "\U0001d173", "\u202e", "\u200d"], ids=_code)
def test_a_hidden_character_in_a_name_is_named(town: Town, ch: str) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("name: 中共测试镇样板村委员会", f"name: 中共测试镇样板{ch}村委员会"))
    [d] = town.diagnostics("name-invisible")
    assert (d.line, d.col) == (2, 14) and d.found == chars.describe(ch) and chars.describe(ch) in d.message
    assert [x for x in town.diagnostics() if x.rule.startswith("text-")] == []  # one report for one character


# ---------------------------------------------------------------- the prints never fail


def test_boards_refuses_a_control_character_without_a_traceback(town: Town, cli_run, tmp_path: Path) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("name: 中共测试镇样板村委员会", 'name: "中共测试镇样板村委员会\\x01"'))
    result = cli_run("boards", "--root", str(town.root), "--out", str(tmp_path / "boards"))
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert "organizations/a-cun/org.yml:2:19: 错误 [name-invisible]" in result.err and "没有生成公开栏" in result.err


def test_a_board_past_the_validator_holds_no_hidden_character(town: Town, tmp_path: Path) -> None:
    """Defence in depth: a town with errors dropped (as a validator bug would let it through)
    prints; no character that makes text lie, or that XML cannot hold, reaches the HTML, the PDF
    or its XML metadata."""
    pypdf = pytest.importorskip("pypdf")
    from generator import printing
    from generator.validate import validate

    every = "".join([*BIDI, *INVISIBLE, *CONTROL])
    escaped = "".join(f"\\U{ord(c):08x}" for c in every)  # every character, as YAML escapes
    town.write("organizations/a-cun/org.yml", org_yml().replace("name: 中共测试镇样板村委员会", f'name: "中共测试镇样板{escaped}村委员会"'))
    town.write(
        "organizations/a-cun/disclosures/2026-11-20-x.md", disclosure_md("两民工作", body="正文&#1;&#x202E;&#xFFFF;" + "".join(RAW) + "\n")
    )
    ds = validate(town.root).dataset
    assert every in ds.valid.orgs["a-cun"].model.name  # the model holds them: only the output guards
    html = printing.board_html(ds, "a-cun", "A4")
    assert chars.HIDDEN_RE.search(html.replace("\r", "")) is None and "中共测试镇样板村委员会党务公开栏" in html
    pdf = printing.render_pdf(html)
    (tmp_path / "board.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(str(tmp_path / "board.pdf"))
    assert reader.metadata is not None and reader.metadata.title == "中共测试镇样板村委员会党务公开栏"
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    xmp = ElementTree.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")])
    assert [
        li.text
        for li in xmp.iter("{http://purl.org/dc/elements/1.1/}title")
        for li in li.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")
    ] == ["中共测试镇样板村委员会党务公开栏"]


def test_render_pdf_takes_any_character(tmp_path: Path) -> None:
    """HTML that did not come through the templates (a title with controls, surrogates, noncharacters)."""
    pytest.importorskip("weasyprint")
    from generator import printing

    nasty = "标题\x01\x1b\ud800\ufffe\U0010ffff\u202e"
    pdf = printing.render_pdf(f'<html lang="zh-CN"><head><title>{nasty}</title></head><body><h1>{nasty}</h1></body></html>')
    assert pdf.startswith(b"%PDF")


# ---------------------------------------------------------------- what was there still works


def test_raw_controls_are_refused_by_the_loader_where_they_stand(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("  title: 党委书记", "  title: 党委\x85书记"))
    [d] = town.diagnostics("file-encoding")
    assert (d.line, d.col) == (TITLE_LINE, 12) and "控制字符 U+0085" in d.message and "第 10 行" in d.found
    town.add_org("b-cun")
    town.write("organizations/b-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body="第一段\x9b。\n"))
    assert [(d.line, d.col) for d in town.diagnostics("file-encoding") if d.path.endswith("x.md")] == [(6, 4)]
    town.write("organizations/b-cun/disclosures/2026-11-03-y.md", disclosure_md("两民工作", body="第一段\u2028第二段\ufdd0。\n"))
    [d] = [d for d in town.diagnostics("file-encoding") if d.path.endswith("y.md")]
    assert (d.line, d.col) == (6, 4) and "U+2028 行分隔符" in d.message


def test_hidden_phone_numbers_are_still_found(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body="联系人 138\u200b1234\u200b5678。\n"))
    rules = sorted(d.rule for d in town.diagnostics() if d.path.endswith("x.md"))
    assert rules == ["privacy-mobile", "text-invisible", "text-invisible"]


def test_the_demo_is_valid_under_the_new_rules() -> None:
    """The demo town passes, and every phone in it is one the contract takes."""
    import re

    from conftest import TODAY

    from generator.schema import PHONE_PATTERN
    from generator.validate import validate

    result = validate(REPO, TODAY)
    assert [d for d in result.diagnostics if d.is_error] == []
    phones = [org.model.contact.phone for org in result.dataset.valid.orgs.values() if org.model.contact.phone]
    phones += [n.model.objection.phone for org in result.dataset.valid.orgs.values() for n in org.notices if n.model.objection.phone]
    assert len(phones) > 100 and all(re.fullmatch(PHONE_PATTERN, p) for p in phones)


def test_the_change_report_shows_the_character(town: Town) -> None:
    """`party365 diff`'s report (the pull request's comment) names a hidden character in a changed
    field instead of letting it reorder the line a reviewer reads."""
    from generator import changes
    from generator.validate import validate

    town.add_org("a-cun")
    before = changes.snapshot(validate(town.root).dataset)
    town.write(
        "organizations/a-cun/org.yml", org_yml().replace("样板村委员会", "a-cun委员会").replace("  name: 王某某", "  name: 王\u202e某某")
    )
    change = changes.compare(before, changes.snapshot(validate(town.root).dataset), validate(town.root).dataset.today)
    for report in (changes.render_markdown(change), changes.render_text(change)):
        assert "王⟨U+202E⟩某某" in report and chars.HIDDEN_RE.search(report) is None
