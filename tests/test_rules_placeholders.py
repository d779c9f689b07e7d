"""template-placeholder: what the template marks for the clerk to replace never reaches the site."""

from __future__ import annotations

from conftest import Town, disclosure_md, notice_md, org_yml


def _placed(town: Town) -> list[tuple[str, int, int]]:
    return [(d.path.rsplit("/", 1)[-1], d.line, d.col) for d in town.diagnostics("template-placeholder")]


def test_untouched_org_facts_are_errors(town: Town) -> None:
    text = (
        org_yml()
        .replace("short_name: 样板村党委", "short_name: 待填写")
        .replace("  total: 40", "  total: 0")
        .replace("phone: 0519-88001234", 'phone: "0000-00000000"')
        .replace("maintainers: [clerk]", "maintainers: [clerk, your-username]")
        .replace("area: 150", "area: 0")
    )
    town.write("organizations/a-cun/org.yml", text)
    found = town.diagnostics("template-placeholder")
    assert [(d.line, d.col) for d in found] == [(3, 13), (7, 10), (12, 10), (17, 22), (20, 9)]
    assert all(d.is_error and d.fix and "模板" in d.message for d in found)
    assert found[2].found == "0000-00000000" and "真实" in found[2].fix


def test_placeholder_inside_a_value_is_placed_at_the_word(town: Town) -> None:
    town.add_org("a-cun", extra="intro: |\n  本村位于镇区东部。\n  待填写：任期工作目标。\n")
    [d] = town.diagnostics("template-placeholder")
    assert (d.line, d.col) == (24, 3) and d.found.startswith("本村位于")


def test_items_and_their_bodies_are_checked(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-x.md", disclosure_md("两民工作", body="第一段。\n\n待填写\n"))
    town.write("organizations/a-cun/notices/2026-11-02-gs.md", notice_md("2026-11-02", "2026-11-10", objection='  phone: "0000-0000000"\n'))
    assert sorted(_placed(town)) == [("2026-11-02-gs.md", 8, 10), ("2026-11-02-x.md", 8, 1)]


def test_real_zeros_and_the_word_elsewhere_are_fine(town: Town) -> None:
    """Only the template's own zeros count: 预备党员 0 is a fact, and the guide may name 待填写."""
    town.add_org("a-cun", extra="")
    town.write("organizations/a-cun/org.yml", org_yml().replace("  total: 40", "  total: 40\n  probationary: 0"))
    town.write("content/guide/extra.md", "# 说明\n\n模板里写着“待填写”的地方都要改。\n")
    assert town.diagnostics("template-placeholder") == []


def test_town_data_is_checked(town: Town) -> None:
    town.write(
        "content/_town/town.yml", (town.root / "content/_town/town.yml").read_text(encoding="utf-8").replace("测试镇组织办", "待填写")
    )
    assert _placed(town) == [("town.yml", 9, 9)]
