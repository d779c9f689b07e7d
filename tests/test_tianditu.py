"""The optional 天地图 base layer: the town.yml contract, and a policy that lets the map page (and
only it, and only when the town set a key) load tiles from t0-t7.tianditu.gov.cn."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, TOWN_YML, Town, shared_folder

from generator.schema import TIANDITU_KEY_PATTERN
from generator.site.theme import POLICY, policy
from generator.site.tianditu import IMG_SOURCES, LAYERS, find_leaflet

KEY = "0123456789abcdef0123456789ABCDEF"
HOSTS = [f"https://t{n}.tianditu.gov.cn" for n in range(8)]
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def _directives(page: str) -> dict[str, list[str]]:
    found = _META.findall(page)
    assert len(found) == 1
    return {d.split()[0]: d.split()[1:] for d in html.unescape(found[0]).split("; ")}


def _with_key(text: str, key: str = KEY) -> str:
    return text + f"map:\n  tianditu_key: {key}\n"


def _build_keyed(root: Path) -> None:
    from sitetown import mkdocs_build

    for part in ("content", "organizations", "overrides"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    town_yml = root / "content/_town/town.yml"
    town_yml.write_text(_with_key(town_yml.read_text(encoding="utf-8")), encoding="utf-8")
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def keyed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo town with a 天地图 key in town.yml, built once per test run with `mkdocs build --strict`."""
    if find_leaflet(REPO) is None:
        pytest.skip("tools/map 未安装（npm ci --prefix tools/map）：没有天地图开关可测")
    return shared_folder(tmp_path_factory, "keyed", _build_keyed) / "site"


# ---------------------------------------------------------------- the contract


def test_a_town_without_map_settings_is_valid_and_has_no_key(town: Town) -> None:
    result = town.validate()
    assert result.diagnostics == []
    assert result.dataset.valid.town is not None and result.dataset.valid.town.map is None


def test_a_32_character_hex_key_is_accepted(town: Town) -> None:
    town.write("content/_town/town.yml", _with_key(TOWN_YML))
    result = town.validate()
    assert result.diagnostics == []
    assert result.dataset.valid.town is not None and result.dataset.valid.town.map is not None
    assert result.dataset.valid.town.map.tianditu_key == KEY


@pytest.mark.parametrize(
    "key",
    [
        "0123456789abcdef0123456789abcde",  # 31
        "0123456789abcdef0123456789abcdef0",  # 33
        "0123456789abcdef0123456789abcdeg",  # not hexadecimal
        '"0123456789abcdef 123456789abcdef"',  # a space inside
        '"你的密钥"',
    ],
)
def test_a_malformed_key_is_refused_where_it_is_written(town: Town, key: str) -> None:
    town.write("content/_town/town.yml", _with_key(TOWN_YML, key))
    found = town.diagnostics("schema-value")
    assert len(found) == 1, town.diagnostics()
    d = found[0]
    assert d.path == "content/_town/town.yml" and (d.line, d.col) == (TOWN_YML.count("\n") + 2, 17)
    assert "map.tianditu_key" in d.message and "天地图密钥" in d.message and "32 位" in d.message
    assert "浏览器端" in d.fix


def test_a_key_given_as_a_number_is_a_type_error(town: Town) -> None:
    town.write("content/_town/town.yml", _with_key(TOWN_YML, "12345678901234567890123456789012"))
    d = town.diagnostics("schema-type")
    assert len(d) == 1 and (d[0].line, d[0].col) == (TOWN_YML.count("\n") + 2, 17)


def test_a_misspelt_map_setting_is_named(town: Town) -> None:
    town.write("content/_town/town.yml", TOWN_YML + f"map:\n  tianditu: {KEY}\n")
    d = town.diagnostics("schema-unknown-key")
    assert len(d) == 1 and (d[0].line, d[0].col) == (TOWN_YML.count("\n") + 2, 3) and "tianditu_key" in d[0].fix


def test_the_key_pattern_is_32_hex_characters() -> None:
    assert re.fullmatch(TIANDITU_KEY_PATTERN, KEY) and not re.fullmatch(TIANDITU_KEY_PATTERN, KEY + "0")


def test_the_published_schema_has_the_setting() -> None:
    text = (REPO / "content/schema/town.schema.json").read_text(encoding="utf-8")
    assert "tianditu_key" in text and TIANDITU_KEY_PATTERN.replace("\\", "\\\\") in text


