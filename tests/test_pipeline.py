"""The pipeline's shape: models are built before the rules, and the rules' order is free."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from conftest import REPO

from generator import rules

validate = importlib.import_module("generator.validate")  # the module (the package exports the function)


def test_rules_give_the_same_verdict_in_any_order(monkeypatch: pytest.MonkeyPatch) -> None:
    today = dt.date(2026, 11, 26)
    forward = validate.validate(REPO, today).diagnostics
    monkeypatch.setattr(validate, "MODULES", tuple(reversed(rules.MODULES)))
    backward = validate.validate(REPO, today).diagnostics
    assert forward == backward and len(forward) > 0  # the demo town has its 16 deliberate warnings
