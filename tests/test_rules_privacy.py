"""ID and mobile numbers are looked for in the text as a reader sees it, and in file names."""

from __future__ import annotations

import pytest
from conftest import Town, disclosure_md, notice_md, org_yml

from generator.rules.privacy import reader_view

ID = "11010519491231002X"  # the standard's own example
CARD = "6222021234567890128"  # 19 digits, UnionPay prefix, Luhn check digit right
CARD16 = "4000123456789017"  # 16 digits, Visa prefix, Luhn check digit right
BODY_LINE = 6


def _privacy(town: Town, name: str | None = None) -> list:
    return [d for d in town.diagnostics() if d.rule.startswith("privacy-") and (name is None or d.path.endswith(name))]


SPLIT = [
    ("110105194912**3100**2X", "privacy-id-number", "1"),
    ("110105 19491231 002X", "privacy-id-number", "1"),
    ("110105-19491231-002X", "privacy-id-number", "1"),
    ("110105\u200b19491231\u200c002X", "privacy-id-number", "1"),
    ("110105\u206019491231\ufeff002X", "privacy-id-number", "1"),
    ("110105\u300019491231\u3000002X", "privacy-id-number", "1"),
    ("&#49;10105194912310 02X", "privacy-id-number", "&"),
    ("&#x31;1010519491231002&#88;", "privacy-id-number", "&"),
    ("110105`19491231`002X", "privacy-id-number", "1"),
    ("１１０１０５ １９４９ １２３１ ００２Ｘ", "privacy-id-number", "１"),
    ("\U0001d7cf\U0001d7cf\U0001d7ce105194912310 02X", "privacy-id-number", "\U0001d7cf"),
    ("110105 194912\n31002X", "privacy-id-number", "1"),
    ("110105 491231 002", "privacy-id15", "1"),
    ("138 1234 5678", "privacy-mobile", "1"),
    ("138-1234-5678", "privacy-mobile", "1"),
    ("138\u200b1234\u200b5678", "privacy-mobile", "1"),
    ("138\u30001234\u30005678", "privacy-mobile", "1"),
    ("&#49;3812345678", "privacy-mobile", "&"),
    ("1381234**5678**", "privacy-mobile", "1"),
    ("+86 138 1234 5678", "privacy-mobile", "+"),
    ("[110105](https://example.org)19491231002X", "privacy-id-number", "1"),
    (CARD, "privacy-bank-card", "6"),
    (CARD16, "privacy-bank-card", "4"),
    ("6222 0212 3456 7890 128", "privacy-bank-card", "6"),
    ("4000-1234-5678-9017", "privacy-bank-card", "4"),
    ("622202 1234567890 128", "privacy-bank-card", "6"),
    ("6222\u200b0212\u200c3456\u20607890\ufeff128", "privacy-bank-card", "6"),
    ("6222\u30000212\u30003456\u30007890\u3000128", "privacy-bank-card", "6"),
    ("６２２２ ０２１２ ３４５６ ７８９０ １２８", "privacy-bank-card", "６"),
    ("&#54;222021234567890128", "privacy-bank-card", "&"),
    ("&#x36;2220212&#51;4567890128", "privacy-bank-card", "&"),
    ("622202**1234**567890128", "privacy-bank-card", "6"),
    ("6222`0212`34567890128", "privacy-bank-card", "6"),
    ("62220212 3456\n7890128", "privacy-bank-card", "6"),
    ("[622202](https://example.org)1234567890128", "privacy-bank-card", "6"),
    ("3 6222 0212 3456 7890 128", "privacy-bank-card", "6"),  # next to another number: 第 3 户 …
    ("6222 0212 3456 7890 128 2026", "privacy-bank-card", "6"),
]


@pytest.mark.parametrize(("written", "rule", "first"), SPLIT)
def test_split_numbers_are_found_where_they_stand(town: Town, written: str, rule: str, first: str) -> None:
    town.add_org("a-cun")
    prefix = "第一段。\n\n联系人 "
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=f"{prefix}{written}。\n"))
    found = _privacy(town, "2026-11-02-x.md")
    assert [d.rule for d in found] == [rule]
    [d] = found
    at = len("联系人 ") + written.index(first)
    assert (d.line, d.col) == (BODY_LINE + 2, at + 1)
    assert "*" in d.found and written not in d.found  # masked, never echoed


@pytest.mark.parametrize(
    "text",
    [
        "公示期 2026-11-26 至 2026-12-03，2026-11-01—2026-11-30",
        "座机 0519-88881234，0519-8862 3107，邮编 213000",
        "合计 4,320 元；1,234,567.89 元；党员 40 人，预备党员 3 人",
        "| 项目 | 人数 |\n| --- | --- |\n| 党员 | 40 |\n| 预备 | 3 |\n| 积极分子 | 12 |",
        "2019 2020 2021 2022 年连续获评",
        "编号 20261126001，第 1-3 期，2026年11月26日 13:00-17:30",
        "打码 138****5678，320***********1234",
        "2026-11-26 10 时 30 分，参会 36 人，收缴 4320 元",
        "批复文号 常组〔2026〕18 号，邮编 213001，门牌 1-2-301",
        "电话 0519-88001234 / 0519-88001235",
        # long numbers that are no bank card: the check digit is wrong, a date or a phone number leads,
        # phone numbers side by side, a 统一社会信用代码, a card masked down to its last digits
        "文号 6222021234567890123，档案号 3204110000123456789，编号 4000123456789011",
        "2026112600012345 号，公示期 2026-11-01—2026-11-30，20261101-20261130",
        "流水号 1381234567800012，电话 88001234 88001235，0519 8800 1234 5678",
        "统一社会信用代码 913204110001000293",
        "卡号 6222 **** **** 1234，尾号 0128",
        "序号 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18，2019 2020 2021 2022 2023 年，88001234 88001235 88001236",
    ],
)
def test_ordinary_numbers_stay_quiet(town: Town, text: str) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body=text + "\n"))
    assert _privacy(town) == []


