"""The content cache (generator/cache.py): hits where nothing changed, never stale, never trusted blindly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, TODAY, Town

from generator import cache, loader, markup
from generator.rules import privacy

PHOTOS = REPO / ".cache" / "party365" / "photos"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTY365_CACHE", raising=False)
    markup.render_markdown.cache_clear()  # the in-process memo would hide the disk cache


def _store_files(root: Path, kind: str) -> list[Path]:
    return sorted((root / cache.CACHE_DIR).glob(f"{kind}-*.json"))


def _render(root: Path, text: str) -> str:
    markup.render_markdown.cache_clear()
    with cache.session(root):
        return markup.render_markdown(text)


def _refuse(*_: object, **__: object) -> object:
    raise AssertionError("computed again although the cache holds it")


def test_markdown_comes_from_the_cache_when_the_text_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _render(tmp_path, "**加粗** 与 [链接](https://example.org/)")
    assert "<strong>加粗</strong>" in first and _store_files(tmp_path, "markdown")
    monkeypatch.setattr(markup, "_render_markdown", _refuse)
    assert _render(tmp_path, "**加粗** 与 [链接](https://example.org/)") == first


def test_entries_of_an_earlier_session_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`party365 validate` renders fewer texts than a build: it must not drop the build's entries."""
    _render(tmp_path, "构建时渲染的文字")
    _render(tmp_path, "校验时渲染的另一段")
    monkeypatch.setattr(markup, "_render_markdown", _refuse)
    assert _render(tmp_path, "构建时渲染的文字") == "<p>构建时渲染的文字</p>"


def test_a_small_session_does_not_empty_a_large_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed build or `party365 validate` uses a few entries of a town's thousands: the next
    build must still find the rest (a store that kept only the last session's entries made the
    rebuild after a clerk's mistake render every text of a 1,000-organization town again)."""
    texts = [f"第 {n} 条公开内容" for n in range(2500)]
    markup.render_markdown.cache_clear()
    with cache.session(tmp_path):  # the build: every text of the town
        for text in texts:
            markup.render_markdown(text)
    for n in range(3):  # three small sessions, each adding one entry
        _render(tmp_path, f"校验时的第 {n} 段")
    monkeypatch.setattr(markup, "_render_markdown", _refuse)
    markup.render_markdown.cache_clear()
    with cache.session(tmp_path):
        assert [markup.render_markdown(t) for t in texts] == [f"<p>{t}</p>" for t in texts]


def test_entries_unused_for_keep_saves_are_dropped(tmp_path: Path) -> None:
    _render(tmp_path, "早已删除的一段")
    for n in range(cache.KEEP):
        _render(tmp_path, f"后来的第 {n} 段")
    (file,) = _store_files(tmp_path, "markdown")
    data = json.loads(file.read_text(encoding="utf-8"))
    assert len(data["entries"]) == cache.KEEP  # the first entry went; the store does not grow without bound
    assert data["generation"] == cache.KEEP + 1 and set(data["used"]) == set(data["entries"])


def test_a_changed_text_is_rendered_again(tmp_path: Path) -> None:
    _render(tmp_path, "第一版")
    assert _render(tmp_path, "第二版") == "<p>第二版</p>"


@pytest.mark.parametrize("change", ["library", "code"])
def test_a_new_library_version_or_changed_code_empties_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    _render(tmp_path, "同一段文字")
    (old,) = _store_files(tmp_path, "markdown")
    if change == "library":
        real = cache.package_version
        monkeypatch.setattr(cache, "package_version", lambda name: "99.0" if name == "nh3" else real(name))
    else:
        real_source = cache.source_of
        monkeypatch.setattr(cache, "source_of", lambda *m: real_source(*m) + "# one more line\n")
    calls: list[str] = []
    real_render = markup._render_markdown
    monkeypatch.setattr(markup, "_render_markdown", lambda text: calls.append(text) or real_render(text))
    assert _render(tmp_path, "同一段文字") == "<p>同一段文字</p>"
    assert calls == ["同一段文字"]  # not served from the old store
    (new,) = _store_files(tmp_path, "markdown")
    assert new != old  # the old store is dropped when the new one is written


@pytest.mark.parametrize("damage", ["truncated", "not json", "wrong shape", "wrong fingerprint"])
def test_a_corrupt_store_or_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    _render(tmp_path, "*强调*")
    (file,) = _store_files(tmp_path, "markdown")
    data = json.loads(file.read_text(encoding="utf-8"))
    if damage == "truncated":
        file.write_text(file.read_text(encoding="utf-8")[:20], encoding="utf-8")
    elif damage == "not json":
        file.write_bytes(b"\x00\xff garbage")
    elif damage == "wrong shape":
        data["entries"] = {key: ["<script>alert(1)</script>"] for key in data["entries"]}
        file.write_text(json.dumps(data), encoding="utf-8")
    else:
        data["fingerprint"] = "0" * 16
        data["entries"] = {key: "<p>stale</p>" for key in data["entries"]}
        file.write_text(json.dumps(data), encoding="utf-8")
    assert _render(tmp_path, "*强调*") == "<p><em>强调</em></p>"


def test_stores_are_replaced_atomically_and_a_read_only_cache_does_not_fail(tmp_path: Path) -> None:
    _render(tmp_path, "一")
    folder = tmp_path / cache.CACHE_DIR
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp-")]  # no temporary file left behind
    folder.chmod(0o500)
    try:
        assert _render(tmp_path, "二") == "<p>二</p>"  # the store cannot be written: the work is still done
    finally:
        folder.chmod(0o700)


def test_no_cache_outside_a_session_or_when_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.store("markdown", markup.cache_inputs) is None
    monkeypatch.setenv("PARTY365_CACHE", "off")
    _render(tmp_path, "文字")
    assert not (tmp_path / cache.CACHE_DIR).exists()


def _load_twice(town: Town, rel: str, text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[loader.Document, loader.Document]:
    path = town.write(rel, text)
    load = loader.load_markdown if rel.endswith(".md") else loader.load_yaml
    with cache.session(town.root):
        fresh = load(path, rel)
    with monkeypatch.context() as m:
        m.setattr(loader, "_yaml_document", _refuse)
        m.setattr(loader, "_markdown_document", _refuse)
        m.setattr(loader, "_BUILDERS", {"yaml": _refuse, "markdown": _refuse})
        with cache.session(town.root):
            cached = load(path, rel)
    return fresh, cached


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("organizations/a/org.yml", "name: 甲村\nlist:\n  - 一\n  - {k: 2, f: 1.5, b: true, n: null}\n"),
        ("organizations/a/org.yml", "name: 甲村\nname: 重复\n\tbad: tab\n"),  # load problems are cached with the data
        ("organizations/a/org.yml", b"\xef\xbb\xbfname: \xe7\x94\xb2\r\n"),  # BOM and CRLF
        ("organizations/a/org.yml", b"name: \xb8\xf6\xc8\xcb\n"),  # not UTF-8
        ("organizations/a/disclosures/2026-10-01-a.md", "---\ntitle: 标题\ncategory: 两务公开\n---\n\n正文**一**\n"),
        ("organizations/a/disclosures/2026-10-01-a.md", "title: 没有开头\n---\n正文\n"),
    ],
)
def test_a_cached_document_equals_a_fresh_one(town: Town, monkeypatch: pytest.MonkeyPatch, rel: str, text: str | bytes) -> None:
    fresh, cached = _load_twice(town, rel, text, monkeypatch)
    assert cached == fresh
    for doc in (fresh, cached):  # positions survive the round trip
        if isinstance(doc.data, loader.YMap):
            assert {k: doc.data.value_pos[k] for k in doc.data} == {k: fresh.data.value_pos[k] for k in fresh.data}
            assert doc.data.key_pos == fresh.data.key_pos and doc.data.pos == fresh.data.pos


