"""No input crashes a command. The hostile corpus of tests/corpus.py goes through validate, diff,
build, boards, report, codeowners, export-table, cms, import and county; each payload must be answered
with its own Chinese diagnostic at file:line:col and exit 1, never a traceback (PARTY365_DEBUG lets a
crash through cli.main's last-resort line, so it fails here with its traceback).

Cost: one town holds every payload (an organization per payload for org.yml, its disclosure and its
notice), and each command runs once over it; the tests then read the one output. Town data files
(town.yml), county.yml and workbooks get a run per payload, in this process (a build's code path
without MkDocs: `site.generation.read_town` and `generate`, what the plugin calls); two real
`party365 build` runs (every payload at once, and a town.yml past the nesting limit) show the whole
chain through MkDocs in Chinese.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PLAN_YML, REPO, TOWN_YML, Run, Town, run_cli
from corpus import DEPTH, PAYLOADS, WORKBOOKS, Expect, Payload, by_name

from generator import loader
from generator.diagnostics import DataError
from generator.site.generation import generate, read_town

ITEM = "2026-11-02-hostile.md"
WHERE = ("org", "disclosure", "notice")


def _path(payload: Payload, where: str) -> str:
    if where == "org":
        return f"organizations/o-{payload.name}/org.yml"
    return f"organizations/d-{payload.name}/{where}s/{ITEM}"


def _expect(payload: Payload, where: str) -> Expect:
    return payload.yml if where == "org" else payload.in_markdown()


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


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, debug: None) -> Path:
    """A town whose base commit is valid, and whose working tree adds every payload three times."""
    root = tmp_path_factory.mktemp("hostile")
    town = _small_town(root)
    for payload in PAYLOADS:
        town.add_org(f"d-{payload.name}", current=False)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "valid")
    for payload in PAYLOADS:
        for where in WHERE:
            put(root, _path(payload, where), payload, markdown=where != "org")
    return root


COMMANDS = {
    "validate": lambda root: ["validate", str(root)],
    "diff": lambda root: ["diff", "main", "--root", str(root)],
    "build": lambda root: ["build", "--root", str(root)],
    "boards": lambda root: ["boards", "--root", str(root)],
}
_runs: dict[tuple[str, str], Run] = {}


def _run(root: Path, command: str) -> Run:
    """Each command once over the hostile town; the parametrized tests share the output."""
    key = (str(root), command)
    if key not in _runs:
        _runs[key] = run_cli(*COMMANDS[command](root))
    return _runs[key]


def _line(e: Expect, path: str) -> str:
    return f"{path}:{e.line}:{e.col}: {e.severity} [{e.rule}]"


def _answered(text: str, e: Expect, path: str) -> bool:
    return any(line.startswith(_line(e, path)) and e.words in line for line in text.splitlines())


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_answers_every_payload_in_chinese(hostile: Path, command: str, payload: Payload, where: str) -> None:
    run = _run(hostile, command)
    text = run.out + run.err
    assert run.code == 1 and "Traceback" not in text
    e, path = _expect(payload, where), _path(payload, where)
    assert _answered(text, e, path), f"{_line(e, path)} … {e.words}\n" + "\n".join(line for line in text.splitlines() if path in line)


def test_the_build_stops_with_a_chinese_conclusion(hostile: Path) -> None:
    run = _run(hostile, "build")
    assert run.out.rstrip().endswith("结果：网站没有生成，原有网站没有改动。请按上面标出的文件和行改正，再运行 party365 validate 检查。")
    assert not (hostile / "site").exists()


@pytest.mark.parametrize("command", ["report", "codeowners", "export-table", "cms"])
def test_commands_that_read_valid_records_only_go_on_without_crashing(hostile: Path, command: str, tmp_path: Path) -> None:
    """These read only the valid organizations (the validator's job is to name the others)."""
    argv = {
        "report": ["report", "--root", str(hostile), "--out", str(tmp_path / "report.md")],
        "codeowners": ["codeowners", "--root", str(hostile), "--out", str(tmp_path / "CODEOWNERS")],
        "export-table": ["export-table", str(tmp_path / "table.xlsx"), "--root", str(hostile)],
        "cms": ["cms", "--local", "--root", str(hostile), "--out", str(tmp_path / "site")],
    }[command]
    run = run_cli(*argv)
    assert run.code == 0, run.err
    assert "Traceback" not in run.out + run.err and run.out.startswith("已")


# ---------------------------------------------------------------- town data files, one town each


TOWN_FILE = "content/_town/town.yml"


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_a_hostile_town_file_is_answered_by_every_command(tmp_path: Path, debug: None, payload: Payload) -> None:
    root = tmp_path / "town"
    _small_town(root)
    put(root, TOWN_FILE, payload, markdown=False)
    e = payload.in_town()
    for argv in (["validate", str(root)], ["boards", "--root", str(root)], ["cms", "--root", str(root), "--out", str(tmp_path / "s")]):
        run = run_cli(*argv)  # no --today: "today" itself comes from town.yml (demo: true)
        assert run.code == 1 and "Traceback" not in run.out + run.err, argv
        assert _answered(run.out + run.err, e, TOWN_FILE), (argv, run.out[-500:], run.err[-500:])
    assert read_town(root) is None  # the build's adapter reads the site's identity first
    with pytest.raises(DataError) as stopped:
        generate(root)  # then the plugin's on_pre_build: nothing is rendered
    assert _answered(str(stopped.value), e, TOWN_FILE)


@pytest.mark.parametrize("name", ["deep-flow-list-5000", "a-directory"])
def test_party365_build_with_a_hostile_town_file(tmp_path: Path, name: str) -> None:
    root = tmp_path / "town"
    _small_town(root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    put(root, TOWN_FILE, by_name(name), markdown=False)
    run = run_cli("build", "--root", str(root))
    assert run.code == 1 and "Traceback" not in run.out
    assert _answered(run.out, by_name(name).in_town(), TOWN_FILE), run.out


# ---------------------------------------------------------------- diff: a hostile base revision


def test_diff_reads_a_base_revision_that_holds_hostile_files(tmp_path: Path, debug: None) -> None:
    """The base is read from `git archive`: a committed link to /etc/passwd made tarfile's filter
    raise; it is kept as a link and refused by the loader on both sides, the same finding."""
    root = tmp_path / "town"
    town = _small_town(root)
    names = ("link-outside", "a-directory", "deep-flow-list-5000", "utf16-le-bom", "hash-topic")
    for name in names:
        town.add_org(f"d-{name}", current=False)
        put(root, _path(by_name(name), "org"), by_name(name), markdown=False)
        put(root, _path(by_name(name), "disclosure"), by_name(name), markdown=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "hostile")
    run = run_cli("diff", "main", "--root", str(root))
    assert run.code == 0, run.out  # untouched, and already at the base: the town office's to fix
    for name in names:
        for where in ("org", "disclosure"):
            assert _answered(
                run.out.replace("- organizations/", "organizations/"), _expect(by_name(name), where), _path(by_name(name), where)
            )


# ---------------------------------------------------------------- county.yml (its towns' catalogs: test_county.py)


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if not p.link], ids=[p.name for p in PAYLOADS if not p.link])
def test_a_hostile_county_config_is_answered_at_its_line(tmp_path: Path, debug: None, payload: Payload) -> None:
    put(tmp_path, "county.yml", payload, markdown=False)
    run = run_cli("county", str(tmp_path / "county.yml"), "--out", str(tmp_path / "out"))
    assert run.code == 1 and "Traceback" not in run.err
    assert _answered(run.err.replace(f"{tmp_path}/", ""), payload.in_town(), "county.yml"), run.err
    assert "没有生成县级网站" in run.err and not (tmp_path / "out").exists()


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


# ---------------------------------------------------------------- the corpus itself


def test_the_corpus_depth_is_the_loaders() -> None:
    assert DEPTH == loader.MAX_DEPTH


def test_no_file_the_contract_allows_comes_near_the_depth_limit() -> None:
    """The demo town's deepest file, against the limit: the limit is far above real data."""
    deepest = 0
    files = [*(REPO / "organizations").glob("*/org.yml"), *(REPO / "content/_town").rglob("*.yml")]
    for file in files:
        doc = loader.load_yaml(file, file.name)
        todo = [(doc.data, 1)]
        while todo:
            node, depth = todo.pop()
            if isinstance(node, dict | list):
                deepest = max(deepest, depth)
                todo.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    assert 4 <= deepest <= loader.MAX_DEPTH // 4
