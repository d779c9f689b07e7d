"""The county site: each town's data.json catalog, `party365 county`, and a search across three
tiny towns built side by side, each served on its own loopback port (its own origin)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, run_cli

sys.path.insert(0, str(REPO / "bench"))
import county as harness  # bench/county.py: the CORS server, the towns' builds, the measured query

from generator import county
from generator.county import TownRef, read_town

TOWNS = harness.TOWN_NAMES
browser_only = pytest.mark.skipif(not Path(harness.CHROMIUM).exists(), reason="未安装 Chromium，跳过浏览器测试")


# ---- the config ----


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "county.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "rule", "line", "col"),
    [
        ("schema: 1\nname: 示例县\ntown:\n  - name: 春江镇\n", "schema-unknown-key", 3, 1),
        ("schema: 1\nname: 示例县\ntowns:\n  - name: 春江镇\n    url: chunjiang.example.org\n", "schema-value", 5, 10),
        ('schema: 1\nname: 示例县\ntowns:\n  - name: 春江镇\n    url: "https://a.org/; script-src *"\n', "schema-value", 5, 10),
        ("schema: 1\nname: 示例县\ntowns:\n  - name: 春江镇\n", "schema-required", 4, 5),
        ("schema: 1\nname: 示例县\ntowns: []\n", "schema-value", 3, 8),
        (
            "schema: 1\nname: 示例县\ntowns:\n  - {name: 甲镇, url: 'https://a.org/'}\n  - {name: 甲镇, url: 'https://b.org/'}\n",
            "schema-value",
            5,
            12,
        ),
        ("schema: 1\nname: [示例县]\ntowns:\n  - {name: 甲镇, url: 'https://a.org/'}\n", "schema-type", 2, 7),
    ],
)
def test_bad_county_config_is_named_at_its_line(tmp_path: Path, text: str, rule: str, line: int, col: int) -> None:
    path = _config(tmp_path, text)
    with pytest.raises(county.CountyConfigError) as caught:
        county.load_config(path, "county.yml")
    found = [(d.rule, d.line, d.col) for d in caught.value.diagnostics]
    assert (rule, line, col) in found, found
    run = run_cli("county", str(path), "--out", str(tmp_path / "out"))
    assert run.code == 1
    assert f"county.yml:{line}:{col}" in run.err and "错误" in run.err and "没有生成县级网站" in run.err
    assert "Traceback" not in run.err and not (tmp_path / "out").exists()


def test_missing_config_and_yaml_errors_exit_1_in_chinese(tmp_path: Path) -> None:
    run = run_cli("county", str(tmp_path / "nope.yml"))
    assert run.code == 1 and "找不到县级配置文件" in run.err and "towns:" in run.err
    run = run_cli("county", str(_config(tmp_path, "name: 示例县\ntowns: [\n")))
    assert run.code == 1 and "county.yml:" in run.err and "Traceback" not in run.err


# ---- what a town publishes is data: hostile catalogs and lists ----


def _fetcher(files: dict[str, object]):
    def fetch(url: str) -> bytes:
        if url not in files:
            raise county.FetchError(f"{url} 返回 HTTP 404")
        return json.dumps(files[url]).encode()

    return fetch


def _catalog(download: str) -> dict[str, object]:
    return {"dataset": [{"distribution": [{"downloadURL": download, "mediaType": "application/json"}]}]}


TOWN = TownRef(name="甲镇", url="https://jia.example.org/")


@pytest.mark.parametrize(
    "download",
    [
        "https://evil.example.net/data/organizations.json",
        "http://169.254.169.254/data/organizations.json",
        "file:///etc/data/organizations.json",
        "https://jia.example.org.evil.net/data/organizations.json",
    ],
)
def test_a_catalog_never_sends_the_county_build_to_another_site(download: str) -> None:
    fetched: list[str] = []
    files = {TOWN.url + "data.json": _catalog(download), download: {"organizations": [{"name": "假组织"}]}}
    inner = _fetcher(files)

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return inner(url)

    result = read_town(TOWN, fetch)
    assert fetched == [TOWN.url + "data.json"]
    assert result.orgs == [] and result.problem is not None and "不在本镇网站上" in result.problem


CATALOG, LIST = TOWN.url + "data.json", TOWN.url + "data/organizations.json"
GOOD_CATALOG = json.dumps(_catalog(LIST)).encode()


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({CATALOG: b"[" * 100_000 + b"]" * 100_000}, "嵌套过深"),
        ({CATALOG: GOOD_CATALOG, LIST: b'{"organizations": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"}, "嵌套过深"),
        ({CATALOG: b'{"dataset": [{"distribution": 5}]}'}, "没有 data/organizations.json"),
        ({CATALOG: b'{"dataset": 1' + b"0" * 5000 + b"}"}, "不是有效的 JSON"),
        ({CATALOG: GOOD_CATALOG, LIST: '{"organizations": []}'.encode("utf-16")}, "不是有效的 JSON"),
    ],
    ids=["deep-catalog", "deep-list", "distribution-number", "huge-number", "utf16"],
)
def test_a_hostile_catalog_is_a_town_that_could_not_be_read(files: dict[str, bytes], words: str) -> None:
    """json.loads raises RecursionError past its depth and ValueError on 5,000 digits; a
    distribution that is a number was iterated: three tracebacks of `party365 county`."""

    def fetch(url: str) -> bytes:
        if url not in files:
            raise county.FetchError(f"{url} 返回 HTTP 404")
        return files[url]

    result = read_town(TOWN, fetch)
    assert result.problem is not None and words in result.problem and result.orgs == []


@pytest.mark.parametrize(
    ("text", "rule", "line", "words"),
    [
        ("schema: 1\nname: 示例县\nname: 乙县\ntowns:\n  - {name: 甲镇, url: 'https://a.org/'}\n", "yaml-duplicate-key", 3, "重复"),
        ("", "schema-type", 1, "文件是空的"),
        ("schema: 1\nname: " + "[" * 340 + "]" * 340 + "\n", "yaml-depth", 2, "嵌套超过"),
    ],
)
def test_a_county_config_reports_what_the_loader_found(tmp_path: Path, text: str, rule: str, line: int, words: str) -> None:
    """A duplicate key leaves a file readable, and was dropped: only the schema's errors showed."""
    run = run_cli("county", str(_config(tmp_path, text)), "--out", str(tmp_path / "out"))
    assert run.code == 1 and f"county.yml:{line}:" in run.err and f"[{rule}]" in run.err and words in run.err


