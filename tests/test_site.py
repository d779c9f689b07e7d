"""The public site: a real MkDocs build of a small town, what it shows and what it must never show."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote
from xml.etree import ElementTree

import markdown
import pytest
from conftest import TODAY, Town, notice_md, org_yml
from sitetown import HARDSHIP_TITLE, INTERNAL_TITLE, REDACTED_TEXT, make_site_town, mkdocs_build, new_site_town, tree_digest

from generator.site import generate
from generator.site.build import Page, build_site, options_from_town, relative
from generator.validate import validate

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_site_town(tmp_path_factory.mktemp("town")).root
    result = mkdocs_build(root, root / "site", strict=False)  # the town has one one-sided 联建 claim
    assert result.returncode == 0, result.stderr
    assert "[ref-partner-one-sided]" in result.stderr
    return root / "site"


def test_data_warnings_fail_a_strict_build(built: Path, tmp_path: Path) -> None:
    result = mkdocs_build(built.parent, tmp_path / "strict")
    assert (
        result.returncode == 1
        and "WARNING -  party365: organizations/xinhe-shequ/org.yml:34:14: 警告 [ref-partner-one-sided]" in result.stderr
    )


def _all_text(site: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in {".html", ".json", ".xml", ".csv", ".geojson"}
    )


def test_every_section_is_built(built: Path) -> None:
    for page in (
        "index.html",
        "dangwu/index.html",
        "dangwu/taoyuan-cun/index.html",
        "gongshi/index.html",
        "pinpai/index.html",
        "pinpai/taoyuan-cun/index.html",
        "data/index.html",
        "data/organizations.json",
        "data/organizations.csv",
        "data/organizations.geojson",
        "feed.xml",
        "schema/org.schema.json",
        "guide/index.html",
        "assets/party365.js",
    ):
        assert (built / page).is_file(), page
    assert not (built / "_town").exists()
    assert not (built / "pinpai/zhen-jiguan").exists()  # no brand, no brand page


def test_renamed_organization_keeps_its_old_address(built: Path) -> None:
    for old, new in (("dangwu/taoyuan-old/index.html", "../taoyuan-cun/"), ("pinpai/taoyuan-old/index.html", "../taoyuan-cun/")):
        page = (built / old).read_text(encoding="utf-8")
        assert f'content="0; url={new}"' in page and f'href="{new}"' in page
        assert (built / old).parent.joinpath(new, "index.html").resolve().is_file()


def test_internal_items_never_reach_the_site(built: Path) -> None:
    text = _all_text(built)
    assert INTERNAL_TITLE not in text
    assert HARDSHIP_TITLE not in text
    assert REDACTED_TEXT not in text


def test_withdrawn_item_keeps_a_tombstone(built: Path) -> None:
    page = (built / "dangwu/taoyuan-cun/index.html").read_text(encoding="utf-8")
    assert 'id="2026-11-04-chehui"' in page and "已撤回：数据有误" in page
    assert 'id="2026-11-06-redact"' in page and "已撤回：误发了个人信息" in page  # redact needs a reason (item-redact-reason)


def test_org_page_shows_its_items_votes_notices_and_archive(built: Path) -> None:
    page = (built / "dangwu/taoyuan-cun/index.html").read_text(encoding="utf-8")
    assert "<strong>生态停车场</strong>" in page and "<td>40</td>" in page
    assert "发展党员公示甲" in page and "往期公示乙" in page
    assert "2025 年（1 条）" in page
    assert 'href="../../pinpai/taoyuan-cun/"' in page  # disclosure page -> brand profile
    assert '<time datetime="2026-11-07">2026年11月7日</time>' in page


def test_brand_profile_links_back_and_shows_mutual_partners_only(built: Path) -> None:
    page = (built / "pinpai/taoyuan-cun/index.html").read_text(encoding="utf-8")
    assert 'href="../../dangwu/taoyuan-cun/"' in page
    assert "红色引擎" in page  # hongda-jixie lists taoyuan-cun too
    assert "网格连心" not in page  # xinhe-shequ's claim is one-sided
    assert 'alt="桃源先锋的活动现场"' in page and 'width="64" height="48"' in page
    assert 'type="image/webp"' in page and "photos/taoyuan-cun/a-" in page
    other = (built / "pinpai/hongda-jixie/index.html").read_text(encoding="utf-8")
    assert "桃源先锋" in other


def test_notices_closing_soonest_first(built: Path) -> None:
    page = (built / "gongshi/index.html").read_text(encoding="utf-8")
    assert page.index("优秀党员公示丙") < page.index("发展党员公示甲")  # ends 11-26 before 11-30
    assert "剩余 1 天" in page and 'data-end="2026-11-26"' in page


def _sections(html: str) -> dict[str, str]:
    """The page's text by h2 id (what stands under each heading)."""
    parts = re.split(r'<h2 id="([a-z0-9-]+)"', html)
    return {parts[i]: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", parts[i + 1])) for i in range(1, len(parts) - 1, 2)}


def test_a_notice_that_has_not_started_is_listed_apart_and_not_counted(upcoming_site: Path) -> None:
    """A notice starting after the build day was listed under 正在公示 (home, /gongshi/, its organization's
    page). It stands under 即将开始的公示 as "将于 M月D日 开始公示"; the browser moves it on its day
    (tests/test_browser.py)."""
    d, e = ("民主评议公示丁", "将于 11月28日 开始公示"), ("优秀党员公示戊", "将于 12月1日 开始公示")
    home = (upcoming_site / "index.html").read_text(encoding="utf-8")
    notices = (upcoming_site / "gongshi/index.html").read_text(encoding="utf-8")
    org = (upcoming_site / "dangwu/taoyuan-cun/index.html").read_text(encoding="utf-8")
    only = (upcoming_site / "dangwu/xinhe-shequ/index.html").read_text(encoding="utf-8")
    for html, upcoming in ((home, (d, e)), (notices, (d, e)), (org, (d,)), (only, (e,))):
        sections = _sections(html)
        assert all(title not in sections["zhengzai"] for title, _ in (d, e))
        assert all(f"{title} " in sections["jijiang"] and when in sections["jijiang"] for title, when in upcoming)
    assert "正在公示（2 条）" in _sections(notices)["zhengzai"] and "即将开始的公示（2 条）" in _sections(notices)["jijiang"]
    assert "目前没有正在进行的公示。" in _sections(only)["zhengzai"]
    count = re.search(r'class="p365-live-count" data-periods="([^"]*)">(\d+)<', home)
    assert count is not None and count.group(2) == "2"  # 甲 and 丙 are open; 丁 and 戊 are not counted
    assert "2026-11-28/2026-12-04" in count.group(1)  # the script counts 丁 from its first day
    feed = (upcoming_site / "feed.xml").read_text(encoding="utf-8")
    assert "发展党员公示甲" in feed and d[0] not in feed and e[0] not in feed  # in the feed from its first day's build


def test_start_of_a_notice_in_another_year_says_the_year() -> None:
    import datetime as dt

    from generator.templating import cn_start

    assert cn_start(dt.date(2026, 11, 28), dt.date(2026, 11, 26)) == "将于 11月28日 开始公示"
    assert cn_start(dt.date(2027, 1, 4), dt.date(2026, 12, 28)) == "将于 2027年1月4日 开始公示"


def test_brand_index_has_filters_and_plain_lists(built: Path) -> None:
    page = (built / "pinpai/index.html").read_text(encoding="utf-8")
    assert page.count('class="p365-brand-card"') == 3
    assert 'data-level="区级示范点"' in page and "<summary>区级示范点（1 个）</summary>" in page
    assert "<form" in page and "hidden" in page  # the form appears only with JavaScript


def test_open_data(built: Path) -> None:
    orgs = json.loads((built / "data/organizations.json").read_text(encoding="utf-8"))["organizations"]
    assert [o["slug"] for o in orgs] == ["hongda-jixie", "taoyuan-cun", "xinhe-shequ", "zhen-jiguan"]
    assert orgs[1]["url"] == "https://example.org/dangwu/taoyuan-cun/"
    csv = (built / "data/organizations.csv").read_bytes()
    assert csv.startswith("\ufeffslug,name".encode())
    geo = json.loads((built / "data/organizations.geojson").read_text(encoding="utf-8"))
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [120.0, 31.78]}
    feed = (built / "feed.xml").read_text(encoding="utf-8")
    assert "<entry>" in feed and "https://example.org/dangwu/taoyuan-cun/#2026-11-07-vote" in feed


