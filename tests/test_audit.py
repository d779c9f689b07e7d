"""Every page type in a real browser: zero axe-core violations at WCAG 2.1 AA, and the weight
and layout-shift budgets on a throttled phone. Timings (LCP) are printed, never asserted."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from audit import AXE, BUDGET_BYTES, BUDGET_CLS, CHROMIUM, PAGES, audit, table

pytestmark = [
    pytest.mark.skipif(not Path(shutil.which("chromium") or CHROMIUM).exists(), reason="未安装 Chromium，跳过无障碍审查"),
    pytest.mark.skipif(not AXE.is_file(), reason="未安装 axe-core（npm ci --prefix tools/audit），跳过无障碍审查"),
]


@pytest.fixture(scope="module")
def results(demo_site: Path):
    found = audit(demo_site)
    print("\n" + table(found))
    return {r.label: r for r in found}


def test_every_page_type_is_audited(results) -> None:
    assert list(results) == [label for label, *_ in PAGES]


@pytest.mark.parametrize("label", [label for label, *_ in PAGES])
def test_no_accessibility_violations(results, label: str) -> None:
    problems = [f"[{v['id']}] {v['help']}: {[n['target'] for n in v['nodes'][:3]]}" for v in results[label].violations]
    assert problems == []


@pytest.mark.parametrize("label", [label for label, *_ in PAGES if label != "搜索结果"])
def test_first_visit_weight_and_layout_shift(results, label: str) -> None:
    result = results[label]
    assert result.bytes_without_photos < BUDGET_BYTES, f"{label}: {result.bytes_without_photos / 1024:.0f} KB"
    assert result.bytes_by_kind["数据"] == 0  # the search index waits for a search
    assert result.bytes_by_kind["字体"] == 0  # no web fonts: the reader's own CJK fonts
    assert result.cls < BUDGET_CLS
    assert result.requests <= 12
