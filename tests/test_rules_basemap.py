"""The base layer of the 红色风景线 (routes.yml `basemap:`): rivers, roads, the town centre and
landmarks the town draws itself; never a boundary, always in the town."""

from __future__ import annotations

from conftest import Town

HEAD = "schema: 1\nroutes: []\nbasemap:\n"

GOOD = """\
  rivers:
    - name: 春江
      line:
        - {lat: 31.75, lon: 119.90}
        - {lat: 31.80, lon: 120.00}
  roads:
    - name: 人民路
      line: [{lat: 31.79, lon: 119.95}, {lat: 31.79, lon: 120.05}]
  centre: {name: 测试镇区, at: {lat: 31.79, lon: 120.00}, radius: 1200}
  landmarks:
    - {name: 春江大桥, at: {lat: 31.80, lon: 120.01}}
"""


def test_a_good_base_map_passes(town: Town) -> None:
    town.add_org("a-cun")
    town.write("content/_town/routes.yml", HEAD + GOOD)
    assert [d for d in town.diagnostics() if d.is_error] == []


def test_a_boundary_by_its_name_is_refused(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD + "    - {name: 测试镇界, at: {lat: 31.80, lon: 120.02}}\n")
    [d] = town.diagnostics("basemap-boundary")
    assert (d.line, d.col) == (15, 14) and d.found == "测试镇界" and "审图号" in d.message


def test_a_road_named_as_a_jurisdiction_is_refused(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD.replace("name: 人民路", "name: 辖区分界线"))
    [d] = town.diagnostics("basemap-boundary")
    assert (d.line, d.col) == (10, 13)


def test_a_closed_line_is_a_boundary(town: Town) -> None:
    ring = "    - name: 环镇路\n      line: [{lat: 31.78, lon: 119.95}, {lat: 31.80, lon: 120.00}, {lat: 31.78, lon: 120.05}, {lat: 31.78, lon: 119.95}]\n"
    town.write("content/_town/routes.yml", HEAD + GOOD.replace("  centre:", ring + "  centre:"))
    [d] = town.diagnostics("basemap-boundary")
    assert (d.line, d.col) == (13, 95) and "分成两段" in d.fix


def test_a_landmark_outside_the_town(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD.replace("{lat: 31.80, lon: 120.01}", "{lat: 120.01, lon: 31.80}"))
    found = town.diagnostics()
    assert "schema-value" in {d.rule for d in found}  # latitude 120 is impossible anywhere
    town.write("content/_town/routes.yml", HEAD + GOOD.replace("{lat: 31.80, lon: 120.01}", "{lat: 39.90, lon: 116.40}"))
    [d] = town.diagnostics("basemap-outside")
    assert (d.line, d.col) == (14, 24) and "bbox" in d.fix and "春江大桥" in d.message


def test_the_centre_outside_the_town(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD.replace("at: {lat: 31.79, lon: 120.00}", "at: {lat: 31.99, lon: 120.00}"))
    [d] = town.diagnostics("basemap-outside")
    assert (d.line, d.col) == (12, 28)


def test_a_line_wholly_outside_the_town(town: Town) -> None:
    far = GOOD.replace("[{lat: 31.79, lon: 119.95}, {lat: 31.79, lon: 120.05}]", "[{lat: 30.79, lon: 119.95}, {lat: 30.79, lon: 120.05}]")
    town.write("content/_town/routes.yml", HEAD + far)
    [d] = town.diagnostics("basemap-outside")
    assert (d.line, d.col) == (11, 13) and "人民路" in d.message


def test_a_river_may_run_in_from_outside(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD.replace("{lat: 31.75, lon: 119.90}", "{lat: 31.65, lon: 119.80}"))
    assert town.diagnostics("basemap-outside") == []


def test_the_base_map_has_only_its_four_kinds(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD + "  boundaries:\n    - {name: 镇界}\n")
    [d] = [d for d in town.diagnostics() if d.is_error]
    assert d.rule.startswith("schema") and d.line == 15


def test_a_line_needs_two_points(town: Town) -> None:
    town.write("content/_town/routes.yml", HEAD + GOOD.replace(", {lat: 31.79, lon: 120.05}]", "]"))
    [d] = [d for d in town.diagnostics() if d.is_error]
    assert d.rule.startswith("schema") and d.line == 11
