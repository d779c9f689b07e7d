"""Booklets and boards are tagged PDF/UA-1: read back from the PDFs themselves (pypdf, test-only).

What a screen reader or a PDF library needs: /MarkInfo /Marked true and a structure tree, the
document's language and a title that names it (shown by viewers instead of the file name), XMP
metadata that says the same, bookmarks per case or section, and every image a Figure carrying the
alt text written in the data. WeasyPrint's untagged output fails every one of these tests.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import REPO, TODAY, Town, disclosure_md

from generator import printing
from generator.images import prepare_photos
from generator.validate import validate

pypdf = pytest.importorskip("pypdf")

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
TRUE = pypdf.generic.BooleanObject(True)


@pytest.fixture(scope="module")
def demo() -> tuple:
    result = validate(REPO, TODAY)
    ds = result.dataset
    photos = prepare_photos(ds, set(ds.orgs), REPO / ".cache/party365/photos")
    return ds, photos


@pytest.fixture(scope="module")
def quji(demo) -> Any:
    ds, photos = demo
    return pypdf.PdfReader(io.BytesIO(printing.render_pdf(printing.booklet_html(ds, "quji-shifandian", photos, demo=True))))


def _outline(items: list) -> list[tuple[str, list]]:
    """pypdf's outline ([dest, [children], dest, ...]) as [(title, children)]."""
    tree: list[tuple[str, list]] = []
    for item in items:
        if isinstance(item, list):
            tree[-1] = (tree[-1][0], _outline(item))
        else:
            tree.append((item.title, []))
    return tree


