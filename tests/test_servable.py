"""What is published can be served: a web server running as another user reads every file of the
site, whatever the umask of the build and the modes of the caches the site links from."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sitetown import mkdocs_build, new_site_town

from generator import county, filemodes

COLLECTION = """\
schema: 1
title: 测试案例汇编
subtitle: 测试镇示范点典型案例
date: 2026-11-01
editor: 测试镇组织办
intro: 汇编说明。
cases:
  - org: taoyuan-cun
    commentary: 点评。
"""


def not_servable(root: Path) -> list[str]:
    """Files that others cannot read and folders they cannot list or enter, with their modes."""
    found = []
    for path in [root, *sorted(root.rglob("*"))]:
        mode = path.lstat().st_mode
        if (stat.S_ISDIR(mode) and mode & 0o005 != 0o005) or (stat.S_ISREG(mode) and not mode & 0o004):
            found.append(f"{path.relative_to(root).as_posix() or '.'} {stat.filemode(mode)}")
    return found


def test_every_file_of_the_demo_site_is_readable_by_others(demo_site: Path) -> None:
    assert list((demo_site / "anli").glob("*.pdf")), "the demo publishes its booklets"
    assert not_servable(demo_site) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The small site town with a booklet, built under umask 077 and under umask 022 (own caches each)."""
    sites = {}
    for umask in (0o077, 0o022):
        town = new_site_town(tmp_path_factory.mktemp(f"umask{umask:03o}"))
        town.write("content/_town/collections/ceshi.yml", COLLECTION)
        result = mkdocs_build(town.root, town.root / "site", strict=False, umask=umask)
        assert result.returncode == 0, result.stderr
        sites[umask] = town.root / "site"
    return sites


def test_a_build_under_umask_077_is_readable_by_others(built: dict[int, Path]) -> None:
    site = built[0o077]
    assert (site / "anli" / "ceshi.pdf").is_file() and list((site / "photos").rglob("*.webp"))
    assert not_servable(site) == []
    assert stat.S_IMODE(site.stat().st_mode) == 0o755 and stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644


def test_caches_are_as_private_as_the_umask_says(built: dict[int, Path]) -> None:
    """A cache entry gets the mode open() and mkdir() give under the umask, never mkstemp's 0600:
    under 022 the booklet in the PDF cache is readable by others before any site links it; under
    077 what the site does not publish (the content and page caches) stays private."""
    cache = built[0o022].parent / ".cache" / "party365"
    assert not_servable(cache) == []
    private = built[0o077].parent / ".cache" / "party365"
    for part in ("content", "pages"):
        files = [p for p in (private / part).rglob("*") if p.is_file()]
        assert files and all(not p.stat().st_mode & 0o077 for p in files), part


def test_a_county_built_under_umask_077_is_readable_by_others(tmp_path: Path) -> None:
    url = "https://jia.example.org/"
    files = {
        url + "data.json": {
            "dataset": [{"distribution": [{"downloadURL": url + "data/organizations.json", "mediaType": "application/json"}]}]
        },
        url + "data/organizations.json": {"organizations": [{"name": "甲村党委", "bankuai": "村党组织板块", "url": url + "dangwu/jia/"}]},
    }

    def fetch(address: str) -> bytes:
        return json.dumps(files[address]).encode()

    config = county.CountyConfig.model_validate({"schema": 1, "name": "示例县", "towns": [{"name": "甲镇", "url": url}]})
    old = os.umask(0o077)
    try:
        county.build(config, tmp_path / "county", fetch)
    finally:
        os.umask(old)
    assert (tmp_path / "county" / "pagefind").is_dir()
    assert not_servable(tmp_path / "county") == []


def test_make_public_only_adds_read_and_enter_bits(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "page.html").write_text("x")
    (site / "shared.html").write_text("y")
    (site / "a" / "page.html").chmod(0o600)
    (site / "shared.html").chmod(0o660)  # a group of office users publishing in turn keeps group write
    (site / "a" / "b").chmod(0o700)
    (site / "link").symlink_to("/etc/hostname")
    site.chmod(0o700)
    filemodes.make_public(site)
    modes = {p.relative_to(site).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in site.rglob("*") if not p.is_symlink()}
    assert modes == {"a": 0o755, "a/b": 0o755, "a/page.html": 0o644, "shared.html": 0o664}
    assert stat.S_IMODE(site.stat().st_mode) == 0o755


def test_a_linked_file_that_cannot_be_changed_is_replaced_by_a_readable_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's cache file, hard linked into the site: chmod is refused, so the site gets a copy."""
    cache = tmp_path / "cache.pdf"
    cache.write_bytes(b"%PDF booklet")
    cache.chmod(0o640)
    site = tmp_path / "site"
    site.mkdir()
    os.link(cache, site / "booklet.pdf")
    chmod = os.chmod

    def refuse(path: str | Path, mode: int) -> None:
        if Path(path).name == "booklet.pdf":
            raise PermissionError(1, "Operation not permitted", str(path))
        chmod(path, mode)

    monkeypatch.setattr(filemodes.os, "chmod", refuse)
    filemodes.make_public(site)
    copy = site / "booklet.pdf"
    assert copy.read_bytes() == b"%PDF booklet" and stat.S_IMODE(copy.stat().st_mode) == 0o644
    assert not os.path.samefile(copy, cache) and stat.S_IMODE(cache.stat().st_mode) == 0o640
    assert [p.name for p in site.iterdir()] == ["booklet.pdf"]  # no temporary file left
