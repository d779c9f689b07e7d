"""What a change does to the public site: `party365 diff BASE`.

The data at a git revision and the working tree are both loaded and validated; their public
faces (pages, public items, notices, photos) are compared. A published disclosure or notice
that disappears is an error: it must stay, marked `withdrawn` with a reason, so nothing
published silently vanishes. 党内 items are not public and are not reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Severity, format_text
from .project import ORGS_DIR, TOWN_DIR, Dataset
from .publication import brand_url, is_hidden, is_published, notice_status, org_url, web_photos
from .validate import validate


class RevisionError(Exception):
    """A Chinese message: the revision could not be read."""


@dataclass(frozen=True)
class PublicItem:
    org: str
    kind: str  # "disclosure" | "notice"
    stem: str
    title: str
    date: dt.date
    digest: str
    withdrawn: bool
    path: str
    status: str = ""  # notices: open, upcoming, closed


@dataclass
class Snapshot:
    pages: dict[str, str] = field(default_factory=dict)  # url -> title
    items: dict[tuple[str, str, str], PublicItem] = field(default_factory=dict)
    photos: set[tuple[str, str]] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)  # old slug -> new slug


def snapshot(ds: Dataset) -> Snapshot:
    """The public face of a dataset, as far as a change can alter it."""
    snap = Snapshot()
    renames = ds.town.get("renames")
    snap.renamed = {r.old: r.new for r in getattr(renames, "renames", [])}
    for slug, entry in ds.orgs.items():
        org = entry.model
        if org is None:
            continue
        snap.pages[org_url(slug)] = org.short_name
        if org.brand is not None:
            snap.pages[brand_url(slug)] = org.brand.name
        snap.photos.update((slug, ref.photo.file) for ref in web_photos(entry, ds.today))
        for item in [*entry.disclosures, *entry.notices]:
            if not is_published(item, ds.today) or item.date is None:
                continue
            m = item.model
            digest = hashlib.sha256(item.doc.text.encode()).hexdigest()[:16]
            status = notice_status(m, ds.today) if item.kind == "notice" else ""
            snap.items[(slug, item.kind, item.file.stem)] = PublicItem(
                slug, item.kind, item.file.stem, m.title, item.date, digest, is_hidden(item), item.doc.path, status
            )
    return snap


def checkout(root: Path, revision: str, dest: Path) -> None:
    """Write the town data (organizations/ and content/_town/) as of `revision` into `dest`."""
    wanted = [ORGS_DIR, TOWN_DIR.as_posix()]
    listed = subprocess.run(["git", "-C", str(root), "ls-tree", "--name-only", revision, "--", *wanted], capture_output=True, text=True)
    if listed.returncode != 0:
        raise RevisionError(f"找不到版本 {revision}：{listed.stderr.strip() or 'git 出错'}。请写分支名、标签或提交号，例如 origin/main")
    present = [p for p in wanted if p in listed.stdout.split()]
    if not present:
        dest.mkdir(parents=True, exist_ok=True)
        return
    archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", revision, "--", *present], capture_output=True)
    if archive.returncode != 0:
        raise RevisionError(f"无法读取版本 {revision} 的数据：{archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")


@dataclass
class Change:
    added_pages: list[tuple[str, str]] = field(default_factory=list)
    removed_pages: list[tuple[str, str]] = field(default_factory=list)
    added: list[PublicItem] = field(default_factory=list)
    changed: list[PublicItem] = field(default_factory=list)
    withdrawn: list[PublicItem] = field(default_factory=list)
    opened: list[PublicItem] = field(default_factory=list)
    photos_added: list[tuple[str, str]] = field(default_factory=list)
    photos_removed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    invalid: list[Diagnostic] = field(default_factory=list)  # validation errors of the working tree
    verdict: Any = None  # generator.verdict.Verdict, attached by verdict.evaluate: the conclusion CI gives

    @property
    def empty(self) -> bool:
        return not any(
            (self.added_pages, self.removed_pages, self.added, self.changed, self.withdrawn, self.photos_added, self.photos_removed)
        )


def compare(before: Snapshot, after: Snapshot, today: dt.date) -> Change:
    change = Change()
    change.added_pages = sorted((url, title) for url, title in after.pages.items() if url not in before.pages)
    for url, title in sorted(before.pages.items()):
        if url in after.pages:
            continue
        change.removed_pages.append((url, title))
        slug = url.split("/")[1]
        if url.startswith("dangwu/") and slug not in after.renamed:
            change.errors.append(
                Diagnostic(f"{ORGS_DIR}/{slug}/org.yml", 1, 1, Severity.ERROR, "diff-page-removed",
                           f"已发布的页面 {url}（{title}）被删除，网址和二维码会失效", slug,
                           f"组织改名或合并时，在 {TOWN_DIR.as_posix()}/renames.yml 里登记 from: {slug} 和 to: 新代号，旧网址会自动跳转")
            )  # fmt: skip
    previous = {v: k for k, v in after.renamed.items()}
    for key, item in sorted(after.items.items()):
        old = before.items.get(key) or before.items.get((previous.get(key[0], key[0]), *key[1:]))
        if old is None:
            change.added.append(item)
            if item.kind == "notice" and item.status in ("open", "upcoming"):
                change.opened.append(item)
        elif item.withdrawn and not old.withdrawn:
            change.withdrawn.append(item)
        elif item.digest != old.digest:
            change.changed.append(item)
    for key, old in sorted(before.items.items()):
        moved = (after.renamed.get(key[0], key[0]), *key[1:])  # a renamed organization keeps its items
        if key in after.items or moved in after.items or old.withdrawn:
            continue
        published = old.date <= today
        if not published:
            continue
        what = "公示" if old.kind == "notice" else "党务公开事项"
        fix = "不要删除文件：恢复它，并在字段区加上 withdrawn: {date: 撤回日期, reason: 撤回原因}（误发个人信息时再加 redact: true）"
        message = f"已发布的{what}“{old.title}”被删除"
        change.errors.append(Diagnostic(old.path, 1, 1, Severity.ERROR, "diff-item-removed", message, old.stem, fix))
    change.photos_added = sorted(after.photos - before.photos)
    change.photos_removed = sorted(before.photos - after.photos)
    return change


def diff(root: Path, revision: str, today: dt.date) -> Change:
    """Compare the town at `revision` with the working tree under `root`."""
    with tempfile.TemporaryDirectory(prefix="party365-diff-") as tmp:
        checkout(root, revision, Path(tmp))
        before = snapshot(validate(Path(tmp), today).dataset)
    result = validate(root, today)
    change = compare(before, snapshot(result.dataset), today)
    change.invalid = result.errors
    return change


_KIND = {"notice": "公示", "disclosure": "公开事项"}


def _item_line(item: PublicItem) -> str:
    return f"{item.org}：{_KIND[item.kind]}“{item.title}”（{item.date.isoformat()}）"


def _sections(change: Change) -> list[tuple[str, list[str]]]:
    return [
        ("新增页面", [f"{url}（{title}）" for url, title in change.added_pages]),
        ("删除页面", [f"{url}（{title}）" for url, title in change.removed_pages]),
        ("新开始的公示", [_item_line(i) for i in change.opened]),
        ("新增公开内容", [_item_line(i) for i in change.added if i not in change.opened]),
        ("修改的公开内容", [_item_line(i) for i in change.changed]),
        ("撤回的公开内容", [_item_line(i) for i in change.withdrawn]),
        ("新增照片", [f"{slug}/{file}" for slug, file in change.photos_added]),
        ("删除照片", [f"{slug}/{file}" for slug, file in change.photos_removed]),
    ]


def render_text(change: Change) -> str:
    lines = []
    for title, entries in _sections(change):
        if entries:
            lines.append(f"{title}（{len(entries)}）：")
            lines += [f"  - {e}" for e in entries]
    if change.empty:
        lines.append("这次改动不影响公开网站。")
    lines += [format_text(d) for d in change.errors + change.invalid]
    lines.append(_verdict(change))
    return "\n".join(lines)


# --- The conclusion: rendered by generator/verdict.py, the same verdict CI gives. ---


def _verdict(change: Change) -> str:
    from .verdict import conclusion, render_office

    lines = render_office(change.verdict) if change.verdict is not None else []
    return "\n".join([*lines, conclusion(change.verdict, len(change.errors) + len(change.invalid))])


# --- End of the conclusion. ---


def render_markdown(change: Change) -> str:
    lines = ["### 这次改动对公开网站的影响", ""]
    if change.empty:
        lines += ["这次改动不影响公开网站。", ""]
    for title, entries in _sections(change):
        if entries:
            lines += [f"**{title}（{len(entries)}）**", ""]
            lines += [f"- {e}" for e in entries]
            lines.append("")
    if change.errors or change.invalid:
        lines += ["**需要修改**", ""]
        lines += [f"- `{d.path}:{d.line}:{d.col}` [{d.rule}] {d.message}。修改：{d.fix}" for d in change.errors + change.invalid]
        lines.append("")
    lines.append(_verdict(change))
    return "\n".join(lines) + "\n"


def render_json(change: Change) -> str:
    def item(i: PublicItem) -> dict[str, str]:
        return {"org": i.org, "kind": i.kind, "id": i.stem, "title": i.title, "date": i.date.isoformat()}

    payload = {
        "added_pages": [u for u, _ in change.added_pages],
        "removed_pages": [u for u, _ in change.removed_pages],
        "opened_notices": [item(i) for i in change.opened],
        "added": [item(i) for i in change.added],
        "changed": [item(i) for i in change.changed],
        "withdrawn": [item(i) for i in change.withdrawn],
        "photos_added": [f"{s}/{f}" for s, f in change.photos_added],
        "photos_removed": [f"{s}/{f}" for s, f in change.photos_removed],
        "errors": [
            {"path": d.path, "line": d.line, "rule": d.rule, "message": d.message, "fix": d.fix} for d in change.errors + change.invalid
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