def test_a_folder_named_county_yml_is_named_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "county.yml").mkdir()
    run = run_cli("county", str(tmp_path / "county.yml"), "--out", str(tmp_path / "out"))
    assert run.code == 1 and "[file-unreadable]" in run.err and "文件夹" in run.err


BAD_LINKS = [
    "javascript:alert(1)",
    "JaVaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example.net/",
    "//evil.example.net/",
    "https://jia.example.org.evil.net/",
    'https://jia.example.org/" onmouseover="alert(1)',
]


def test_hostile_records_are_shown_as_text_and_never_as_links(tmp_path: Path) -> None:
    download = TOWN.url + "data/organizations.json"
    records = [
        {"name": f"<script>alert({i})</script>组织{i}", "bankuai": "企业党组织板块", "url": link} for i, link in enumerate(BAD_LINKS)
    ]
    records.append({"name": "好组织", "bankuai": "企业党组织板块", "url": TOWN.url + "dangwu/hao/"})
    records += [{"name": 5}, "not a record", {"url": TOWN.url}]
    result = read_town(TOWN, _fetcher({TOWN.url + "data.json": _catalog(download), download: {"organizations": records}}))
    assert result.problem is None
    assert [o.url for o in result.orgs] == [None] * len(BAD_LINKS) + [TOWN.url + "dangwu/hao/"]
    config = county.CountyConfig.model_validate({"schema": 1, "name": "示例县", "towns": [TOWN.model_dump()]})
    page = county.render_page(config, [result])
    assert "<script>alert" not in page and "&lt;script&gt;alert(0)&lt;/script&gt;组织0" in page
    hrefs = [h.split('"', 1)[0] for h in page.split('href="')[1:]]
    assert all(h.startswith(("assets/", "data/", TOWN.url)) for h in hrefs), hrefs
    assert f'href="{TOWN.url}dangwu/hao/"' in page


