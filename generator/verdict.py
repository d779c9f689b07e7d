"""One verdict for a pull request: what `party365 diff` concludes is what CI decides.

The policy, applied everywhere (the diff's conclusion, the shipped CI files, the guide):

- a pull request fails only on ERRORS: errors in the files it touches, errors it causes
  elsewhere (present in the working tree, absent at the base), a published record deleted
  without a withdrawal (`changes.compare`), and a CODEOWNERS file left stale by a new
  organization or a changed maintainer;
- warnings never fail a pull request. Warnings in the touched files are shown to the clerk;
  town-level warnings (quotas, other organizations' compliance) go to the town office (the
  internal report, the dashboard), and the conclusion only counts the ones this change adds;
- errors already present at the base in files the pull request does not touch are the
  office's to fix: they are reported, and do not fail the clerk's pull request.

CI runs `party365 diff BASE` as its one deciding step for a pull request; its exit code is
`Verdict.passed`. The site build of a pull request is the preview, never the judge.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import codeowners, ownership
from .changes import Change, Frame, RevisionError, diff_with_results
from .changes import render_markdown as _changes_markdown
from .changes import render_text as _changes_text
from .diagnostics import Diagnostic, Severity
from .loader import position
from .project import ORGS_DIR, TOWN_DIR, Dataset
from .publication import brand_url, org_url, scheduled
from .validate import Result

CODEOWNERS_RULE = "codeowners-stale"


@dataclass(frozen=True)
class Scheduled:
    """A public disclosure dated after today: held back until its date (an info line)."""

    path: str
    line: int
    col: int
    title: str
    date: dt.date

    @property
    def message(self) -> str:
        return f"“{self.title}”将于 {self.date.isoformat()} 发布（日期未到，网站上暂不显示；日期写错了请改正）"

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: 提示 {self.message}"

    def github(self) -> str:
        props = f"file={self.path.replace(',', '%2C').replace(':', '%3A')},line={self.line},col={self.col},title=scheduled"
        return f"::notice {props}::{self.message}"


@dataclass
class Verdict:
    blocking: list[Diagnostic] = field(default_factory=list)  # fails the pull request
    warnings: list[Diagnostic] = field(default_factory=list)  # in the touched files: shown, never blocking
    office: list[Diagnostic] = field(default_factory=list)  # town-level warnings this change adds
    inherited: list[Diagnostic] = field(default_factory=list)  # errors already at the base, outside the touched files
    scheduled: list[Scheduled] = field(default_factory=list)  # future-dated items in the touched files
    changed_files: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # public pages the change adds or alters (site-relative URLs)
    areas: list[ownership.AreaChange] = field(default_factory=list)  # the changed paths by owner
    author: str | None = None  # the pull request's author as the forge says (None: a local run)

    @property
    def beyond_data(self) -> list[ownership.AreaChange]:
        """Changed town data, pages, templates, configuration, code or CI: never "不影响公开网站"."""
        return [a for a in self.areas if a.affects_site]

    @property
    def passed(self) -> bool:
        return not self.blocking


def _key(d: Diagnostic) -> tuple[str, str, str, str]:
    """A diagnostic without its position: the same problem after lines moved above it."""
    return (d.path, d.rule, d.message, d.found)


def scheduled_items(ds: Dataset, today: dt.date) -> list[Scheduled]:
    """Every public disclosure dated after `today`, by path."""
    found = []
    for entry in ds.valid.orgs.values():
        for item in scheduled(entry, today):
            pos = position(item.doc.data, ("date",)) if isinstance(item.doc.data, dict) and "date" in item.doc.data else None
            line, col = (pos.line, pos.col) if pos is not None else (1, 1)
            found.append(Scheduled(item.doc.path, line, col, item.model.title, item.date))
    return sorted(found, key=lambda s: (s.date, s.path))


def stale_codeowners(root: Path, ds: Dataset, base: dict[str, str] | None = None) -> list[Diagnostic]:
    """A CODEOWNERS file (of any forge) that the data no longer matches, with the exact command
    and the lines to add. A repository that keeps no CODEOWNERS file is not checked. The line of
    an organization whose org.yml does not validate is left out of the comparison (its owners are
    unknown until it does; its own error says so), but it may only be the line it was at the base
    (`base`: each location's text there) or the town office's alone: a pull request cannot hand
    such an organization's folder to someone else."""
    unknown = tuple(f"/{ORGS_DIR}/{slug}/ " for slug in ds.orgs if slug not in ds.valid.orgs)

    def known(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith(unknown)]

    def kept(text: str) -> set[str]:
        return {line for line in text.splitlines() if line.startswith(unknown)}

    found = []
    for flavour, location in codeowners.LOCATIONS.items():
        target = root / location
        if not target.is_file():
            continue
        current = target.read_text(encoding="utf-8", errors="replace")
        wanted = codeowners.render(ds, flavour)
        allowed = kept(wanted) | kept((base or {}).get(location, ""))
        if known(current) == known(wanted) and kept(current) <= allowed:
            continue
        have = set(current.splitlines())
        missing = [line for line in known(wanted) if line and line not in have]
        missing += sorted(kept(wanted) - have) if not kept(current) <= allowed else []
        lines = "；".join(missing[:5]) + ("……" if len(missing) > 5 else "")
        found.append(
            Diagnostic(location, 1, 1, Severity.ERROR, CODEOWNERS_RULE, f"{location} 不是最新的（有新组织或维护人有变动）",
                       lines, codeowners_fix(flavour, missing))
        )  # fmt: skip
    return found


def base_codeowners(root: Path, base: str) -> dict[str, str]:
    """Each CODEOWNERS file as it is at `base` (the ones it has)."""
    found = {}
    for location in codeowners.LOCATIONS.values():
        proc = subprocess.run(["git", "-C", str(root), "show", f"{base}:{location}"], capture_output=True)
        if proc.returncode == 0:
            found[location] = proc.stdout.decode("utf-8", errors="replace")
    return found


def codeowners_fix(flavour: str, missing: list[str]) -> str:
    command = "party365 codeowners" + ("" if flavour == "github" else f" --format {flavour}")
    fix = f"在仓库根目录运行 {command}，把改动后的 {codeowners.LOCATIONS[flavour]} 一起提交"
    if missing:
        fix += f"；不能运行命令时，在网页上编辑这个文件，加上这 {len(missing)} 行：{' ⏎ '.join(missing)}"
    return fix


def changed_files(root: Path, base: str) -> list[str]:
    """Files under `root` that differ from the merge base with `base` (committed or not; new files
    included under organizations/ and content/_town/), with their names as written (Chinese
    included: git's quoting is off). A git failure is an error, never an empty list: every path
    a pull request touches is judged, so not knowing them must fail the verdict, not pass it."""

    def git(*args: str, check: bool = True) -> list[str]:
        proc = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args], capture_output=True)
        if proc.returncode != 0 and check:
            reason = proc.stderr.decode("utf-8", errors="replace").strip() or "git 出错"
            raise RevisionError(f"无法列出这次改动的文件（git {args[0]}）：{reason}")
        return [name for name in proc.stdout.decode("utf-8", errors="surrogateescape").split("\0") if name]

    merge_base = " ".join(git("merge-base", "--all", base, "HEAD", check=False)).split()  # one per line
    if len(merge_base) > 1:  # a criss-cross merge: the real merge would use a base of its own, not the files judged here
        raise RevisionError(
            f"这次改动和 {base} 有 {len(merge_base)} 个共同的起点（交叉合并），无法确定合并后会改动哪些文件："
            f"请先把 {base} 合并进来（git merge {base}）或在它上面重新提交"
        )
    start = merge_base[0] if merge_base else base
    names = git("diff", "-z", "--name-only", "--relative", "--no-renames", start)
    # Files not yet added count where a clerk prepares data (a new photo, a new item); elsewhere an
    # untracked file (the diff's own report, a local build) is not part of any pull request.
    data = (f"{ORGS_DIR}/", f"{TOWN_DIR.as_posix()}/")
    names += [n for n in git("ls-files", "-z", "--others", "--exclude-standard") if n.startswith(data)]
    return sorted(set(names))


