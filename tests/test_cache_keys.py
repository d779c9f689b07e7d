"""Cache keys hold every input that changes output bytes, so an upgrade never serves stale files."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import printing


def test_pdf_key_changes_with_the_typesetting_libraries_and_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printing, "render_pdf", lambda html: b"%PDF-1.7 stand-in")
    inputs = {"now": "weasyprint=70.0\n/usr/share/fonts/NotoSansCJK.ttc|2.004|Noto Sans CJK SC|100"}
    monkeypatch.setattr(printing, "typesetting_inputs", lambda: inputs["now"])
    first, made = printing.cached_pdf("<p>同一份 HTML</p>", tmp_path)
    assert made and printing.cached_pdf("<p>同一份 HTML</p>", tmp_path) == (first, False)
    inputs["now"] = inputs["now"].replace("70.0", "71.0")
    upgraded, made = printing.cached_pdf("<p>同一份 HTML</p>", tmp_path)
    assert made and upgraded != first
    inputs["now"] = inputs["now"].replace("2.004", "2.005")
    new_font, made = printing.cached_pdf("<p>同一份 HTML</p>", tmp_path)
    assert made and new_font not in (first, upgraded)


def test_typesetting_inputs_name_the_library_versions() -> None:
    printing.typesetting_inputs.cache_clear()
    text = printing.typesetting_inputs()
    assert "weasyprint=" in text and "pydyf=" in text and "fonttools=" in text


def test_photo_key_holds_the_encoding_libraries() -> None:
    from PIL import __version__ as pillow

    from generator.images import SETTINGS

    assert SETTINGS["libraries"]["pillow"] == pillow
    assert {"jpg", "webp", "littlecms2"} <= set(SETTINGS["libraries"])
