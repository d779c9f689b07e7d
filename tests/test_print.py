"""Print: case booklets and bulletin boards, checked in the PDFs themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, TODAY, Town, disclosure_md, notice_md

from generator import printing
from generator.images import prepare_photos
from generator.validate import validate

pypdf = pytest.importorskip("pypdf")


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages]


def _fonts_embedded(pdf: Path) -> bool:
    reader = pypdf.PdfReader(str(pdf))
    fonts = []
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts.append(descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    return bool(fonts) and all(fonts)


@pytest.fixture(scope="module")
def demo() -> tuple:
    result = validate(REPO, TODAY)
    photos = prepare_photos(result.dataset, set(result.dataset.orgs), REPO / ".cache/party365/photos")
    return result.dataset, photos


def test_booklet_has_the_cases_in_chinese_with_embedded_fonts(demo, tmp_path: Path) -> None:
    ds, photos = demo
    pdf, _ = printing.cached_pdf(printing.booklet_html(ds, "quji-shifandian", photos, demo=True), tmp_path)
    pages = _pages(pdf)
    text = "\n".join(pages)
    for name in ("桃源先锋", "邻里红管家", "红色引擎", "镇党委点评", "点亮一盏灯"):
        assert name in text, name
    assert "\ufffd" not in text  # no tofu: every glyph maps back to its character
    assert _fonts_embedded(pdf)


def test_booklet_table_of_contents_matches_the_chapters(demo, tmp_path: Path) -> None:
    ds, photos = demo
    collection = ds.valid.collections["yiqi-pinpai"]
    pdf, _ = printing.cached_pdf(printing.booklet_html(ds, "yiqi-pinpai", photos, demo=True), tmp_path)
    pages = _pages(pdf)
    toc = "\n".join(p for p in pages[1:6] if "目录" in p)
    entries = re.findall(r"^(\d+)\. .*?(\d+)\s*$", toc, re.MULTILINE)
    assert len(entries) == len(collection.cases) == 33
    for number, page in entries:
        heading = re.compile(rf"^{number}\. ", re.MULTILINE)
        assert heading.search(pages[int(page) - 1]), f"chapter {number} is not on page {page}"
    assert len(pages) > 33


def _qr_payload(pdf: Path) -> str:
    import cv2
    import numpy as np
    import pypdfium2

    image = pypdfium2.PdfDocument(str(pdf))[0].render(scale=3).to_pil().convert("L")
    value, _, _ = cv2.QRCodeDetector().detectAndDecode(np.array(image))
    return value


def test_board_qr_code_is_the_organization_address(demo, tmp_path: Path) -> None:
    pytest.importorskip("cv2")
    ds, photos = demo
    pdf, _ = printing.cached_pdf(printing.board_html(ds, "taoyuan-cun", "A3", photos), tmp_path)
    assert _qr_payload(pdf) == "https://dangjian.chunjiang.example.cn/dangwu/taoyuan-cun/"


def test_board_sections_follow_the_sector(demo, tmp_path: Path) -> None:
    ds, photos = demo
    village = "\n".join(_pages(printing.cached_pdf(printing.board_html(ds, "lihua-cun", "A3", photos), tmp_path)[0]))
    firm = "\n".join(_pages(printing.cached_pdf(printing.board_html(ds, "hongda-jixie", "A4", photos), tmp_path)[0]))
    assert "两农组织情况" in village and "两农组织情况" not in firm
    assert "党员家规家训" in firm


def test_internal_items_are_on_the_board_and_nowhere_on_the_site(town: Town, tmp_path: Path, demo_site: Path) -> None:
    ds, _ = validate(REPO, TODAY).dataset, None
    internal = [i for i in ds.valid.orgs["binjiang-shequ"].disclosures if i.model.audience == "党内" and i.date.year == 2026]
    assert internal
    board = printing.board_html(ds, "binjiang-shequ")
    site_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in demo_site.rglob("*.html"))
    for item in internal:
        assert item.model.title in board
        assert item.model.title not in site_text


def test_long_text_flows_and_missing_photos_leave_no_hole(town: Town, tmp_path: Path) -> None:
    town.add_org("a-cun")
    long_body = "\n\n".join(f"第{i}段：" + "党员志愿者走访农户，收集意见，记录在册。" * 20 for i in range(60))
    town.write("organizations/a-cun/disclosures/2026-11-05-long.md", disclosure_md("两民工作", body=long_body))
    town.write("organizations/a-cun/notices/2026-11-23-x.md", notice_md("2026-11-23", "2026-11-30"))
    ds = validate(town.root, TODAY).dataset
    html = printing.board_html(ds, "a-cun", "A4", prepare_photos(ds, {"a-cun"}, tmp_path / "cache"))
    assert "<img" not in html
    pages = _pages(printing.cached_pdf(html, tmp_path)[0])
    assert len(pages) >= 3 and "第59段" in "\n".join(pages)


def test_boards_command_writes_a3_pdfs(cli_run, tmp_path: Path) -> None:
    result = cli_run("boards", "--root", str(REPO), "--org", "shuangqiao-cun", "--org", "jinqiao-wuliu", "--out", str(tmp_path), "--html")
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "jinqiao-wuliu-A3.html", "jinqiao-wuliu-A3.pdf", "shuangqiao-cun-A3.html", "shuangqiao-cun-A3.pdf",
    ]  # fmt: skip
    assert "不要上传网站" in result.out
    assert cli_run("boards", "--root", str(REPO), "--org", "nowhere").code == 1


def test_collection_pages_link_their_booklets(demo_site: Path) -> None:
    page = (demo_site / "anli/quji-shifandian/index.html").read_text(encoding="utf-8")
    assert 'href="../quji-shifandian.pdf"' in page and (demo_site / "anli/quji-shifandian.pdf").stat().st_size > 100_000
    assert (demo_site / "anli/yiqi-pinpai.pdf").is_file()
    index = (demo_site / "anli/index.html").read_text(encoding="utf-8")
    assert "点亮一盏灯" in index and "33 个案例" in index


def test_collection_references_must_exist(town: Town) -> None:
    town.add_org("a-cun")
    town.write(
        "content/_town/collections/xuanbian.yml",
        "schema: 1\ntitle: 汇编\ndate: 2026-11-01\nintro: 编者按\ncases:\n  - org: a-cun\n  - org: ghost-cun\n",
    )
    [d] = town.diagnostics("ref-collection")
    assert d.path == "content/_town/collections/xuanbian.yml" and d.line == 7