def test_a_key_without_leaflet_installed_keeps_the_schematic_map_and_says_why(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.site import generation
    from generator.site.build import Page

    if find_leaflet(REPO) is None:
        pytest.skip("tools/map 未安装（npm ci --prefix tools/map）")
    town.add_org("a-cun")
    town.write("content/_town/town.yml", _with_key(TOWN_YML))
    keyed = generation.generate(town.root)
    page = keyed.files["fengjingxian/index.md"]
    assert isinstance(page, Page) and page.img_src == IMG_SOURCES and "p365-tianditu-data" in page.filled()
    assert keyed.map_problem is None and "assets/leaflet/leaflet.js" in keyed.files
    monkeypatch.setattr(generation, "find_leaflet", lambda *roots: None)
    bare = generation.generate(town.root)
    page = bare.files["fengjingxian/index.md"]
    assert isinstance(page, Page) and page.img_src == () and "p365-tianditu" not in page.filled()
    assert bare.map_problem is not None and "npm ci --prefix tools/map" in bare.map_problem
    assert not any(path.startswith("assets/leaflet/") for path in bare.files)


# ---------------------------------------------------------------- the policy


def test_the_site_policy_allows_no_third_party_images() -> None:
    plain = {d.split()[0]: d.split()[1:] for d in policy([]).split("; ")}
    assert plain["img-src"] == ["'self'", "data:"]
    assert "{images}" in next(d for d in POLICY if d.startswith("img-src"))


def test_a_page_policy_adds_exactly_the_tile_hosts_to_img_src() -> None:
    plain = {d.split()[0]: d.split()[1:] for d in policy([]).split("; ")}
    keyed = {d.split()[0]: d.split()[1:] for d in policy([], img_src=IMG_SOURCES).split("; ")}
    assert keyed["img-src"] == ["'self'", "data:", *HOSTS]
    assert {k: v for k, v in keyed.items() if k != "img-src"} == {k: v for k, v in plain.items() if k != "img-src"}


@pytest.mark.parametrize(
    "source", ["https://*.tianditu.gov.cn", "http://t0.tianditu.gov.cn", "*", "https:", "t0.tianditu.gov.cn; script-src *"]
)
def test_only_exact_https_origins_reach_the_policy(source: str) -> None:
    with pytest.raises(ValueError):
        policy([], img_src=[source])


def test_leaflet_is_pinned_and_shipped_from_the_lockfile() -> None:
    lock = (REPO / "tools/map/package-lock.json").read_text(encoding="utf-8")
    assert '"node_modules/leaflet": {\n      "version": "1.9.4"' in lock and '"license": "BSD-2-Clause"' in lock
    leaflet = find_leaflet(REPO)
    if leaflet is None:
        pytest.skip("tools/map 未安装（npm ci --prefix tools/map）")
    assert sorted(leaflet.files) == ["assets/leaflet/LICENSE.txt", "assets/leaflet/leaflet.css", "assets/leaflet/leaflet.js"]
    assert "BSD 2-Clause" in leaflet.files["assets/leaflet/LICENSE.txt"].read_text(encoding="utf-8")


def test_without_a_key_no_page_mentions_tianditu(demo_site: Path) -> None:
    for path in demo_site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        if path.relative_to(demo_site).parts[0] in ("admin", "guide"):
            continue  # the editor's form describes the setting; the guide explains it
        assert "tianditu" not in page, path
        if "Content-Security-Policy" in page and _directives(page).get("default-src") == ["'self'"]:
            assert _directives(page)["img-src"] == ["'self'", "data:"], path
    assert not (demo_site / "assets/leaflet").exists()
    map_page = (demo_site / "fengjingxian/index.html").read_text(encoding="utf-8")
    assert "p365-tianditu" not in map_page and "显示天地图底图" not in map_page


def test_with_a_key_only_the_map_page_may_load_tiles(keyed_site: Path, demo_site: Path) -> None:
    pages = 0
    for path in keyed_site.rglob("*.html"):
        rel = path.relative_to(keyed_site)
        if rel.parts[0] == "admin" or "Content-Security-Policy" not in path.read_text(encoding="utf-8"):
            continue
        directives = _directives(path.read_text(encoding="utf-8"))
        if rel.as_posix() == "fengjingxian/index.html":
            assert directives["img-src"] == ["'self'", "data:", *HOSTS]
            plain = _directives((demo_site / rel).read_text(encoding="utf-8"))
            assert {k: v for k, v in directives.items() if k not in ("img-src", "script-src")} == {
                k: v for k, v in plain.items() if k not in ("img-src", "script-src")
            }
            assert directives["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"] and not any(
                "tianditu" in s for s in directives["script-src"]
            )
        elif directives.get("default-src") == ["'self'"]:
            assert directives["img-src"] == ["'self'", "data:"], rel
            pages += 1
    assert pages > 100


def test_with_a_key_the_map_page_offers_the_switch_and_ships_leaflet(keyed_site: Path) -> None:
    page = (keyed_site / "fengjingxian/index.html").read_text(encoding="utf-8")
    assert "显示天地图底图（会向天地图服务器发送请求）" in page
    block = re.search(r'<script type="application/json" id="p365-tianditu-data">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["key"] == KEY and data["layers"] == list(LAYERS) == ["vec_w", "cva_w"]
    assert data["script"] == "../assets/leaflet/leaflet.js" and data["style"] == "../assets/leaflet/leaflet.css"
    svg_points = set(re.findall(r'<a [^>]*data-slug="([a-z0-9-]+)"', page[page.index('<svg class="p365-map"') :]))
    assert {p["slug"] for p in data["points"]} == svg_points and len(svg_points) >= 11
    assert [len(r["stops"]) for r in data["routes"]] and all(len(r["stops"]) >= 2 for r in data["routes"])
    assert (keyed_site / "assets/leaflet/leaflet.js").stat().st_size > 100_000
    body = page[page.index("</head>") :]
    assert not re.search(r"\ssrc=\"https?://", page) and "tianditu.gov.cn" not in body  # the page itself loads nothing from elsewhere


def test_leaflet_gets_names_as_text_nodes_never_as_html() -> None:
    """Leaflet inserts a string given to bindTooltip/bindPopup/setContent as HTML; names come from
    the data, so the map script hands it elements whose text was set with textContent."""
    script = (REPO / "generator/assets/party365.js").read_text(encoding="utf-8")
    calls = re.findall(r"\.(?:bindTooltip|bindPopup|setContent)\(\s*([^,)]+)", script)
    assert calls and all(arg.strip() in {"tip", "card"} for arg in calls), calls