def test_a_changed_file_is_parsed_again(town: Town) -> None:
    path = town.write("organizations/a/org.yml", "name: 甲村\n")
    with cache.session(town.root):
        assert loader.load_yaml(path, "org.yml").data == {"name": "甲村"}
    path.write_text("name: 乙村\n", encoding="utf-8")
    with cache.session(town.root):
        assert loader.load_yaml(path, "org.yml").data == {"name": "乙村"}


def test_a_corrupt_document_entry_is_ignored(town: Town) -> None:
    path = town.write("organizations/a/org.yml", "name: 甲村\n")
    with cache.session(town.root):
        loader.load_yaml(path, "org.yml")
    (file,) = _store_files(town.root, "documents")
    data = json.loads(file.read_text(encoding="utf-8"))
    data["entries"] = {key: {"data": {"m": "x"}, "text": True} for key in data["entries"]}
    file.write_text(json.dumps(data), encoding="utf-8")
    with cache.session(town.root):
        doc = loader.load_yaml(path, "org.yml")
    assert doc.data == {"name": "甲村"} and doc.data.value_pos["name"] == loader.Pos(1, 7)


def test_privacy_findings_come_from_the_cache_with_the_same_positions(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    town.add_org("a")
    town.write(
        "organizations/a/disclosures/2026-10-20-lianxi.md",
        "---\ntitle: 联系\ncategory: 两务公开\n---\n\n联系人电话 138 1234 5678，身份证 320411199001011237。\n",
    )
    first = town.diagnostics()
    assert {d.rule for d in first} >= {"privacy-mobile", "privacy-id-number"}
    monkeypatch.setattr(privacy, "_hits", _refuse)
    assert town.diagnostics() == first


def test_the_demo_site_is_byte_identical_with_and_without_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.site import generate

    root = tmp_path / "town"
    for folder in ("organizations", "content"):
        shutil.copytree(REPO / folder, root / folder)

    def files() -> tuple[dict[str, object], list[object]]:
        markup.render_markdown.cache_clear()
        out = generate(root, TODAY, cache_dir=PHOTOS)
        contents = {path: (content.read_bytes() if isinstance(content, Path) else content) for path, content in out.files.items()}
        return contents, list(out.warnings)

    monkeypatch.setenv("PARTY365_CACHE", "off")
    plain = files()
    assert not (root / cache.CACHE_DIR).exists()
    monkeypatch.delenv("PARTY365_CACHE")
    assert files() == plain  # cold: fills the stores
    assert all(_store_files(root, kind) for kind in ("documents", "markdown", "privacy"))
    monkeypatch.setattr(markup, "_render_markdown", _refuse)
    monkeypatch.setattr(loader, "_BUILDERS", {"yaml": _refuse, "markdown": _refuse})
    assert files() == plain  # warm: no Markdown rendered, no file parsed; the same pages and warnings
