"""References between organizations and town data, slugs, and coordinates."""

from __future__ import annotations

from conftest import Town, disclosure_md, org_yml

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