def test_split_number_in_a_yaml_field(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("  title: 党委书记", '  title: "书记 138 1234 5678"'))
    [d] = _privacy(town)
    assert (d.rule, d.line, d.col) == ("privacy-mobile", 10, 14)


def test_split_mobile_in_public_contact_is_allowed(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("0519-88001234", '"138 1234 5678"'))
    assert _privacy(town) == []


@pytest.mark.parametrize("field", ["hours", "email", "address"])
def test_a_mobile_in_another_contact_field_is_refused(town: Town, field: str) -> None:
    """Only contact.phone is a public phone: the other keys of contact: are free text."""
    town.write("organizations/a-cun/org.yml", org_yml().replace("0519-88001234", "0519-88001234\n  " + field + ': "值班 13812345678"'))
    [d] = _privacy(town)
    assert (d.rule, d.line, d.col) == ("privacy-mobile", 13, len(f"  {field}: ") + 5)
    assert "contact.phone" in d.fix and "138****5678" in d.found


def test_a_mobile_in_a_notices_objection_contact_is_refused_its_phone_allowed(town: Town) -> None:
    town.add_org("a-cun")
    objection = "  phone: 13912345678\n  contact: 王书记 13812345678\n"
    town.write("organizations/a-cun/notices/2026-11-23-x.md", notice_md("2026-11-23", "2026-11-30", objection=objection))
    [d] = _privacy(town, "2026-11-23-x.md")
    assert (d.rule, d.line, d.col) == ("privacy-mobile", 9, 16)
    masked = objection.replace("13812345678", "138****5678")
    town.write("organizations/a-cun/notices/2026-11-23-x.md", notice_md("2026-11-23", "2026-11-30", objection=masked))
    assert _privacy(town) == []


def test_a_bank_card_is_refused_in_a_public_phone_field_and_in_town_pages(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("0519-88001234", '"6222 0212 3456 7890 128"'))
    town.write("content/guide/index.md", "# 指南\n\n账户 4000 1234 5678 9017。\n")
    found = sorted((d.path, d.rule, d.line, d.col) for d in _privacy(town))
    assert found == [
        ("content/guide/index.md", "privacy-bank-card", 3, 4),
        ("organizations/a-cun/org.yml", "privacy-bank-card", 12, 11),
    ]
    assert all(d.found == "622************0128" or d.found == "400*********9017" for d in _privacy(town))


def test_a_bank_card_in_a_file_name(town: Town) -> None:
    town.add_org("a-cun")
    town.write(f"organizations/a-cun/disclosures/2026-11-02-{CARD}.md", disclosure_md("两民工作"))
    [d] = _privacy(town)
    assert (d.rule, d.line, d.col) == ("privacy-bank-card", 1, 1) and "文件名" in d.message


def test_numbers_in_file_and_folder_names(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-110105-19491231-002x.md", disclosure_md("两民工作"))
    town.write("organizations/b-13812345678/org.yml", org_yml().replace("样板村委员会", "乙村委员会"))
    found = {(d.path, d.rule, d.line, d.col) for d in _privacy(town)}
    assert found == {
        ("organizations/a-cun/disclosures/2026-11-02-110105-19491231-002x.md", "privacy-id-number", 1, 1),
        ("organizations/b-13812345678/org.yml", "privacy-mobile", 1, 1),
    }
    assert all("文件名" in d.message and "*" in d.found for d in _privacy(town))


def test_photo_file_name(town: Town) -> None:
    photos = "photos:\n  - file: photos/110105-19491231-002x.jpg\n    alt: 活动照片\n    consent: true\n"
    town.write("organizations/a-cun/org.yml", org_yml(extra=photos))
    found = [d for d in _privacy(town) if d.rule == "privacy-id-number"]
    assert [(d.line, d.col) for d in found] == [(len(org_yml().splitlines()) + 2, 18)]


def test_number_in_a_town_page(town: Town) -> None:
    town.write("content/guide/index.md", "# 指南\n\n联系 138 1234 5678。\n")
    [d] = _privacy(town)
    assert (d.path, d.rule, d.line, d.col) == ("content/guide/index.md", "privacy-mobile", 3, 4)


def test_reader_view_maps_back() -> None:
    view, spans = reader_view("a 1&#50;3 4")
    assert view == "a 1234"
    assert spans[view.index("2")] == (3, 8)
