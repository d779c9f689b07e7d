"""Find and load every file of a town: organizations and town-owned data.

Loading is I/O plus YAML; turning loaded data into models and checking rules happens in
`validate`. Nothing here knows MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .loader import Document, load_markdown, load_yaml, read_text
from .valid import ValidTown

ORGS_DIR = "organizations"
TOWN_DIR = Path("content") / "_town"
TOWN_FILES: dict[str, str] = {
    "town": "town.yml",
    "plan": "plan.yml",
    "assessments": "assessments.yml",
    "routes": "routes.yml",
    "holidays": "holidays.yml",
    "renames": "renames.yml",
}
OPTIONAL_TOWN_FILES = {"assessments", "routes", "renames"}
COLLECTIONS_DIR = TOWN_DIR / "collections"
PAGES_DIR = Path("content")

ITEM_NAME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


@dataclass
class Item:
    """A dated Markdown item of an organization: a disclosure or a notice."""

    kind: str  # "disclosure" | "notice"
    doc: Document
    file: Path
    date: dt.date | None  # from the file name
    name: str  # the file name's slug part, stable in URLs


@dataclass
class OrgEntry:
    slug: str
    dir: Path
    doc: Document
    disclosures: list[Item] = field(default_factory=list)
    notices: list[Item] = field(default_factory=list)

    @property
    def display(self) -> str:
        return self.doc.path


@dataclass
class Dataset:
    """Everything loaded from one town repository (valid or not), and its typed valid part."""

    root: Path
    today: dt.date
    orgs: dict[str, OrgEntry] = field(default_factory=dict)
    town_docs: dict[str, Document] = field(default_factory=dict)
    collection_docs: dict[str, Document] = field(default_factory=dict)  # id -> document
    pages: dict[str, Document] = field(default_factory=dict)  # town-owned Markdown pages: path under content/ -> document
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The typed, valid-only town, made by the model step (rules.schema.build_models) before any
    # rule runs; empty until then.
    valid: ValidTown = field(init=False)

    def __post_init__(self) -> None:
        self.valid = ValidTown(self.today)

    def documents(self) -> list[Document]:
        docs = [*self.town_docs.values(), *self.collection_docs.values(), *self.pages.values()]
        for entry in self.orgs.values():
            docs.append(entry.doc)
            docs.extend(item.doc for item in entry.disclosures)
            docs.extend(item.doc for item in entry.notices)
        return docs


def find_root(start: Path) -> Path | None:
    """The town repository that holds `start`: the nearest folder with organizations/ or content/_town/."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        if (folder / ORGS_DIR).is_dir() or (folder / TOWN_DIR).is_dir():
            return folder
    return None


