"""Withdrawal rule: `redact: true` needs `withdrawn: {date, reason}`."""

from __future__ import annotations

import pytest
from conftest import Town, disclosure_md, notice_md


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        ("disclosures/2026-11-02-dangfei.md", disclosure_md("党费", extra="redact: true\n", body="身份证号误发。\n"), 5),
        ("notices/2026-11-23-fazhan.md", notice_md("2026-11-23", "2026-11-30", extra="redact: true\n"), 7),
    ],
)
def test_redact_without_a_withdrawal_is_refused(town: Town, rel: str, text: str, line: int) -> None:
    town.add_org("a-cun")
    town.write(f"organizations/a-cun/{rel}", text)
    [d] = [d for d in town.diagnostics() if d.path.endswith(rel)]
    assert (d.rule, d.line, d.col, d.is_error) == ("item-redact-reason", line, 9, True)  # at `true`
    assert "withdrawn: {date:" in d.fix and "reason:" in d.fix


def test_redact_with_a_withdrawal_passes(town: Town) -> None:
    town.add_org("a-cun")
    extra = "withdrawn: {date: 2026-11-20, reason: 误发了个人信息}\nredact: true\n"
    town.write("organizations/a-cun/disclosures/2026-11-02-dangfei.md", disclosure_md("党费", extra=extra, body="身份证号误发。\n"))
    assert [d for d in town.diagnostics() if d.path.endswith("dangfei.md")] == []


def test_redact_false_needs_nothing(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-dangfei.md", disclosure_md("党费", extra="redact: false\n"))
    assert [d for d in town.diagnostics() if d.path.endswith("dangfei.md")] == []