def _elements(reader: Any) -> list[Any]:
    """Every structure element under /StructTreeRoot, in document order."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        if node.get("/Type") == "/StructElem":
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
            if isinstance(kid, pypdf.generic.IndirectObject):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _xmp(reader: Any) -> ElementTree.Element:
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return ElementTree.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")])


def _assert_tagged(reader: Any, title: str) -> None:
    root = reader.trailer["/Root"]
    assert root.get("/MarkInfo", {}).get("/Marked") == TRUE, "not a tagged PDF: /MarkInfo /Marked is not true"
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/Type"] == "/StructTreeRoot" and "/ParentTree" in tree
    assert _elements(reader)[0]["/S"] == "/Document"
    assert root["/Lang"] == "zh-CN"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == TRUE  # viewers show the title, not the file name
    assert reader.metadata.title == title
    xmp = _xmp(reader)
    assert [li.text for li in xmp.iter(f"{DC}title") for li in li.iter(f"{RDF}li")] == [title]
    assert [li.text for li in xmp.iter(f"{DC}language") for li in li.iter(f"{RDF}li")] == ["zh-CN"]
    assert [d.get(f"{PDFUAID}part") for d in xmp.iter(f"{RDF}Description") if d.get(f"{PDFUAID}part")] == ["1"]
    assert len(list(xmp.iter(f"{RDF}RDF"))) == 1  # one RDF in the packet, as XMP wants


def test_booklet_is_tagged_with_the_collections_name(demo, quji) -> None:
    ds, _ = demo
    collection = ds.valid.collections["quji-shifandian"]
    title = printing.booklet_title(collection)
    # The collection's title is a slogan; the PDF's title is completed by the subtitle, which names the booklet.
    assert title == "点亮一盏灯　照亮一大片——春江镇区级基层党建示范点典型案例"
    _assert_tagged(quji, title)
    assert quji.metadata.author == collection.editor


def test_booklet_bookmarks_are_the_cases_with_their_sections(demo, quji) -> None:
    ds, photos = demo
    collection = ds.valid.collections["quji-shifandian"]
    cases = printing.booklet_cases(ds, collection, photos)
    outline = _outline(quji.outline)
    assert [t for t, _ in outline] == ["目录", "编者按", *(f"{c.number}. {c.heading}" for c in cases)]
    for (_, sections), case in zip(outline[2:], cases, strict=True):
        expected = ["品牌理念", "主要做法", "工作成效", "所获荣誉"] + (["镇党委点评"] if case.commentary else [])
        assert [t for t, _ in sections] == expected
    # Headings are structure too, at the levels of the bookmarks (no skipped level under the cover's H1).
    headings = [e["/S"] for e in _elements(quji) if e["/S"] in ("/H1", "/H2", "/H3")]
    assert headings[:3] == ["/H1", "/H2", "/H2"] and headings.count("/H2") == 2 + len(cases)


def test_booklet_images_carry_the_alt_text_of_the_data(demo, quji) -> None:
    ds, photos = demo
    cases = printing.booklet_cases(ds, ds.valid.collections["quji-shifandian"], photos)
    expected = [photo.alt for case in cases for _, photo in case.photos[:2]]
    assert len(expected) >= 3 and all(expected)
    figures = [e for e in _elements(quji) if e["/S"] == "/Figure"]
    assert [f.get("/Alt") for f in figures] == expected


@pytest.fixture(scope="module")
def board(demo) -> tuple[Any, Any]:
    ds, _ = demo
    photos = prepare_photos(ds, {"taoyuan-cun"}, REPO / ".cache/party365/photos", scope="board")
    html = printing.board_html(ds, "taoyuan-cun", "A4", photos)
    return pypdf.PdfReader(io.BytesIO(printing.render_pdf(html))), photos


def test_board_is_tagged_with_bookmarks_per_section(demo, board) -> None:
    ds, _ = demo
    reader, photos = board
    entry = ds.valid.orgs["taoyuan-cun"]
    _assert_tagged(reader, f"{entry.model.name}党务公开栏")
    sections = printing.board_sections(entry, ds.today, photos)
    outline = _outline(reader.outline)
    titles = [t for t, _ in outline]
    assert titles[-len(sections) :] == [s.heading for s in sections] and titles[: -len(sections)] in ([], ["公示"])
    for (_, items), section in zip(outline[-len(sections) :], sections, strict=True):
        assert [t for t, _ in items] == [item.title + ("（党内）" if internal else "") for _, item, _, _, internal in section.items]


def test_board_figures_carry_alt_text_the_qr_code_its_address(demo, board) -> None:
    ds, _ = demo
    reader, photos = board
    entry = ds.valid.orgs["taoyuan-cun"]
    expected = [photo.alt for s in printing.board_sections(entry, ds.today, photos) for *_, pics, _ in s.items for _, photo in pics]
    figures = [e.get("/Alt") for e in _elements(reader) if e["/S"] == "/Figure"]
    assert figures[0] == f"{printing.QR_TITLE} https://dangjian.chunjiang.example.cn/dangwu/taoyuan-cun/"
    assert figures[1:] == expected and all(expected)


def test_headings_in_a_clerks_text_are_not_bookmarks(town: Town, tmp_path: Path) -> None:
    town.add_org("a-cun")
    body = "# 一、基本情况\n\n正文。\n\n## （一）人员\n\n正文。\n"
    town.write("organizations/a-cun/disclosures/2026-11-05-x.md", disclosure_md("两民工作", body=body))
    ds = validate(town.root, TODAY).dataset
    html = printing.board_html(ds, "a-cun", "A4")
    assert "<h4>一、基本情况</h4>" in html  # demoted under the board's own headings
    reader = pypdf.PdfReader(io.BytesIO(printing.render_pdf(html)))
    every: list[str] = []

    def flatten(tree: list[tuple[str, list]]) -> None:
        for title, children in tree:
            every.append(title)
            flatten(children)

    flatten(_outline(reader.outline))
    assert "两民工作" in every and "一、基本情况" not in every and "（一）人员" not in every


def test_pdf_cache_key_holds_the_pdf_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF typeset with other options (e.g. untagged, before this) is never served from the cache."""
    printing.typesetting_inputs.cache_clear()
    tagged = printing.typesetting_inputs()
    try:
        assert "pdf/ua-1" in tagged
        monkeypatch.setattr(printing, "PDF_OPTIONS", {})
        printing.typesetting_inputs.cache_clear()
        assert printing.typesetting_inputs() != tagged
        monkeypatch.setattr(printing, "PDF_OPTIONS", {"pdf_variant": "pdf/ua-1"})
        monkeypatch.setattr(printing, "PDF_REVISION", printing.PDF_REVISION + 1)
        printing.typesetting_inputs.cache_clear()
        assert printing.typesetting_inputs() != tagged
    finally:
        monkeypatch.undo()
        printing.typesetting_inputs.cache_clear()