def pages_of(change: Change, ds: Dataset | None = None, files: Sequence[str] = ()) -> list[str]:
    """The public pages a change adds or alters: what a reviewer should look at in the preview.
    Every page of an organization whose folder the change touches counts, with the pages the
    diff names (added pages, the organizations of changed items and photos, the notice list)."""
    pages = {url for url, _ in change.added_pages}
    for file in files:
        parts = file.split("/")
        entry = ds.valid.orgs.get(parts[1]) if ds is not None and len(parts) > 2 and parts[0] == ORGS_DIR else None
        if entry is not None:
            pages.add(org_url(parts[1]))
            if entry.model.brand is not None:
                pages.add(brand_url(parts[1]))
    items = [*change.added, *change.changed, *change.withdrawn]
    pages.update(org_url(i.org) for i in items)
    pages.update(org_url(slug) for slug, _ in [*change.photos_added, *change.photos_removed])
    if any(i.kind == "notice" for i in items):
        pages.add("gongshi/")
    return sorted(pages)


def judge(
    before: Result,
    after: Result,
    change: Change,
    files: list[str],
    today: dt.date,
    root: Path | None = None,
    author: str | None = None,
    base_owners: dict[str, str] | None = None,
) -> Verdict:
    """The verdict from the base's and the working tree's validation, the diff and the touched
    files; each touched path is judged against its owners as the base names them."""
    touched = set(files)
    base_keys = {_key(d) for d in before.diagnostics}
    paths = ownership.judge(sorted(touched), ownership.Owners.of(before.dataset), author)
    verdict = Verdict(changed_files=sorted(touched), areas=paths.areas, author=author)
    verdict.blocking += paths.blocking
    for d in after.diagnostics:
        mine = d.path in touched
        new = _key(d) not in base_keys
        if d.is_error:
            if mine or new:
                verdict.blocking.append(d)
            else:
                verdict.inherited.append(d)
        elif mine:
            verdict.warnings.append(d)
        elif new:
            verdict.office.append(d)
    verdict.blocking += change.errors
    if root is not None:
        verdict.blocking += stale_codeowners(root, after.dataset, base_owners)
    verdict.scheduled = [s for s in scheduled_items(after.dataset, today) if s.path in touched]
    verdict.pages = pages_of(change, after.dataset, files)
    return verdict