def test_site_identity_comes_from_town_data(built: Path) -> None:
    page = (built / "index.html").read_text(encoding="utf-8")
    assert "测试镇党建</title>" in page
    assert "示例数据" in page
    assert 'property="og:title"' in page


def test_search_bundle_holds_public_text_and_nothing_internal(built: Path) -> None:
    from test_search import bundle_text

    text = bundle_text(built)
    assert "生态停车场" in text and "发展党员公示甲" in text  # public items are indexed
    for hidden in (INTERNAL_TITLE, HARDSHIP_TITLE, REDACTED_TEXT):
        assert hidden not in text


def test_pages_do_not_carry_the_whole_town(built: Path) -> None:
    page = (built / "dangwu/taoyuan-cun/index.html").read_text(encoding="utf-8")
    assert "zhen-jiguan" not in page  # another organization's page is not in the sidebar


def test_internal_links_resolve(built: Path) -> None:
    missing = []
    for html in built.rglob("*.html"):
        for value in re.findall(r'(?:href|src)="([^"]*)"', html.read_text(encoding="utf-8")):
            target = unquote(value.split("#", 1)[0].split("?", 1)[0])  # a Chinese file name is percent-encoded
            if not target or ":" in target or target.startswith("/"):
                continue
            resolved = (html.parent / target).resolve()
            if not (resolved.is_file() or (resolved / "index.html").is_file()):
                missing.append(f"{html.relative_to(built)} -> {target}")
    assert missing == []


