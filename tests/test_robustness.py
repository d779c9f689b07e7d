"""Whatever a clerk commits, validate answers with diagnostics and exit 1: never a traceback."""

from __future__ import annotations

import os

import pytest
from conftest import Town, org_yml

from generator.rules import all_rules

GARBAGE = [
    "- 一\n- 二\n",
    "42\n",
    "~\n",
    "schema: 1\nname: [1, 2]\nsector: {a: b}\nmembers: 5\nbrand: 品牌\nspace: []\n",
    "schema: 1\nbrand:\n  photos: 照片.jpg\n  partners: {a: 1}\n",
    "schema: 1\nbrand:\n  name: x\n  model: 美丽和谐型\n  batch: 一期\n  photos: [null, 3, {file: null}]\n",
    "schema: 1\nlocation: {lat: abc, lon: null}\nupdated: yesterday\n",
    "schema: 2\n",
    "schema: 1\nmembers: {total: 1e400}\n",
    "? [a, b]\n: c\n",
    "!!python/object/apply:os.system ['echo hacked']\n",
    "a: !!binary AAAA\n",
    "\x00\x01\x02",
]


@pytest.mark.parametrize("text", GARBAGE)
@pytest.mark.parametrize("where", ["org", "disclosure", "notice", "town", "holidays", "routes"])
def test_garbage_never_crashes(town: Town, cli_run, text: str, where: str) -> None:
    town.add_org("a-cun")
    if where == "org":
        town.write("organizations/a-cun/org.yml", text)
    elif where in ("disclosure", "notice"):
        town.write(f"organizations/a-cun/{where}s/2026-11-01-x.md", f"---\n{text}---\n正文\n")
    else:
        town.write(f"content/_town/{where}.yml", text)
    result = cli_run("validate", str(town.root), "--today", "2026-11-26")
    assert result.code == 1, result.out
    assert "Traceback" not in result.out + result.err
    known = all_rules()
    for line in result.out.splitlines()[:-2]:
        rule = line.split("[", 1)[1].split("]", 1)[0]
        assert rule in known and (": 错误 [" in line or ": 警告 [" in line)


def test_symlinked_item_outside_the_folder_is_refused(town: Town, tmp_path_factory) -> None:
    town.add_org("a-cun")
    secret = tmp_path_factory.mktemp("outside") / "secret.md"
    secret.write_text("---\nschema: 1\ntitle: 机密\ncategory: 其他\n---\n机密内容\n", encoding="utf-8")
    os.symlink(secret, town.root / "organizations/a-cun/disclosures/2026-11-01-link.md")
    [d] = town.diagnostics("file-outside")
    assert d.path.endswith("2026-11-01-link.md")
    assert all(item.name != "link" for item in town.validate().dataset.orgs["a-cun"].disclosures)


def test_symlinked_org_yml_is_refused(town: Town) -> None:
    town.write("organizations/b-cun/org.yml", org_yml())
    (town.root / "organizations/a-cun").mkdir()
    os.symlink(town.root / "organizations/b-cun/org.yml", town.root / "organizations/a-cun/org.yml")
    [d] = town.diagnostics("file-outside")
    assert d.path == "organizations/a-cun/org.yml"


@pytest.mark.parametrize(
    "rel",
    ["organizations/a-cun/org.yml", "organizations/a-cun/disclosures/2026-11-01-x.md", "content/_town/town.yml"],
)
def test_a_folder_where_a_file_belongs_is_named_as_a_folder(town: Town, rel: str) -> None:
    """A folder named org.yml was "org.yml is missing"; one named like an item was skipped in silence."""
    town.add_org("a-cun")
    path = town.root / rel
    if path.exists():
        path.unlink()
    path.mkdir(parents=True)
    (path / "x.txt").write_text("x", encoding="utf-8")
    [d] = town.diagnostics("file-unreadable")
    assert (d.path, d.line, d.col) == (rel, 1, 1) and "文件夹" in d.message and d.is_error


def test_a_pipe_named_org_yml_is_refused_without_being_read(town: Town) -> None:
    (town.root / "organizations/a-cun").mkdir(parents=True)
    os.mkfifo(town.root / "organizations/a-cun/org.yml")  # reading it would wait forever
    [d] = town.diagnostics("file-unreadable")
    assert (d.path, d.line) == ("organizations/a-cun/org.yml", 1) and "管道" in d.message
