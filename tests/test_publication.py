"""The publication policy: one place decides what is public, and every output follows it."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import TODAY, Town, disclosure_md, notice_md
from PIL import Image

from generator.changes import snapshot
from generator.images import prepare_photos
from generator.publication import audience, is_published
from generator.site.exports import export_files
from generator.site.views import build_org_views


def _jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _items(town: Town, kind: str):
    result = town.validate()
    entry = result.dataset.valid.orgs["a-cun"]
    return result, (entry.notices if kind == "notice" else entry.disclosures)


def test_hardship_notice_of_another_kind_stays_internal_without_audience(town: Town) -> None:
    """The demo's 困难党员 list written as `kind: 其他` without `audience` was public."""
    town.add_org("a-cun")
    text = notice_md("2026-11-23", "2026-11-27", kind="其他").replace("title: 公示", "title: 困难党员慰问名单公示")
    town.write("organizations/a-cun/notices/2026-11-23-kunnan.md", text)
    result, notices = _items(town, "notice")
    [notice] = notices
    assert audience(notice) == "党内" and not is_published(notice, TODAY)
    views = build_org_views(result.dataset)
    assert views["a-cun"].notices == []
    assert all("kunnan" not in key[2] for key in snapshot(result.dataset).items)
    assert "困难党员" not in export_files(result.dataset, views, "https://example.org/")["feed.xml"]
    assert town.diagnostics("audience-public-internal") == []


def test_internal_category_stays_internal_without_audience(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-tongbao.md", disclosure_md("党内通报", body="党内通报内容。\n"))
    result, items = _items(town, "disclosure")
    [item] = [i for i in items if i.name == "tongbao"]
    assert not is_published(item, TODAY)
    view = build_org_views(result.dataset)["a-cun"]
    assert all(i.anchor != item.file.stem for _, group in view.current for i in group)
    assert all(i.anchor != item.file.stem for i in view.other_current)


def test_written_public_audience_on_an_internal_looking_item_is_published_with_a_warning(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-tongbao.md", disclosure_md("党内通报", extra="audience: 向社会公开\n"))
    [d] = town.diagnostics("audience-public-internal")
    assert (d.path, d.line, d.col, d.is_error) == ("organizations/a-cun/disclosures/2026-11-02-tongbao.md", 5, 11, False)
    _, items = _items(town, "disclosure")
    [item] = [i for i in items if i.name == "tongbao"]
    assert is_published(item, TODAY)


def test_only_photos_of_published_visible_items_are_rendered(town: Town, tmp_path: Path) -> None:
    """Photos of 党内, withdrawn, redacted and future-dated items were rendered into site/photos/."""
    town.add_org("a-cun")
    photo = "photos:\n  - {file: photos/%s.jpg, alt: 照片, consent: true}\n"
    cases = {
        "public": "",
        "internal": "audience: 党内\n",
        "withdrawn": "withdrawn: {date: 2026-11-10, reason: 发错了}\n",
        "redacted": "withdrawn: {date: 2026-11-20, reason: 误发了个人信息}\nredact: true\n",
    }
    for name, extra in cases.items():
        town.write(f"organizations/a-cun/photos/{name}.jpg", _jpeg("red"))
        town.write(f"organizations/a-cun/disclosures/2026-11-02-{name}.md", disclosure_md("两学一做学习教育", extra=extra + photo % name))
    town.write("organizations/a-cun/photos/future.jpg", _jpeg("blue"))
    town.write("organizations/a-cun/disclosures/2026-12-20-future.md", disclosure_md("两学一做学习教育", extra=photo % "future"))
    result = town.validate()
    assert result.errors == []
    web = prepare_photos(result.dataset, {"a-cun"}, tmp_path / "cache", workers=1)
    assert sorted(file for _, file in web.sets) == ["photos/public.jpg"]
    assert snapshot(result.dataset).photos == {("a-cun", "photos/public.jpg")}
    board = prepare_photos(result.dataset, {"a-cun"}, tmp_path / "cache", workers=1, scope="board")
    assert sorted(file for _, file in board.sets) == ["photos/internal.jpg", "photos/public.jpg"]  # the board hangs inside