def test_two_builds_are_identical(built: Path, tmp_path: Path) -> None:
    root = built.parent
    result = mkdocs_build(root, tmp_path / "again", strict=False)
    assert result.returncode == 0, result.stderr
    assert tree_digest(tmp_path / "again") == tree_digest(built)


def test_broken_data_leaves_the_previous_site_untouched(built: Path, tmp_path: Path) -> None:
    root = built.parent
    site = tmp_path / "site"
    assert mkdocs_build(root, site, strict=False).returncode == 0
    before = tree_digest(site)
    org = root / "organizations/zhen-jiguan/org.yml"
    original = org.read_text(encoding="utf-8")
    try:
        org.write_text(original.replace("sector: 机关事业单位", "sector: 机关"), encoding="utf-8")
        result = mkdocs_build(root, site, strict=False)
    finally:
        org.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "organizations/zhen-jiguan/org.yml:4:9: 错误 [schema-enum]" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(site) == before


# ------------------------------------------------------------------ the core without MkDocs

PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '"><svg onload=alert(1)>',
    "[图](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=https://evil.example></iframe>",
    "javascript:alert(1)",
    "*强调*<style>body{display:none}</style>",
)


def _hostile_town(town: Town, payload: str) -> None:
    hostile = payload.replace('"', '\\"')
    brand = (
        "brand:\n"
        f'  name: "品牌{hostile}"\n  slogan: "{hostile}"\n  model: 美丽和谐型\n  batch: 一期\n'
        f'  idea: "{hostile}"\n  results: "{hostile}"\n'
        f'  practices:\n    - title: "{hostile}"\n      text: "{hostile}"\n'
        f'  honors:\n    - year: 2020\n      title: "{hostile}"\n      by: "{hostile}"\n'
    )
    text = (
        org_yml(brand=brand)
        .replace("name: 中共测试镇样板村委员会", f'name: "中共{hostile}"')
        .replace("short_name: 样板村党委", f'short_name: "简{hostile}"')
    )
    text = text.replace("  name: 王某某", f'  name: "{hostile}"').replace("  address: 测试镇样板路 1 号", f'  address: "{hostile}"')
    text += f'intro: "{hostile}"\n'
    town.write("organizations/a-cun/org.yml", text)
    town.write(
        "organizations/a-cun/disclosures/2026-11-01-x.md", f'---\nschema: 1\ntitle: "{hostile}"\ncategory: 两民工作\n---\n{payload}\n'
    )
    town.write(
        "organizations/a-cun/notices/2026-11-23-x.md",
        f'---\nschema: 1\ntitle: "{hostile}"\nkind: 其他\nstart: 2026-11-23\nend: 2026-11-30\nobjection:\n  phone: "{hostile}"\n  address: "{hostile}"\n  contact: "{hostile}"\n---\n{payload}\n',
    )