def display_path(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def _symlink(root: Path, path: Path) -> Diagnostic:
    shown = display_path(root, path) + ("/" if path.is_dir() else "")
    return Diagnostic.at(
        shown,
        rule="file-symlink",
        message="这是一个链接（快捷方式、symlink），不是真正的文件或文件夹",
        found=path.name,
        fix="删掉链接，把文件或文件夹本身放在这里；网站只发布仓库里真实存在的内容",
    )


def _symlinks_inside(root: Path, folder: Path, skip: set[Path]) -> list[Diagnostic]:
    """Every symlink under `folder` (not followed), except those already reported in `skip`."""
    found: list[Diagnostic] = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted([*dirs, *files]):
            path = Path(parent) / name
            if path.is_symlink() and path not in skip:
                found.append(_symlink(root, path))
    return found


def _load_item(root: Path, kind: str, file: Path) -> Item:
    display = display_path(root, file)
    doc = load_markdown(file, display)
    match = ITEM_NAME_RE.match(file.name)
    date: dt.date | None = None
    name = file.stem
    if match:
        year, month, day, name = match.groups()
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            match = None
    if not match:
        doc.diagnostics.append(
            Diagnostic.at(
                display,
                rule="file-name",
                message="文件名格式不对，应为“年-月-日-英文或拼音名.md”",
                found=file.name,
                fix="例如 2026-10-08-dangfei-q3.md：日期真实存在，名称只用小写字母、数字和连字符",
            )
        )
    return Item(kind, doc, file, date, name)


def _load_org(root: Path, folder: Path) -> OrgEntry:
    org_file = folder / "org.yml"
    display = display_path(root, org_file)
    if org_file.is_file() and not org_file.resolve().is_relative_to(folder.resolve()):
        doc = Document(display, ok=False)
        doc.diagnostics.append(
            Diagnostic.at(
                display,
                rule="file-outside",
                message="org.yml 是指向本组织文件夹以外的链接文件",
                found="org.yml",
                fix="删掉链接，把档案直接写进本文件夹的 org.yml",
            )
        )
    elif org_file.is_symlink():
        doc = Document(display, ok=False)
        doc.diagnostics.append(_symlink(root, org_file))
    elif org_file.exists():  # a folder or a pipe named org.yml is refused by the loader, never read
        doc = load_yaml(org_file, display)
    else:
        doc = Document(display, ok=False)
        doc.diagnostics.append(
            Diagnostic.at(
                display,
                rule="file-missing",
                message="组织文件夹里缺少 org.yml",
                found=folder.name + "/",
                fix=f"运行 party365 new {folder.name} --sector 村 生成模板，或把 org.yaml 等改名为 org.yml",
            )
        )
    entry = OrgEntry(folder.name, folder, doc)
    reported: set[Path] = {org_file}
    real_folder = folder.resolve()
    for kind, sub in (("disclosure", "disclosures"), ("notice", "notices")):
        target = entry.disclosures if kind == "disclosure" else entry.notices
        sub_dir = folder / sub
        if sub_dir.is_symlink():
            continue  # reported below with every other link in the folder, never followed
        if sub_dir.is_dir():
            for file in sorted(sub_dir.iterdir()):
                if file.name.startswith(".") or not (file.is_file() or (file.is_dir() and file.suffix.lower() == ".md")):
                    continue  # a folder named like an item is reported by the loader
                if file.suffix.lower() != ".md":
                    doc.diagnostics.append(
                        Diagnostic.at(
                            display_path(root, file),
                            rule="file-name",
                            message=f"{sub}/ 里只能放 .md 文件",
                            found=file.name,
                            fix="照片放进 photos/；Word 文档请把内容粘贴进 .md 文件",
                        )
                    )
                    continue
                # Only a link can lead outside: `sub_dir` is no link, so a plain file in it is inside.
                if file.is_symlink() and not file.resolve().is_relative_to(real_folder):
                    reported.add(file)
                    doc.diagnostics.append(
                        Diagnostic.at(
                            display_path(root, file),
                            rule="file-outside",
                            message="这是指向本组织文件夹以外的链接文件",
                            found=file.name,
                            fix="删掉链接，把内容直接写进本文件夹里的 .md 文件",
                        )
                    )
                    continue
                if file.is_symlink():
                    continue  # a link inside the folder: reported below
                target.append(_load_item(root, kind, file))
    doc.diagnostics.extend(_symlinks_inside(root, folder, reported))
    return entry


def _load_page(root: Path, file: Path) -> Document:
    """A town-owned Markdown page: front matter is optional (MkDocs reads it when present)."""
    display = display_path(root, file)
    text, problems = read_text(file, display)
    if text is not None and text.startswith("---"):
        return load_markdown(file, display)
    return Document(display, text=text or "", body=text or "", ok=text is not None, diagnostics=problems)


def load_pages(root: Path) -> dict[str, Document]:
    """Every Markdown page under content/ except town data (content/_town/) and hidden folders.
    The same content and privacy rules apply to it as to an organization's text."""
    pages_dir = root / PAGES_DIR
    if not pages_dir.is_dir():
        return {}
    pages: dict[str, Document] = {}
    for file in sorted(pages_dir.rglob("*.md")):
        rel = file.relative_to(pages_dir)
        if rel.parts[0] == TOWN_DIR.name or any(part.startswith(".") for part in rel.parts):
            continue
        if file.is_symlink() or not file.is_file() or not file.resolve().is_relative_to(root.resolve()):
            continue
        pages[rel.as_posix()] = _load_page(root, file)
    return pages


def load_dataset(root: Path, today: dt.date) -> Dataset:
    """Read every file of the town at `root` (YAML and front matter; no rules yet)."""
    ds = Dataset(root=root, today=today)
    town_dir = root / TOWN_DIR
    for kind, name in TOWN_FILES.items():
        file = town_dir / name
        if file.is_symlink():
            ds.diagnostics.append(_symlink(root, file))
        elif file.exists():  # a folder named town.yml is reported by the loader
            ds.town_docs[kind] = load_yaml(file, display_path(root, file))
        elif kind not in OPTIONAL_TOWN_FILES:
            ds.diagnostics.append(
                Diagnostic.at(
                    display_path(root, file),
                    rule="file-missing",
                    message=f"缺少镇级数据文件 {name}",
                    found="",
                    fix=f"在 {TOWN_DIR.as_posix()}/ 下创建 {name}（可参考示例镇的同名文件）",
                )
            )
    collections_dir = root / COLLECTIONS_DIR
    if collections_dir.is_dir():
        for file in sorted(collections_dir.glob("*.yml")):
            if file.is_symlink():
                ds.diagnostics.append(_symlink(root, file))
            else:
                ds.collection_docs[file.stem] = load_yaml(file, display_path(root, file))
    ds.pages = load_pages(root)
    orgs_dir = root / ORGS_DIR
    if orgs_dir.is_symlink():
        ds.diagnostics.append(_symlink(root, orgs_dir))
    elif orgs_dir.is_dir():
        for folder in sorted(orgs_dir.iterdir()):
            if folder.name.startswith((".", "_")):
                continue
            if folder.is_symlink():  # never followed: its files would come from outside the repository
                ds.diagnostics.append(_symlink(root, folder))
            elif folder.is_dir():
                ds.orgs[folder.name] = _load_org(root, folder)
    return ds
