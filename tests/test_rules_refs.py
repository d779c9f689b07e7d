"""References between organizations and town data, slugs, and coordinates."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Town, disclosure_md, org_yml

from generator.diagnostics import Severity
from generator.site.views import build_org_views

PARTNERS = "brand:\n  name: 品牌\n  model: 美丽和谐型\n  batch: 二期\n  partners: [{partners}]\n"


def test_folder_name_must_be_a_slug(town: Town) -> None:
    town.add_org("Taoyuan_Cun")
    [d] = town.diagnostics("slug-format")
    assert d.found == "Taoyuan_Cun" and "taoyuan-cun" in d.fix


def test_renamed_slug_cannot_be_reused(town: Town) -> None:
    town.add_org("new-cun")
    town.add_org("old-cun")
    town.write("content/_town/renames.yml", "schema: 1\nrenames:\n  - {from: old-cun, to: new-cun, date: 2026-01-01}\n")
    [d] = town.diagnostics("slug-reused")
    assert d.path == "organizations/old-cun/org.yml"


def test_rename_target_must_exist(town: Town) -> None:
    town.write("content/_town/renames.yml", "schema: 1\nrenames:\n  - {from: old-cun, to: gone-cun, date: 2026-01-01}\n")
    [d] = town.diagnostics("ref-rename")
    assert d.line == 3


def test_unknown_parent_suggests_near_slug(town: Town) -> None:
    town.add_org("zhen-jiguan")
    town.add_org("a-cun", extra="parent: zhen-jigaun\n")
    [d] = town.diagnostics("ref-parent")
    assert d.line == 22 and "zhen-jiguan" in d.fix


def test_unknown_host_of_shared_space(town: Town) -> None:
    town.write(
        "organizations/d-qiye/org.yml",
        org_yml("企业").replace("  liuyou: [场所, 设施, 标志, 党旗, 书报, 制度]", "  shared_with: nowhere-cun"),
    )
    [d] = town.diagnostics("ref-host")
    assert d.found == "nowhere-cun"


def test_partner_must_exist_and_not_be_self(town: Town) -> None:
    town.add_org("a-cun", brand=PARTNERS.format(partners="a-cun, ghost-cun"))
    found = town.diagnostics("ref-partner")
    assert sorted(d.found for d in found) == ["a-cun", "ghost-cun"]


def test_one_sided_partnership_is_a_warning(town: Town) -> None:
    town.add_org("a-cun", brand=PARTNERS.format(partners="b-cun"))
    town.add_org("b-cun", brand=PARTNERS.format(partners=""))
    [d] = town.diagnostics("ref-partner-one-sided")
    assert not d.is_error and d.path == "organizations/a-cun/org.yml" and "b-cun" in d.fix
    town.add_org("b-cun", brand=PARTNERS.format(partners="a-cun"))
    assert town.diagnostics("ref-partner-one-sided") == []


def test_coordinates_outside_the_town(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("  lat: 31.78\n  lon: 120.00", "  lat: 120.00\n  lon: 31.78"))
    found = town.diagnostics()
    assert "schema-value" in {d.rule for d in found}  # latitude 120 is impossible anywhere
    town.write("organizations/a-cun/org.yml", org_yml().replace("  lat: 31.78", "  lat: 39.90"))
    [d] = town.diagnostics("geo-outside-town")
    assert d.line == 15 and "WGS-84" in d.fix


def test_route_stops_resolve_and_have_locations(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/b-cun/org.yml", org_yml().replace("location:\n  lat: 31.78\n  lon: 120.00\n", ""))
    town.write(
        "content/_town/routes.yml",
        'schema: 1\nroutes:\n  - id: line-1\n    name: 示范带\n    color: "#C8102E"\n    description: 线路\n    stops: [a-cun, b-cun, c-cun]\n',
    )
    found = town.diagnostics("ref-route-stop")
    assert [(d.found, d.line) for d in found] == [("b-cun", 7), ("c-cun", 7)]


def test_assessment_names_an_existing_org(town: Town) -> None:
    town.write("content/_town/assessments.yml", "schema: 1\nentries:\n  - {org: ghost-cun, date: 2026-06-30, card: 黄牌}\n")
    [d] = town.diagnostics("ref-assessment")
    assert d.line == 3


def test_disclosure_date_must_match_file_name(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-01-x.md", disclosure_md("党费", extra="date: 2026-11-02\n"))
    [d] = town.diagnostics("item-date")
    assert d.line == 5


def test_two_folders_with_the_same_full_name(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml())
    town.write("organizations/a-cun-copy/org.yml", org_yml())
    [d] = town.diagnostics("name-duplicate")
    assert d.path == "organizations/a-cun-copy/org.yml" and d.line == 2 and "a-cun" in d.message


# ---------------------------------------------------------------- identifiers are identifiers


@pytest.mark.parametrize("slug", ["index", "dangwu", "pinpai", "assets", "search", "photos", "data", "guide", "admin", "town"])
def test_folder_name_cannot_take_a_section_of_the_site(town: Town, slug: str) -> None:
    town.add_org(slug)
    [d] = town.diagnostics("slug-reserved")
    assert (d.path, d.line, d.col) == (f"organizations/{slug}/org.yml", 1, 1)
    assert d.found == slug and "拼音" in d.fix


def test_reserved_names_cover_every_folder_the_site_makes(town: Town) -> None:
    """Every first-level folder or page of a built site, and every page an organization's section
    holds besides the organizations, is a reserved name: a folder can never replace one."""
    from generator.rules.refs import RESERVED_SLUGS
    from generator.site.build import build_site, options_from_town

    town.add_org("a-cun", brand=PARTNERS.format(partners=""))
    town.write("content/_town/collections/yi-qi.yml", "schema: 1\ntitle: 汇编\ndate: 2026-11-01\nintro: 编者按\ncases:\n  - org: a-cun\n")
    result = town.validate()
    assert not result.errors, result.diagnostics
    files = build_site(result, options_from_town(result))
    first = {Path(path).parts[0].split(".")[0] for path in files}
    second = {Path(path).parts[1].split(".")[0] for path in files if len(Path(path).parts) > 1} - {"a-cun", "yi-qi"}
    assert first - {"a-cun", "yi-qi"} <= RESERVED_SLUGS, first - RESERVED_SLUGS
    assert second <= RESERVED_SLUGS, second - RESERVED_SLUGS
    assert {
        "index",
        "dangwu",
        "gongshi",
        "pinpai",
        "fengjingxian",
        "anli",
        "jindu",
        "data",
        "guide",
        "schema",
        "assets",
        "search",
    } <= RESERVED_SLUGS


def test_collection_cannot_be_called_index(town: Town) -> None:
    town.add_org("a-cun")
    town.write("content/_town/collections/index.yml", "schema: 1\ntitle: 汇编\ndate: 2026-11-01\nintro: 编者按\ncases:\n  - org: a-cun\n")
    [d] = town.diagnostics("ref-collection")
    assert (d.path, d.line, d.col) == ("content/_town/collections/index.yml", 1, 1) and "保留" in d.message


def test_folder_name_with_a_trailing_newline_is_not_a_slug(town: Town) -> None:
    town.add_org("a-cun\n")
    [d] = town.diagnostics("slug-format")
    assert d.found == "a-cun\n"


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u202e", "\u2060", "\ufe0f", "\u00ad", "\u200d"])
def test_invisible_characters_do_not_dodge_name_duplicate(town: Town, invisible: str) -> None:
    town.write("organizations/a-cun/org.yml", org_yml())
    town.write("organizations/b-cun/org.yml", org_yml().replace("中共测试镇样板村委员会", f"中共测试镇样板{invisible}村委员会"))
    [d] = town.diagnostics("name-duplicate")
    assert d.path == "organizations/b-cun/org.yml" and (d.line, d.col) == (2, 7) and "a-cun" in d.message
    [d] = town.diagnostics("name-invisible")
    assert (d.path, d.line, d.col) == ("organizations/b-cun/org.yml", 2, 14) and f"U+{ord(invisible):04X}" in d.found


def test_full_width_forms_and_spaces_do_not_dodge_name_duplicate(town: Town) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("样板村委员会", "A3村委员会"))
    town.write("organizations/b-cun/org.yml", org_yml().replace("样板村委员会", "Ａ３ 村委员会"))
    [d] = town.diagnostics("name-duplicate")
    assert (d.path, d.line, d.col) == ("organizations/b-cun/org.yml", 2, 7) and "a-cun" in d.message


@pytest.mark.parametrize(("field", "line", "col"), [("short_name: 样板", 3, 15), ("  name: 品牌", 23, 11)])
def test_invisible_characters_are_refused_in_every_name(town: Town, field: str, line: int, col: int) -> None:
    town.add_org("a-cun", brand=PARTNERS.format(partners=""))
    path = town.root / "organizations/a-cun/org.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(field, field + "\u200b", 1), encoding="utf-8")
    [d] = town.diagnostics("name-invisible")
    assert (d.path, d.line, d.col) == ("organizations/a-cun/org.yml", line, col) and "U+200B" in d.found


def test_parent_claim_needs_the_parents_confirmation(town: Town) -> None:
    town.add_org("a-cun")
    town.add_org("b-cun", extra="parent: a-cun\n")
    [d] = town.diagnostics("ref-parent-one-sided")
    assert d.severity is Severity.WARNING
    assert (d.path, d.line, d.col) == ("organizations/b-cun/org.yml", 22, 9) and "children" in d.fix
    assert not town.validate().errors  # a warning: the office sees it, the page does not show the relationship
    views = build_org_views(town.validate().dataset)
    assert views["a-cun"].children == []


def test_children_claim_needs_the_childs_confirmation(town: Town) -> None:
    town.add_org("a-cun", extra="children: [b-cun]\n")
    town.add_org("b-cun")
    [d] = town.diagnostics("ref-parent-one-sided")
    assert d.severity is Severity.WARNING and (d.path, d.line, d.col) == ("organizations/a-cun/org.yml", 22, 12)
    assert build_org_views(town.validate().dataset)["a-cun"].children == []


def test_confirmed_parent_is_shown(town: Town) -> None:
    town.add_org("a-cun", extra="children: [b-cun]\n")
    town.add_org("b-cun", extra="parent: a-cun\n")
    assert town.diagnostics() == []
    assert build_org_views(town.validate().dataset)["a-cun"].children == ["b-cun"]


def test_child_must_exist(town: Town) -> None:
    town.add_org("a-cun", extra="children: [a-cun, x-cun]\n")
    found = town.diagnostics("ref-parent")
    assert [(d.line, d.col, d.found) for d in found] == [(22, 12, "a-cun"), (22, 19, "x-cun")]