class _ActiveContent(HTMLParser):
    """Collects every element or attribute that could run code in a browser."""

    DANGEROUS_TAGS: ClassVar[set[str]] = {
        "script",
        "iframe",
        "frame",
        "object",
        "embed",
        "svg",
        "math",
        "style",
        "link",
        "meta",
        "base",
        "form",
    }

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        own = {("form", "p365-filter"), ("form", "p365-map-filter"), ("svg", "p365-map"), ("svg", "p365-chart")}  # the site's own
        if tag in self.DANGEROUS_TAGS and (tag, dict(attrs).get("class")) not in own:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and value and re.match(r"\s*(javascript|vbscript|data):", value, re.IGNORECASE):
                self.found.append(f"{tag} {name}={value}")


def _active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_becomes_executable_even_past_the_validator(town: Town, payload: str) -> None:
    _hostile_town(town, payload)
    result = validate(town.root, TODAY)
    assert result.errors  # the validator refuses it ...
    files = build_site(result, options_from_town(result))  # ... and the renderer is safe anyway
    md = markdown.Markdown(extensions=["admonition", "attr_list", "tables", "toc"])
    for path, content in files.items():
        if isinstance(content, Page):  # what MkDocs makes of the page, with the fragments filled in
            assert _active_content(content.filled(md.reset().convert(content.markdown.split("\n---\n", 1)[-1]))) == [], path
        elif path.endswith(".html"):
            assert _active_content(content) == [], path
        elif path.endswith(".xml"):  # well-formed, titles are plain text, links stay on the site
            feed = ElementTree.fromstring(content)
            for element in feed.iter():
                if element.tag.endswith("title"):
                    assert len(element) == 0
                if element.tag.endswith("link"):
                    assert element.get("href", "").startswith("https://example.org/")


def test_generate_refuses_invalid_data(town: Town) -> None:
    from generator.diagnostics import DataError

    town.write("organizations/a-cun/org.yml", org_yml().replace("sector: 村", "sector: 农村"))
    with pytest.raises(DataError) as info:
        generate(town.root, TODAY, cache_dir=town.root / "cache")
    assert "[schema-enum]" in str(info.value)


def test_relative_links() -> None:
    assert relative("", "dangwu/") == "dangwu/"
    assert relative("dangwu/a/", "pinpai/a/") == "../../pinpai/a/"
    assert relative("dangwu/", "dangwu/") == "./"
    assert relative("data/", "data/organizations.json") == "organizations.json"
    assert relative("pinpai/a/", "photos/a/x.jpg") == "../../photos/a/x.jpg"


# ------------------------------------------------------------------ golden pages


@pytest.mark.parametrize("page", ["dangwu/taoyuan-cun.md", "pinpai/taoyuan-cun.md"])
def test_golden_pages(town: Town, page: str) -> None:
    from tools_photo import jpeg  # noqa: F401

    make_site_town(town)
    generated = generate(town.root, TODAY, cache_dir=town.root / "cache").files[page]
    assert isinstance(generated, Page)
    text = generated.filled()
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 and review the diff"


def test_withdrawn_items_are_not_search_hits(built: Path) -> None:
    page = (built / "dangwu/taoyuan-cun/index.html").read_text(encoding="utf-8")
    tombstone = re.search(r'<article class="p365-item p365-withdrawn" id="2026-11-04-chehui"([^>]*)>', page)
    assert tombstone is not None and "data-pagefind-ignore" in tombstone.group(1)


def test_a_withdrawn_notice_says_so_on_any_day_it_is_read(town: Town) -> None:
    """A notice withdrawn during its period says 已撤回, with no dates for the page's script to
    re-decide: read the next day, it must not turn into "剩余 N 天" beside its tombstone."""
    town.add_org("a-cun")
    start, end = TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=5)
    withdrawn = f"withdrawn: {{date: {TODAY.isoformat()}, reason: 名单有误}}\n"
    town.write(f"organizations/a-cun/notices/{start.isoformat()}-x.md", notice_md(start.isoformat(), end.isoformat(), extra=withdrawn))
    page = generate(town.root, TODAY, cache_dir=town.root / "cache").files["dangwu/a-cun.md"]
    assert isinstance(page, Page)
    html = page.filled()
    assert '<span class="p365-countdown p365-closed">已撤回</span>' in html
    assert "剩余" not in html and 'data-start="' not in html