def test_the_page_policy_allows_the_towns_and_nothing_else() -> None:
    towns = [county.TownResult("甲镇", "https://jia.example.org/sub/"), county.TownResult("乙镇", "http://127.0.0.1:8001/")]
    policy = dict(part.split(" ", 1) for part in county.county_policy(towns).split("; "))
    assert policy["connect-src"] == "'self' http://127.0.0.1:8001 https://jia.example.org"
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'" and policy["default-src"] == "'self'"
    assert "unsafe-inline" not in county.county_policy(towns)


# ---- three towns side by side ----


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Three tiny towns (tests/sitetown.py: four organizations each), built at once, each served
    with CORS on its own port; the county config names them and a fourth town that is down."""
    from sitetown import new_site_town

    base = tmp_path_factory.mktemp("county")
    ports = harness.free_ports(len(TOWNS) + 1)
    urls = [f"http://127.0.0.1:{p}/" for p in ports]
    roots, sites = [base / f"town{i}" for i in range(len(TOWNS))], [base / f"site{i}" for i in range(len(TOWNS))]
    for root, name, url in zip(roots, TOWNS, urls, strict=False):
        new_site_town(root)
        harness.set_identity(root, name, url)
    harness.build_towns(roots, sites)
    with harness.serve(sites[0], ports[0]), harness.serve(sites[1], ports[1]), harness.serve(sites[2], ports[2]):
        config = base / "county.yml"
        config.write_text(harness.county_yml("示例县", [*zip(TOWNS, urls, strict=False), ("停电镇", urls[3])]), encoding="utf-8")
        run = run_cli("county", str(config), "--out", str(base / "county"))
        with harness.serve(base / "county") as county_url:
            yield {"sites": sites, "urls": urls, "run": run, "county": base / "county", "county_url": county_url}


def test_each_town_publishes_a_catalog_of_its_open_data(towns: dict) -> None:
    for site, url, name in zip(towns["sites"], towns["urls"], TOWNS, strict=False):
        catalog = json.loads((site / "data.json").read_text(encoding="utf-8"))
        assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema" and catalog["@type"] == "dcat:Catalog"
        orgs = json.loads((site / "data/organizations.json").read_text(encoding="utf-8"))["organizations"]
        for dataset in catalog["dataset"]:
            for key in (
                "title",
                "description",
                "keyword",
                "modified",
                "publisher",
                "contactPoint",
                "identifier",
                "accessLevel",
                "distribution",
            ):
                assert dataset[key], key
            assert dataset["publisher"]["name"] == f"中共{name}委员会" and name in dataset["title"]
            assert dataset["accessLevel"] == "public" and dataset["contactPoint"]["fn"]
            for dist in dataset["distribution"]:
                assert dist["downloadURL"].startswith(url) and dist["mediaType"] and dist["title"]
                assert (site / urlsplit(dist["downloadURL"]).path.lstrip("/")).is_file(), dist["downloadURL"]
        by_id = {d["identifier"]: d for d in catalog["dataset"]}
        assert by_id[url + "data/organizations.json"]["modified"] == max(o["updated"] for o in orgs)
        media = {d["mediaType"] for ds in catalog["dataset"] for d in ds["distribution"]}
        assert media == {"application/json", "text/csv", "application/geo+json", "application/atom+xml"}
        assert 'href="../data.json"' in (site / "data/index.html").read_text(encoding="utf-8")


def test_county_page_lists_the_towns_and_merges_their_organizations(towns: dict) -> None:
    run = towns["run"]
    assert run.code == 0, run.err
    assert "4 个镇，3 个镇的 12 个组织已合并" in run.out and "停电镇" in run.err and "无法连接" in run.err
    page = (towns["county"] / "index.html").read_text(encoding="utf-8")
    for name, url in zip(TOWNS, towns["urls"], strict=False):
        assert f'<a href="{url}">{name}</a>' in page
        assert f'<a href="{url}dangwu/taoyuan-cun/">' in page  # the merged list links into each town
    assert "以下镇的组织名单这次没有载入" in page and "停电镇：无法连接" in page
    merged = json.loads((towns["county"] / "data/organizations.json").read_text(encoding="utf-8"))
    assert len(merged["organizations"]) == 12 and {o["town"] for o in merged["organizations"]} == set(TOWNS)
    connect = next(p for p in page.split('content="', 2)[1].split('"')[0].split("; ") if p.startswith("connect-src"))
    assert all(urlsplit(u).netloc in connect for u in towns["urls"])
    assert not list((towns["county"] / "pagefind").glob("pagefind-*ui.*"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=harness.CHROMIUM, args=harness.ARGS)
        yield instance
        instance.close()


@browser_only
def test_typing_a_query_finds_pages_in_all_three_towns(browser, towns: dict) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(towns["county_url"])
    page.wait_for_load_state("networkidle")
    assert not any("/pagefind/" in u for u in requests)  # nothing before the reader searches
    page.get_by_role("searchbox", name="关键词").fill("发展党员公示甲")
    results = page.locator(".county-search-results[data-query='发展党员公示甲'] li")
    results.first.wait_for(timeout=30000)
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".county-search-results li h3 a").all()]
    meta = page.locator(".county-search-results .county-meta").all_inner_texts()
    for name, url in zip(TOWNS, towns["urls"], strict=False):
        assert any(h.startswith(url) and "taoyuan-cun" in h for h in hrefs), (name, hrefs)
        assert any(m.startswith(name) for m in meta), meta
    assert page.get_by_role("status").inner_text().startswith("找到")
    failed = page.get_by_role("alert")
    assert failed.is_visible() and "停电镇" in failed.inner_text() and not any(t in failed.inner_text() for t in TOWNS)
    page.get_by_label("镇", exact=True).select_option("秋湖镇")
    page.wait_for_function("() => document.querySelector('.county-search-status').textContent.startsWith('找到')")
    page.wait_for_timeout(300)
    only = [a.get_attribute("href") or "" for a in page.locator(".county-search-results li h3 a").all()]
    assert only and all(h.startswith(towns["urls"][1]) for h in only)
    # the dead town's refused connection is the only console error; no CSP violation
    assert [p for p in problems if "ERR_CONNECTION_REFUSED" not in p and "Failed to load" not in p and "Pagefind" not in p] == []
    page.close()


@browser_only
def test_one_query_across_three_towns_is_measured(browser, towns: dict) -> None:
    found = harness.search_once(browser, towns["county_url"], "桃源先锋")
    assert set(found.towns) == set(TOWNS)
    print(
        f"县级搜索“桃源先锋”（3 个小镇）：下载 {found.fetched / 1024:.0f} KB（gzip 计 {found.gzipped / 1024:.0f} KB），{found.requests} 个请求"
    )
    assert found.fetched > 0


@browser_only
def test_the_county_page_passes_the_audit(browser, towns: dict) -> None:
    """The same audit as every page type of a town (tools/audit.py): no axe violation at WCAG 2.2 AA,
    before and after a search with results from three towns, and a first visit within the weight and
    layout-shift budgets on a throttled phone."""
    sys.path.insert(0, str(REPO / "tools"))
    from audit import AXE, BUDGET_BYTES, BUDGET_CLS, audit_page

    if not AXE.is_file():
        pytest.skip("未安装 axe-core（./dev test 用 npm ci --prefix tools/audit 安装，需要 npm），跳过 axe 无障碍审查")

    def search(page: object) -> None:
        page.get_by_role("searchbox", name="关键词").fill("发展党员公示甲")  # type: ignore[attr-defined]
        page.locator(".county-search-results[data-query='发展党员公示甲'] li").first.wait_for(timeout=30000)  # type: ignore[attr-defined]

    first = audit_page(browser, towns["county_url"], "县级页面", "", None, large_text=False)
    print(f"\n县级页面首次访问（慢速 4G 手机）：{first.bytes_without_photos / 1024:.0f} KB，{first.requests} 个请求，CLS {first.cls:.3f}")
    assert first.violations == [], [v["id"] for v in first.violations]
    assert first.bytes_without_photos <= BUDGET_BYTES and first.cls <= BUDGET_CLS, (first.bytes_by_kind, first.cls)
    searched = audit_page(browser, towns["county_url"], "县级搜索结果", "", search, large_text=False)
    assert searched.violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in searched.violations]
