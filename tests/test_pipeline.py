"""The pipeline's shape: models are built before the rules, and the rules' order is free."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from dataclasses import FrozenInstanceError

import pytest
from conftest import REPO, Town, disclosure_md, org_yml

from generator import rules, validate
from generator.schema import Disclosure, Org


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


def test_the_typed_town_holds_only_what_passed_the_contract(town: Town) -> None:
    """The model step's output: invalid organizations and items are left out (their files are
    reported), so nothing downstream asks whether a model exists; the records are frozen."""
    town.add_org("a-cun")
    town.add_org("b-cun")
    town.write("organizations/b-cun/org.yml", org_yml().replace("sector: 村", "sector: 乡"))  # not a sector
    town.write("organizations/a-cun/disclosures/2026-11-02-bad.md", disclosure_md("党费").replace("title:", "titel:"))
    town.write("organizations/a-cun/disclosures/undated.md", disclosure_md("党费"))  # no date in the file name
    result = town.validate()
    ds = result.dataset
    assert {d.rule for d in result.errors} >= {"schema-enum", "schema-unknown-key", "file-name"}
    assert set(ds.orgs) == {"a-cun", "b-cun"} and list(ds.valid.orgs) == ["a-cun"]
    names = {item.name for item in ds.orgs["a-cun"].disclosures}
    valid = ds.valid.orgs["a-cun"]
    assert {"bad", "undated"} <= names and not {"bad", "undated"} & {item.name for item in valid.disclosures}
    assert all(isinstance(item.model, Disclosure) and isinstance(item.date, dt.date) for item in valid.disclosures)
    assert isinstance(valid.model, Org) and ds.valid.town is not None
    with pytest.raises(FrozenInstanceError):
        valid.model = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        ds.valid.orgs["x"] = valid  # type: ignore[index]


def test_outputs_need_no_model_guards() -> None:
    """The guards the typed town made unnecessary stay out of rules, policy and outputs."""
    pattern = re.compile(r"\.model is (not )?None|\.model and |if \w+\.model(?![.\w]| ==)|getattr\(ds\.town")
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "generator").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
