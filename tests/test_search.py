"""The site's search (Pagefind) on the demo town, in a real browser: relevance, the header box,
nothing fetched before the reader searches, and no internal text in the search bundle."""

from __future__ import annotations

import gzip
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import search as bench  # bench/search.py: the relevance harness

from generator.schema import SHIQIANG
from generator.site import search
from generator.site.search import _MAGIC, CHUNK_POSITIONS, SEPARATOR, _cbor_decode, _cbor_encode, han_words, index_site, separate_characters

browser_only = pytest.mark.skipif(not Path(bench.CHROMIUM).exists(), reason="未安装 Chromium，跳过浏览器测试")


def fold_pairs(text: str) -> str:
    """Indexed text back as written, every space and separator removed: a run of Han characters
    indexed as 东 东湾 湾村 村 (generator/site/search.py `han_words`) becomes 东湾村 again, as the
    search dialog shows it (`readable` in generator/assets/party365.js)."""
    han_run = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
    words = re.findall(rf"{han_run}|[^\s\u200a\u200b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text)
    han = [bool(re.fullmatch(han_run, w)) for w in words]

    def pair(j: int) -> bool:
        return 0 <= j < len(words) and han[j] and len(words[j]) == 2

    out = []
    for j, word in enumerate(words):
        if han[j] and len(word) == 1 and ((pair(j + 1) and words[j + 1][0] == word) or (pair(j - 1) and words[j - 1][1] == word)):
            continue
        out.append(word[1] if pair(j) and pair(j - 1) and words[j - 1][1] == word[0] else word)
    return "".join(out)


def bundle_text(site: Path) -> str:
    """Everything in the search bundle as text: Pagefind's index files decompressed, the indexed
    pairs folded back into the text they came from, every space and separator removed (look for
    text with its spaces removed too)."""
    parts = []
    for path in sorted((site / "pagefind").rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        parts.append(fold_pairs(data.decode("utf-8", errors="replace")))
    return "".join(parts)


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def test_han_runs_are_indexed_as_pairs_in_text_only() -> None:
    page = '<p title="东湾村" data-pagefind-filter="bankuai:村（社区）">东湾村 3号楼，abc中文</p><script>var a = "党内";</script>'
    out = separate_characters(page)
    assert out.replace(SEPARATOR, "|") == (
        '<p title="东湾村" data-pagefind-filter="bankuai:村（社区）">|东|东湾|湾村|村 3|号|号楼|楼|，|abc|中|中文|文|</p><script>var a = "党内";</script>'
    )
    assert fold_pairs(out) == fold_pairs(page) and "东湾村3号楼，abc中文" in fold_pairs(out)
    assert han_words("党") == ["党"] and han_words("三会一课") == ["三", "三会", "会一", "一课", "课"]


def test_a_run_cut_by_tags_is_indexed_as_whole() -> None:
    """东湾村 in a link and 党委 after it: the pair across the cut (村党) is indexed, so the phrase
    东湾 湾村 村党 党委 matches. Texts in different blocks stay apart, each with its own ends
    (Pagefind would join 163号 and 办公 into one word 号办公)."""
    words = separate_characters("<p><a>东湾村</a>党委</p><dd>人民路163号</dd><dt>办公</dt>").replace(SEPARATOR, " ")
    assert re.sub(r"<[^>]+>", " ", words).split() == [
        "东",
        "东湾",
        "湾村",
        "村党",
        "党委",
        "委",
        "人",
        "人民",
        "民路",
        "路",
        "163",
        "号",
        "办",
        "办公",
        "公",
    ]


def _indexed_words(bundle: Path) -> dict[str, int]:
    """Every word of a Pagefind bundle and the number of its positions (all pages)."""
    words = {}
    for chunk in sorted((bundle / "index").iterdir()):
        data, _ = _cbor_decode(gzip.decompress(chunk.read_bytes()), len(_MAGIC))
        for word in data[0]:  # type: ignore[index]
            words[word[0]] = sum(1 for page in word[1] for loc in page[1] if loc >= 0)  # negative: weight marks
    return words


def test_pairs_reach_the_index_as_words(tmp_path: Path) -> None:
    """Pagefind's extended indexer cuts Chinese text into dictionary words; the pairs must reach
    the index as they are (湾村 and 作进 are no dictionary words), each with its position."""
    (tmp_path / "a").mkdir()
    html = '<html lang="zh-CN"><body><div data-pagefind-body><h1>东湾村党委</h1><p>机加工3号线，工作进度。</p></div></body></html>'
    (tmp_path / "a" / "index.html").write_text(html, encoding="utf-8")
    index_site(tmp_path)
    words = _indexed_words(tmp_path / "pagefind")
    for word in ("东", "东湾", "湾村", "村党", "党委", "委", "号", "号线", "作进", "进度"):
        assert words.get(word) == 1, (word, sorted(words))
    assert "湾" not in words and "进" not in words


def test_a_rare_word_never_shares_its_chunk_with_a_common_one(tmp_path: Path) -> None:
    """A query fetches the whole chunk of each of its words: 东湾 (rare, sorted just before the
    common 党员) must not come with 党员's thousands of positions, as in Pagefind's own chunks."""
    for n in range(40):
        (tmp_path / f"p{n}").mkdir()
        body = "党员" * 400 + f"<p>东湾{n}号</p>" + "".join(f"<p>第{k}{chr(0x4E00 + n * 50 + k)}{chr(0x4E00 + k)}</p>" for k in range(50))
        html = f'<html lang="zh-CN"><body><div data-pagefind-body><h1>页面{n}</h1><p>{body}</p></div></body></html>'
        (tmp_path / f"p{n}" / "index.html").write_text(html, encoding="utf-8")
    index_site(tmp_path)
    chunks = {}
    for chunk in (tmp_path / "pagefind" / "index").iterdir():
        data, _ = _cbor_decode(gzip.decompress(chunk.read_bytes()), len(_MAGIC))
        chunks[chunk.stem] = {w[0]: sum(len(page[1]) + 1 for page in w[1]) for w in data[0]}  # type: ignore[index]
    assert sum(sum(c.values()) for c in chunks.values()) > 20000  # Pagefind's own chunks hold at least 20,000
    common = next(c for c in chunks.values() if "党员" in c)
    assert list(common) == ["党员"]
    rare = next(c for c in chunks.values() if "东湾" in c)
    assert sum(rare.values()) <= CHUNK_POSITIONS
    page = gzip.decompress(next((tmp_path / "pagefind").glob("*.pf_meta")).read_bytes())
    for name in chunks:
        assert name.encode() in page  # the index lists the new chunks


@pytest.mark.parametrize("damage", ["truncated", "not an array", "a position that is no integer", "trailing bytes"])
def test_a_chunk_of_an_unknown_format_is_refused_in_chinese(damage: str) -> None:
    """The chunks are re-cut by reading Pagefind's own format: a format this code does not know
    (another Pagefind version, a damaged file) stops the build with a reason, never a traceback."""
    word = b"\x83" + _cbor_encode("党员") + b"\x81\x83\x01\x82\x05\x18\x20\x80\x80"
    good = _MAGIC + b"\x81\x81" + word
    assert search._words_of_chunk(good) == [("党员", 3, word)]
    bad = {
        "truncated": good[:-3],
        "not an array": _MAGIC + b"\x81\xa1" + word,
        "a position that is no integer": good.replace(b"\x82\x05\x18\x20", b"\x82\x05\x60"),
        "trailing bytes": good + b"\x00",
    }[damage]
    with pytest.raises(search.SearchIndexError, match="Pagefind 的索引分块格式无法识别"):
        search._words_of_chunk(bad)


def test_item_lines_repeating_their_heading_are_not_indexed(demo_site: Path) -> None:
    """The date and kind under each item repeat its 十上墙 heading on every page: left out of the
    index (they made 年, 月, 日 and the headings' words heavy); kinds under 其他公开事项 stay."""
    page = (demo_site / "dangwu/dongwan-cun/index.html").read_text(encoding="utf-8")
    lines = re.findall(r'<p class="p365-meta"( data-pagefind-ignore)?><time[^>]*>[^<]*</time> · ([^<]+)</p>', page)
    assert any(ignored for ignored, _ in lines) and any(not ignored for ignored, _ in lines)
    assert all(bool(ignored) == (kind in SHIQIANG) for ignored, kind in lines)


def test_internal_and_withdrawn_text_never_reaches_the_search_bundle(demo_site: Path) -> None:
    text = bundle_text(demo_site)
    assert "东湾村党委" in text and "红帆引航" in text  # the check can see public text
    hidden, public = [], []
    for path in sorted(REPO.glob("organizations/*/*/*.md")):
        if path.parent.name not in ("disclosures", "notices"):
            continue
        meta, body = _front_matter(path)
        lines = [line.strip()[:16] for line in body.splitlines() if len(line.strip()) >= 12][:2]
        if meta.get("audience") == "党内" or meta.get("redact") or meta.get("withdrawn"):
            hidden += lines + ([] if meta.get("withdrawn") else [meta["title"]])  # a tombstone keeps its title
        else:
            public.append(meta["title"] + "\n" + body)
    public_text = "\n".join(public)
    hidden = [h for h in hidden if h not in public_text]  # the same words published by another item may be found
    assert len(hidden) > 60
    leaked = sorted({h for h in hidden if re.sub(r"\s", "", h) in text})
    assert leaked == []


def test_only_the_generated_public_pages_are_indexed(demo_site: Path) -> None:
    entry = (demo_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8")
    pages = sum(1 for p in demo_site.rglob("index.html") if "data-pagefind-body" in p.read_text(encoding="utf-8"))
    assert f'"page_count":{pages}' in entry
    assert "data-pagefind-body" not in (demo_site / "guide/index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in (demo_site / "404.html").read_text(encoding="utf-8")


def test_bench_server_sends_text_gzipped_as_a_real_host_does(tmp_path: Path) -> None:
    """bytes per query count what a static host sends: JS gzipped, Pagefind's gzip files as they are."""
    import urllib.request

    script = ("export const words = " + repr(["党费", "东湾村"] * 2000) + ";\n").encode()
    (tmp_path / "pagefind.js").write_bytes(script)
    (tmp_path / "a.pf_index").write_bytes(gzip.compress(script))
    with bench.serve(tmp_path) as base:

        def get(name: str, encoding: str) -> tuple[str | None, bytes]:
            with urllib.request.urlopen(urllib.request.Request(base + name, headers={"Accept-Encoding": encoding})) as r:
                return r.headers.get("Content-Encoding"), r.read()

        encoding, body = get("pagefind.js", "gzip, deflate")
        assert encoding == "gzip" and gzip.decompress(body) == script and len(body) < len(script) // 10
        assert get("pagefind.js", "identity") == (None, script)
        assert get("a.pf_index", "gzip") == (None, gzip.compress(script))


@pytest.fixture(scope="module")
def served(demo_site: Path) -> Iterator[str]:
    with bench.serve(demo_site) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.ARGS)
        yield instance
        instance.close()


@browser_only
def test_relevance_set_scores_at_least_90_percent(browser, served: str) -> None:
    queries = bench.load_queries()
    assert len(queries) >= 25
    outcomes = bench.run_all(browser, served, queries, cold=False)  # bytes per query: bench/search.py
    print(bench.report(outcomes))
    assert bench.score(outcomes) >= 0.9, bench.report(outcomes)


@browser_only
def test_header_box_finds_the_first_five_queries_and_nothing_loads_before(browser, served: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(served + "dangwu/")
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 400)
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert [u for u in requests if "/pagefind/" in u] == []  # nothing before the reader searches
    page.get_by_role("button", name="搜索").click()
    dialog = page.get_by_role("dialog", name="搜索本站")
    assert dialog.is_visible()
    box = dialog.get_by_role("searchbox", name="关键词")
    for q in bench.load_queries()[:5]:
        box.fill(q.query)
        dialog.locator(f".p365-search-results[data-query='{q.query}'] li a").first.wait_for(timeout=20000)
        assert dialog.get_by_role("status").inner_text().startswith("找到")
        hrefs = [a.get_attribute("href") for a in dialog.locator(".p365-search-results li h3 a").all()[:3]]
        assert any(bench._page(h) in q.pages for h in hrefs), (q.query, hrefs)
        meta = dialog.locator(".p365-search-results li .p365-meta").first.inner_text()
        assert "·" in meta or meta  # organization, section and date
    assert any("/pagefind/" in u for u in requests)
    page.keyboard.press("Escape")  # the first Escape may clear the search field, as in any search box
    if dialog.is_visible():
        page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=2000)
    assert page.evaluate("document.activeElement.textContent").strip() == "搜索"  # focus is back on the button
    assert problems == []
    page.close()


@browser_only
def test_titles_and_excerpts_read_as_written(browser, served: str) -> None:
    """The index holds character pairs (东 东湾 湾村 村); titles, names and excerpts in the dialog
    must read as the page does, with the query marked."""
    page = browser.new_page()
    page.goto(served)
    page.wait_for_function("typeof window.p365Search === 'function'")
    found = page.evaluate("() => window.p365Search('红帆引航', {}, 10)")
    brand = next(r for r in found["results"] if r["url"] == "/pinpai/dongwan-cun/")
    assert brand["title"] == "渔港红帆" and brand["meta"]["org"] == "中共春江镇东湾村委员会"
    assert "<mark>" in brand["excerpt"] and "红帆引航，上岸也能过上好日子" in re.sub("</?mark>", "", brand["excerpt"])
    found = page.evaluate("() => window.p365Search('3号', {}, 10)")
    line = next(r for r in found["results"] if r["url"] == "/dangwu/hongda-jixie/")
    assert "3号线" in re.sub("</?mark>", "", line["excerpt"]) and line["title"] == "红达机械党支部"
    one = page.evaluate("() => window.p365Search('湾', {}, 10)")  # one character: a prefix of its pairs
    assert one["total"] > 0 and all("湾" in r["title"] + re.sub("</?mark>", "", r["excerpt"]) for r in one["results"])
    page.close()


@browser_only
def test_search_filters_by_kind_and_bankuai(browser, served: str) -> None:
    page = browser.new_page()
    page.goto(served)
    page.wait_for_function("typeof window.p365Search === 'function'")
    found = page.evaluate("() => window.p365Search('红帆', {pinpai: '1', qiye: '1'}, 20)")
    assert found["total"] > 0
    assert all(r["url"].startswith("/pinpai/") and r["meta"]["section"] == "党建品牌" for r in found["results"])
    assert "/pinpai/dongwan-cun/" not in [r["url"] for r in found["results"]]  # a village, not an enterprise
    notices = page.evaluate("() => window.p365Search('发展党员', {gongshi: '1'}, 20)")
    assert notices["total"] > 0 and all("/pinpai/" not in r["url"] for r in notices["results"])
    page.close()
