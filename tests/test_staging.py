"""Atomic publishing: a build that fails, aborts or is killed never leaves a half-written site."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Town, disclosure_md
from sitetown import EPOCH, mkdocs_build, new_site_town, tree_digest

from generator.staging import Staging, StagingError


@pytest.fixture(scope="module")
def town_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_site_town(tmp_path_factory.mktemp("staging-town")).root


def _published(root: Path, site: Path) -> dict[str, str]:
    result = mkdocs_build(root, site, strict=False)
    assert result.returncode == 0, result.stderr
    return tree_digest(site)


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


def _change(root: Path) -> Path:
    return Town(root).write("organizations/zhen-jiguan/disclosures/2026-11-25-xinjian.md", disclosure_md("两学一做学习教育"))


def test_a_build_switches_the_new_site_in_whole(town_root: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    before = _published(town_root, site)
    added = _change(town_root)
    try:
        after = _published(town_root, site)
    finally:
        added.unlink()
    assert after != before and "dangwu/zhen-jiguan/index.html" in after
    assert _leftovers(site) == []


def test_a_strict_build_that_aborts_leaves_the_previous_site(town_root: Path, tmp_path: Path) -> None:
    """MkDocs aborts a strict build after writing everything; the plugin must not have switched."""
    site = tmp_path / "site"
    before = _published(town_root, site)
    added = _change(town_root)
    try:
        result = mkdocs_build(town_root, site, strict=True)  # the town has a one-sided 联建 claim: a warning
    finally:
        added.unlink()
    assert result.returncode == 1 and "strict mode" in result.stdout + result.stderr
    assert tree_digest(site) == before
    assert _leftovers(site) == []


def _kill_when(root: Path, site: Path, ready) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            staging = [p for p in site.parent.glob(f".{site.name}.building-*") if p.is_dir()]
            if staging and ready(staging[0]):
                break
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize(
    "moment",
    [
        "staging-created",  # MkDocs has just cleaned its (staging) output directory
        "first-pages",
        "photos-copied",
        "search-index",  # written last, just before the switch: old or new, never a mix
    ],
)
def test_kill_9_at_any_moment_leaves_the_previous_site_byte_identical(town_root: Path, tmp_path: Path, moment: str) -> None:
    site = tmp_path / "site"
    before = _published(town_root, site)
    ready = {
        "staging-created": lambda staging: True,
        "first-pages": lambda staging: (staging / "gongshi" / "index.html").exists(),
        "photos-copied": lambda staging: (staging / "photos").is_dir(),
        "search-index": lambda staging: (staging / "pagefind" / "pagefind-entry.json").exists(),
    }[moment]
    added = _change(town_root)
    try:
        new = _published(town_root, tmp_path / "reference")  # the complete new site (builds are reproducible)
        _kill_when(town_root, site, ready)
        killed = tree_digest(site)
        after = _published(town_root, site)  # the next build cleans up what the killed one left
    finally:
        added.unlink()
    if moment == "search-index":
        assert killed in (before, new)
    else:
        assert killed == before
    assert after == new != before and _leftovers(site) == []


def test_killed_between_two_renames_the_previous_site_comes_back(tmp_path: Path) -> None:
    """Where the system cannot exchange two directories, the switch is two renames: a kill
    between them leaves the previous site beside its place, and the next build restores it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    old = tmp_path / ".site.old-12345"
    os.replace(site, old)  # what a kill after the first rename leaves
    Staging(site).start()
    assert (site / "index.html").read_text(encoding="utf-8") == "old" and not old.exists()


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "磁盘已满"), (errno.EROFS, "目录只读"), (errno.EACCES, "没有写入权限")],
)
def test_machine_errors_are_named_in_chinese_and_leave_the_site(town_root: Path, tmp_path: Path, code: int, words: str) -> None:
    """MkDocs cannot write a page (disk full, read-only, no permission): a Chinese sentence that
    names the machine's problem, exit code 1, no traceback, the previous site unchanged."""
    site = tmp_path / "site"
    before = _published(town_root, site)
    fail = (
        "import errno, sys, mkdocs.utils\n"
        "from mkdocs.__main__ import cli\n"
        "def write_file(content, output_path):\n"
        f"    raise OSError({code}, 'simulated', output_path)\n"
        "mkdocs.utils.write_file = write_file\n"
        "import mkdocs.commands.build\n"
        "mkdocs.commands.build.utils.write_file = write_file\n"
        "sys.argv = ['mkdocs', 'build', '-f', sys.argv[1], '-d', sys.argv[2]]\n"
        "cli()\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", fail, str(town_root / "mkdocs.yml"), str(site)], capture_output=True, text=True, env=env, check=False
    )
    shown = result.stdout + result.stderr  # MkDocs prints its final "Aborted" line on stdout
    assert result.returncode == 1
    assert words in shown and "原有网站没有改动" in shown
    assert "Traceback" not in shown
    assert tree_digest(site) == before and _leftovers(site) == []


def test_switch_failure_is_a_chinese_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    stage = Staging(site)
    stage.start()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StagingError, match="磁盘已满"):
        stage.finish()
