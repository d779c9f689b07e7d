"""Shared fixtures: a small valid town in tmp_path, written as literal text so tests can
assert exact lines, and a helper to run the CLI and capture what it prints."""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import cli
from generator.diagnostics import Diagnostic
from generator.validate import Result, validate

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 26)  # the demo town's "today"; tests never depend on the wall clock

TOWN_YML = """\
schema: 1
name: 测试镇
party_committee: 中共测试镇委员会
site_name: 测试镇党建
site_url: https://example.org/
demo: true
bbox: {south: 31.70, west: 119.90, north: 31.86, east: 120.10}
office:
  name: 测试镇组织办
  maintainers: [town-office]
"""

PLAN_YML = """\
schema: 1
title: 测试计划
phases:
  - {name: 整改阶段, start: 2017-09-01, end: 2017-12-31, goal: 整改}
tasks:
  - {no: 1, project: 阵地建设提质升级工程, title: 清零整改, owner: 各村, deadline: 2018-06-30}
"""

SPACE = {
    "村": "space:\n  area: 150\n  liutongyi: [外观标识和LOGO, 服务承诺口号, 党员先锋岗, 功能室, 制度上墙, 党建宣传栏]\n",
    "社区": "space:\n  area: 320\n  hall_area: 80\n  liutongyi: [外观标识和LOGO, 服务承诺口号, 党员先锋岗, 功能室, 制度上墙, 党建宣传栏]\n",
    "机关事业单位": "space:\n  liuyou: [场所, 设施, 标志, 党旗, 书报, 制度]\n",
    "企业": "space:\n  liuyou: [场所, 设施, 标志, 党旗, 书报, 制度]\n",
}


def org_yml(sector: str = "村", *, brand: str = "", extra: str = "") -> str:
    """A valid org.yml. Lines 1-16 are fixed, so tests can count on them:
    line 4 is `sector`, line 12 is `phone`, line 15 `lat`."""
    return (
        "schema: 1\n"  # 1
        "name: 中共测试镇样板村委员会\n"  # 2
        "short_name: 样板村党委\n"  # 3
        f"sector: {sector}\n"  # 4
        "kind: 党委\n"  # 5
        "members:\n"  # 6
        "  total: 40\n"  # 7
        "secretary:\n"  # 8
        "  name: 王某某\n"  # 9
        "  title: 党委书记\n"  # 10
        "contact:\n"  # 11
        "  phone: 0519-88001234\n"  # 12
        "  address: 测试镇样板路 1 号\n"  # 13
        "location:\n"  # 14
        "  lat: 31.78\n"  # 15
        "  lon: 120.00\n"  # 16
        "maintainers: [clerk]\n"  # 17
        "updated: 2026-11-01\n" + SPACE[sector] + brand + extra  # 18
    )


def disclosure_md(category: str, *, extra: str = "", body: str = "正文内容。\n") -> str:
    return f"---\nschema: 1\ntitle: {category}\ncategory: {category}\n{extra}---\n{body}"


def notice_md(start: str, end: str, *, kind: str = "发展党员", extra: str = "", objection: str = "  phone: 0519-88001234\n") -> str:
    return f"---\nschema: 1\ntitle: 公示\nkind: {kind}\nstart: {start}\nend: {end}\n{extra}objection:\n{objection}---\n公示内容。\n"


@dataclass
class Town:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def add_org(self, slug: str, sector: str = "村", *, brand: str = "", extra: str = "", current: bool = True) -> Path:
        """A valid organization; with `current`, every required 十上墙 heading has an item this quarter."""
        from generator.schema import REQUIRED_SHIQIANG

        text = org_yml(sector, brand=brand, extra=extra).replace("样板村委员会", f"{slug}委员会")
        path = self.write(f"organizations/{slug}/org.yml", text)
        if current:
            for i, heading in enumerate(REQUIRED_SHIQIANG[sector]):
                self.write(f"organizations/{slug}/disclosures/2026-10-{i + 10:02d}-item{i}.md", disclosure_md(heading))
        return path

    def validate(self, today: dt.date = TODAY) -> Result:
        return validate(self.root, today)

    def diagnostics(self, rule: str | None = None, today: dt.date = TODAY) -> list[Diagnostic]:
        found = self.validate(today).diagnostics
        return [d for d in found if rule is None or d.rule == rule]


@pytest.fixture
def town(tmp_path: Path) -> Town:
    t = Town(tmp_path)
    t.write("content/_town/town.yml", TOWN_YML)
    t.write("content/_town/plan.yml", PLAN_YML)
    shutil.copy(REPO / "content/_town/holidays.yml", tmp_path / "content/_town/holidays.yml")
    (tmp_path / "organizations").mkdir()
    return t


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli_run():
    return run_cli


def shared_folder(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder made once per test run by `make(folder)` and shared by every pytest-xdist worker:
    the first worker to ask makes it under a file lock, the others wait and reuse it. Tests only
    read it. A `make` that fails leaves no folder behind, so the next worker tries (and fails) too."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's temporary folder, above each worker's own
    folder = base / f"shared-{name}"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if `make` fails
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            (folder / ".made").touch()
    return folder


def _build_demo(folder: Path) -> None:
    from sitetown import mkdocs_build

    result = mkdocs_build(REPO, folder / "site")
    assert result.returncode == 0, result.stderr


def _build_upcoming(folder: Path) -> None:
    from sitetown import add_upcoming_notices, mkdocs_build, new_site_town

    root = add_upcoming_notices(new_site_town(folder / "town")).root
    result = mkdocs_build(root, folder / "site", strict=False)  # the site town has one one-sided 联建 claim
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def upcoming_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site town (tests/sitetown.py) with notices that start after the build day, built once per run."""
    return shared_folder(tmp_path_factory, "upcoming", _build_upcoming) / "site"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's demo town, built once per test run (for all workers) with `mkdocs build --strict`."""
    return shared_folder(tmp_path_factory, "demo", _build_demo) / "site"
