"""The pipeline's shape: models are built before the rules, and the rules' order is free."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import REPO

from generator import rules, validate


def test_rules_give_the_same_verdict_in_any_order(monkeypatch: pytest.MonkeyPatch) -> None:
    today = dt.date(2026, 11, 26)
    forward = validate.validate(REPO, today).diagnostics
    monkeypatch.setattr(validate, "MODULES", tuple(reversed(rules.MODULES)))
    backward = validate.validate(REPO, today).diagnostics
    assert forward == backward and len(forward) > 0  # the demo town has its 16 deliberate warnings


def test_importing_one_module_loads_only_what_it_needs() -> None:
    """The print module once loaded the validator and every rule through the package."""
    script = "import sys, generator.printing; print(sorted(m for m in sys.modules if m.startswith('generator')))"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert "generator.rules" not in loaded and "generator.validate" not in loaded and "generator.site" not in loaded
