"""No input crashes a command: the hostile corpus of tests/corpus.py, answered in Chinese, never a
traceback. Here: `party365 import` and its workbooks."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PLAN_YML, REPO, TOWN_YML, Town, run_cli
from corpus import WORKBOOKS, Payload, by_name

ITEM = "2026-11-02-hostile.md"


def put(root: Path, rel: str, payload: Payload, *, markdown: bool) -> None:
    """Write `payload` at `rel`: its bytes, a directory, or a link."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.is_file():
        path.unlink()
    if payload.link:
        os.symlink(payload.link, path)
    elif payload.data is None:
        path.mkdir()
        (path / "x.txt").write_text("x", encoding="utf-8")  # git keeps no empty folder
    else:
        path.write_bytes(payload.markdown() if markdown else payload.data)


def _git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env={**env, "PATH": "/usr/bin:/bin"})


def _small_town(root: Path) -> Town:
    town = Town(root)
    town.write("content/_town/town.yml", TOWN_YML)
    town.write("content/_town/plan.yml", PLAN_YML)
    shutil.copy(REPO / "content/_town/holidays.yml", root / "content/_town/holidays.yml")
    town.add_org("a-cun")
    return town


@pytest.fixture(scope="module")
def debug() -> Iterator[None]:
    """Let an exception through cli.main's last-resort line: a crash fails here with its traceback."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTY365_DEBUG", "1")
        yield


# ---------------------------------------------------------------- import: hostile workbooks


@pytest.fixture(scope="module")
def ledger_town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _small_town(tmp_path_factory.mktemp("ledger")).root


@pytest.mark.parametrize("book", WORKBOOKS, ids=[w.name for w in WORKBOOKS])
def test_a_hostile_workbook_is_refused_in_one_chinese_line(ledger_town: Path, tmp_path: Path, debug: None, book) -> None:
    path = tmp_path / f"台账{book.suffix}"
    if book.data is None:
        path.mkdir()
    else:
        path.write_bytes(book.data)
    before = sorted(p.name for p in (ledger_town / "organizations/a-cun/disclosures").iterdir())
    run = run_cli("import", str(path), "--org", "a-cun", "--root", str(ledger_town))
    assert run.code == 1 and "Traceback" not in run.err and book.words in run.err, run.err
    assert "Error" not in run.err  # openpyxl's exception names stay out of the clerk's answer
    assert sorted(p.name for p in (ledger_town / "organizations/a-cun/disclosures").iterdir()) == before


@pytest.mark.parametrize("name", ["deep-flow-list-5000", "a-directory", "nul-bytes", "hash-topic"])
def test_a_ledger_imports_beside_a_hostile_file(tmp_path: Path, debug: None, name: str) -> None:
    """The import reads the organization's existing items to find its rows' files: a hostile one
    among them is left for the validator, and the ledger's own rows are checked and written."""
    from test_ledger import ledger_book

    root = tmp_path / "town"
    _small_town(root)
    put(root, f"organizations/a-cun/disclosures/{ITEM}", by_name(name), markdown=True)
    run = run_cli("import", str(ledger_book(tmp_path / "台账.xlsx")), "--org", "a-cun", "--root", str(root))
    assert run.code == 0 and "Traceback" not in run.err and "导入完成：写入 5 个文件" in run.out, run.err
