"""Identifiers stay identifiers: nothing reached through a symlink is read or published, and no
maintainer entry can write a CODEOWNERS line of its own."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import Town, disclosure_md, org_yml
from tools_photo import jpeg

from generator import codeowners
from generator.project import load_dataset
from generator.schema import Office, Org
from generator.schema import Town as TownModel

BRAND_PHOTO = (
    "brand:\n  name: 品牌\n  model: 美丽和谐型\n  batch: 二期\n"
    "  photos:\n    - file: {file}\n      alt: 村口\n      consent: true\n"
)  # `- file:` is line 27


def _outside(tmp_path_factory) -> Path:
    """An organization that lives outside the repository, with a photo."""
    outside = tmp_path_factory.mktemp("outside") / "evil-cun"
    (outside / "photos").mkdir(parents=True)
    (outside / "photos" / "a.jpg").write_bytes(jpeg())
    (outside / "org.yml").write_text(org_yml(brand=BRAND_PHOTO.format(file="photos/a.jpg")), encoding="utf-8")
    return outside


def test_symlinked_organization_folder_is_refused_and_not_read(town: Town, tmp_path_factory) -> None:
    os.symlink(_outside(tmp_path_factory), town.root / "organizations" / "evil-cun", target_is_directory=True)
    result = town.validate()
    [d] = [d for d in result.diagnostics if d.rule == "file-symlink"]
    assert (d.path, d.line, d.col) == ("organizations/evil-cun/", 1, 1) and "链接" in d.message and d.fix
    assert "evil-cun" not in result.dataset.orgs  # neither its org.yml nor its photos are read


@pytest.mark.parametrize("sub", ["photos", "disclosures", "notices"])
def test_symlinked_sub_folder_is_refused(town: Town, tmp_path_factory, sub: str) -> None:
    town.add_org("a-cun")
    target = tmp_path_factory.mktemp("elsewhere")
    (target / "2026-10-01-x.md").write_text(disclosure_md("党费"), encoding="utf-8")
    shutil.rmtree(town.root / "organizations" / "a-cun" / sub, ignore_errors=True)
    os.symlink(target, town.root / "organizations" / "a-cun" / sub, target_is_directory=True)
    [d] = town.diagnostics("file-symlink")
    assert (d.path, d.line, d.col) == (f"organizations/a-cun/{sub}/", 1, 1)
    assert all(item.name != "x" for item in load_dataset(town.root, town.validate().dataset.today).orgs["a-cun"].disclosures)
    assert len(town.validate().dataset.orgs["a-cun"].disclosures) == (0 if sub == "disclosures" else 10)


def test_symlinked_photo_inside_the_folder_is_refused(town: Town) -> None:
    town.add_org("a-cun", brand=BRAND_PHOTO.format(file="photos/link.jpg"))
    town.write("organizations/a-cun/photos/real.jpg", jpeg())
    os.symlink(town.root / "organizations/a-cun/photos/real.jpg", town.root / "organizations/a-cun/photos/link.jpg")
    [d] = town.diagnostics("file-symlink")
    assert (d.path, d.line, d.col) == ("organizations/a-cun/photos/link.jpg", 1, 1)
    [d] = town.diagnostics("photo-outside")  # and the reference to it is refused, so it is never rendered
    assert (d.path, d.line, d.col) == ("organizations/a-cun/org.yml", 27, 13)


def test_symlinked_disclosure_inside_the_folder_is_refused(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/notes/x.md", disclosure_md("党费"))
    os.symlink(town.root / "organizations/a-cun/notes/x.md", town.root / "organizations/a-cun/disclosures/2026-10-01-x.md")
    [d] = town.diagnostics("file-symlink")
    assert d.path == "organizations/a-cun/disclosures/2026-10-01-x.md"
    assert all(item.name != "x" for item in town.validate().dataset.orgs["a-cun"].disclosures)


@pytest.mark.parametrize("rel", ["content/_town/plan.yml", "content/_town/collections/yi-qi.yml"])
def test_symlinked_town_file_is_refused(town: Town, tmp_path_factory, rel: str) -> None:
    town.add_org("a-cun")
    real = town.root / "content/_town" / "real.txt"
    real.write_text((town.root / "content/_town/plan.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (town.root / rel).unlink(missing_ok=True)
    (town.root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(real, town.root / rel)
    [d] = town.diagnostics("file-symlink")
    assert (d.path, d.line, d.col) == (rel, 1, 1)


# ---------------------------------------------------------------- maintainers and CODEOWNERS

FORGED = [
    "a\n/generator/ @mallory\n*",
    "lixiaohong、wangdeshun",
    "li xiaohong",
    "lixiaohong,wangdeshun",
    "org/team",
    "*",
    "#x",
    "a\r/generator/ @m",
    "ab\u2028/generator/ @m",
    "-x",
    "x-",
    "李晓红",
    "",
    "a" * 41,
]


@pytest.mark.parametrize("bad", FORGED)
def test_maintainer_must_be_a_forge_user_name(town: Town, bad: str) -> None:
    import json

    town.write("organizations/a-cun/org.yml", org_yml().replace("maintainers: [clerk]", f"maintainers: [{json.dumps(bad)}]"))
    [d] = town.diagnostics("schema-value")
    assert (d.path, d.line, d.col) == ("organizations/a-cun/org.yml", 17, 15)
    assert "用户名" in d.message and "字母、数字" in d.fix


def test_town_office_maintainer_must_be_a_forge_user_name(town: Town) -> None:
    path = town.root / "content/_town/town.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("maintainers: [town-office]", 'maintainers: ["town-office\\n* @m"]'))
    [d] = town.diagnostics("schema-value")
    assert d.path == "content/_town/town.yml" and "用户名" in d.message


@pytest.mark.parametrize("good", ["lixiaohong", "li.xiaohong", "wang_ds", "@zhang-3", "A1"])
def test_forge_user_names_are_accepted(town: Town, good: str) -> None:
    town.write("organizations/a-cun/org.yml", org_yml().replace("maintainers: [clerk]", f"maintainers: ['{good}']"))
    assert town.diagnostics("schema-value") == []


@pytest.mark.parametrize("flavour", ["github", "gitlab", "gitee"])
def test_codeowners_never_writes_a_line_an_entry_could_forge(town: Town, flavour: str) -> None:
    """Defence in depth: models made without validation (model_construct) still cannot add lines."""
    town.add_org("a-cun")
    town.add_org("b-cun")
    result = town.validate()
    ds = result.dataset
    good = ds.valid.orgs["a-cun"]
    forged = replace(good, model=Org.model_construct(**{**dict(good.model), "maintainers": [*FORGED, "clerk"]}))
    ds.orgs["b-cun\n/generator/ @mallory"] = ds.orgs.pop("b-cun")  # a folder name with a newline
    office = Office.model_construct(name="x", maintainers=["town-office", "x\n/generator/ @m"])
    ds.valid = replace(
        ds.valid,
        orgs=MappingProxyType({**ds.valid.orgs, "a-cun": forged}),
        town=TownModel.model_construct(**{**dict(ds.valid.settings), "office": office}),
    )
    text = codeowners.render(ds, flavour)
    lines = [line for line in text.splitlines() if line and not line.startswith(("#", "["))]
    assert all(
        line.split(" ", 1)[0] in {"*", "/content/", "/generator/", "/mkdocs.yml", f"/.{flavour}/", "/organizations/a-cun/"}
        for line in lines
    ), text
    assert [line for line in lines if line.startswith("/generator/")] == ["/generator/ @town-office"]
    assert "/organizations/a-cun/ @clerk @town-office" in lines
    assert "mallory" not in text and "@m" not in text.replace("@town-office", "")