def evaluate(root: Path, base: str, today: dt.date, author: str | None = None) -> tuple[Change, Verdict]:
    """`party365 diff BASE`: the change and its verdict (the one CI gives)."""
    change, before, after = diff_with_results(root, base, today)
    verdict = judge(before, after, change, changed_files(root, base), today, root, author, base_codeowners(root, base))
    change.invalid = [d for d in verdict.blocking if d not in change.errors]  # what the report lists as 需要修改
    return change, verdict


def conclusion(verdict: Verdict) -> str:
    """The diff's last line: exactly what CI will say."""
    notes = []
    if verdict.warnings:
        notes.append(f"改动的文件里有 {len(verdict.warnings)} 个警告，建议改正，不影响合并")
    if verdict.office:
        notes.append(f"这次改动新增 {len(verdict.office)} 条镇级提醒，交镇党委处理（内部报告、进度看板），不影响合并")
    if verdict.inherited:
        notes.append(f"主分支上原有 {len(verdict.inherited)} 个错误不在这次改动的文件里，由镇党委处理，不影响这次合并")
    if verdict.scheduled:
        notes.append(f"{len(verdict.scheduled)} 条公开事项日期未到，到日期后自动发布")
    if verdict.beyond_data and not verdict.blocking:
        kinds = "、".join(a.area.label for a in verdict.beyond_data)
        notes.append(f"改动了{kinds}，不只是组织的资料：合并前由镇党委审核")
    tail = "（" + "；".join(notes) + "）" if notes else ""
    if verdict.blocking:
        return f"结论：有 {len(verdict.blocking)} 个错误，需要修改后才能合并。自动检查不会通过。{tail}"
    return f"结论：可以合并。自动检查会通过。{tail}"


def summary(change: Change, verdict: Verdict) -> list[str]:
    """The report's first word on the public site, which never contradicts what follows: a change
    of town data, pages, templates, configuration, code or CI says what it is and who reviews it;
    "不影响公开网站" only when nothing public changes and nothing is wrong."""
    if verdict.beyond_data:
        return ["这次改动不只是组织的资料：", *(f"- {a.review_line()}" for a in verdict.beyond_data)]
    if change.empty and not verdict.blocking:
        return ["这次改动不影响公开网站。"]
    return []


def frame(change: Change, verdict: Verdict) -> Frame:
    """The verdict around the change's report: its summary first, the conclusion CI gives last."""
    return Frame(tuple(summary(change, verdict)), (*render_office(verdict), conclusion(verdict)))


def render_text(change: Change, verdict: Verdict) -> str:
    return _changes_text(change, frame(change, verdict))


def render_markdown(change: Change, verdict: Verdict) -> str:
    return _changes_markdown(change, frame(change, verdict))


def render_office(verdict: Verdict) -> list[str]:
    """The lines about what is not the clerk's to fix, for the text report."""
    from .diagnostics import format_text

    lines = []
    for title, found in (
        ("改动的文件里的警告（不影响合并，建议改正）", verdict.warnings),
        ("这次改动新增的镇级提醒（交镇党委处理，不影响合并）", verdict.office),
        ("主分支上原有的错误（不是这次改动造成的，由镇党委处理，不影响合并）", verdict.inherited),
    ):
        if found:
            lines += [f"{title}（{len(found)}）：", *[f"- {format_text(d)}" for d in found], ""]
    if verdict.scheduled:
        lines += [f"日期未到的公开事项（{len(verdict.scheduled)}）：", *[f"- {s.text()}" for s in verdict.scheduled], ""]
    return lines
