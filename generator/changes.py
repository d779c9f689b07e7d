"""What a change does to the public site: `party365 diff BASE`.

The data at a git revision and the working tree are both loaded and validated; their public
faces are compared field by field: organization facts, brand fields, every item (title, dates,
category, audience, body as a short text diff), notices' periods, withdrawals and redactions,
and photos by content (a photo replaced under the same file name is a change). 党内 items are
reported in a separate section marked 不公开, without their bodies. What the public sees is
decided by generator.publication, never here.

A published record that disappears is an error, a withdrawn one (its tombstone is public)
included: it must stay, marked `withdrawn` with a reason, or the organization's rename must be
registered in renames.yml, so nothing published silently vanishes.

A notice's period is what readers were told; once it matters it is not rewritten
(`diff-notice-period`, `_period_error`): a notice that has started keeps its start, one that has
ended keeps both dates, an open one may be extended but not shortened (that cuts the time left
to object), and an upcoming one may move freely but not start before today (days on which it was
not open cannot count). The fix is a withdrawal with a reason and a corrected notice.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .chars import show
from .diagnostics import Diagnostic, Severity, format_text
from .images import CACHE_DIR, PhotoSet, cache_key, cached_renditions
from .loader import Pos, position
from .project import ORGS_DIR, TOWN_DIR, Dataset
from .publication import audience, brand_url, is_hidden, is_public, is_published, notice_status, org_url, url_path, web_photos
from .schema import Notice
from .valid import AnyItem, ValidOrg
from .validate import Result, validate

BODY_LINES = 8  # changed body lines shown per item; the rest are counted


class RevisionError(Exception):
    """A Chinese message: the revision could not be read."""


Fields = tuple[tuple[str, str], ...]  # (Chinese label, value as shown), in display order
_TOP = Pos(1, 1)


@dataclass(frozen=True)
class PublicItem:
    """An item as a change sees it. `visibility`: "public" (on the site today), "scheduled"
    (public from its date on) or "internal" (党内: never on the site)."""

    org: str
    kind: str  # "disclosure" | "notice"
    stem: str
    title: str
    date: dt.date
    digest: str
    withdrawn: bool
    path: str
    status: str = ""  # notices: open, upcoming, closed
    redacted: bool = False
    visibility: str = "public"
    fields: Fields = ()
    body: str = ""  # "" when redacted
    start: dt.date | None = None  # notices: the period
    end: dt.date | None = None
    reason: str = ""  # the withdrawal's reason and date, as the tombstone shows them
    start_at: Pos = _TOP  # notices: where the file writes start and end
    end_at: Pos = _TOP


@dataclass(frozen=True)
class PhotoState:
    key: str  # content (and rendition settings): a new key is a new photo
    preview: str  # a rendition's path relative to the site root, "" when not rendered


@dataclass
class Snapshot:
    pages: dict[str, str] = field(default_factory=dict)  # url -> title
    items: dict[tuple[str, str, str], PublicItem] = field(default_factory=dict)  # published (tombstones included)
    scheduled: dict[tuple[str, str, str], PublicItem] = field(default_factory=dict)  # public, dated after today
    internal: dict[tuple[str, str, str], PublicItem] = field(default_factory=dict)  # 党内
    photos: set[tuple[str, str]] = field(default_factory=set)
    photo_states: dict[tuple[str, str], PhotoState] = field(default_factory=dict)
    orgs: dict[str, tuple[str, Fields]] = field(default_factory=dict)  # slug -> (short name, facts)
    brands: dict[str, tuple[str, Fields]] = field(default_factory=dict)  # slug -> (brand name, fields)
    renamed: dict[str, str] = field(default_factory=dict)  # old slug -> new slug


# ------------------------------------------------------------------ what each record shows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    return str(value).strip()


def org_fields(org: Any) -> Fields:
    """The facts of an organization that its page (or the office) shows, labelled in Chinese."""
    space = org.space
    pairs = [
        ("全称", org.name),
        ("简称", org.short_name),
        ("组织类型", org.kind),
        ("所属领域", org.sector),
        ("上级党组织", org.parent),
        ("下级党组织", org.children),
        ("党员总数", org.members.total),
        ("其中预备党员", org.members.probationary),
        ("书记姓名", org.secretary.name),
        ("书记职务", org.secretary.title),
        ("办公电话", org.contact.phone),
        ("办公地址", org.contact.address),
        ("办公时间", org.contact.hours),
        ("电子邮箱", org.contact.email),
        ("位置", f"{org.location.lat}, {org.location.lon}" if org.location else None),
        ("党组织简介", org.intro),
        ("活动场所面积", space.area),
        ("服务中心大厅面积", space.hall_area),
        ("六有", space.liuyou),
        ("六统一", space.liutongyi),
        ("共享场所", space.shared_with),
        ("阵地说明", space.note),
        ("维护人", org.maintainers),
        ("最近核实日期", org.updated),
    ]
    return tuple((label, _text(value)) for label, value in pairs)


def brand_fields(brand: Any) -> Fields:
    practices = "\n".join(f"{p.title}：{p.text.strip()}" for p in brand.practices)
    honors = "\n".join(f"{h.year} {h.title}" + (f"（{h.by}）" if h.by else "") for h in brand.honors)
    pairs = [
        ("品牌名称", brand.name),
        ("品牌口号", brand.slogan),
        ("品牌类型", brand.model),
        ("批次", brand.batch),
        ("级别", brand.level),
        ("创建年份", brand.year),
        ("品牌理念", brand.idea),
        ("主要做法", practices),
        ("工作成效", brand.results),
        ("所获荣誉", honors),
        ("联建共创单位", brand.partners),
    ]
    return tuple((label, _text(value)) for label, value in pairs)


def _period(m: Any) -> str:
    return f"{m.start.isoformat()} 至 {m.end.isoformat()}"


def item_fields(item: AnyItem) -> Fields:
    """The fields of an item a change compares. A redacted item keeps only what its tombstone
    shows (kind or category, dates, audience, the withdrawal): its title, channel, vote and
    photos are the removed content, never repeated by a report."""
    m = item.model
    redacted = bool(m.redact)
    pairs: list[tuple[str, Any]] = [] if redacted else [("标题", m.title)]
    if isinstance(m, Notice):
        pairs += [("公示类型", m.kind), ("公示期", _period(m))]
        o = m.objection
        if not redacted:
            pairs.append(("异议渠道", "；".join(_text(v) for v in (o.contact, o.phone, o.address, o.email) if v)))
    else:
        pairs += [("日期", item.date), ("类别", m.category)]
        if m.vote is not None and not redacted:
            pairs.append(("票决结果", f"赞成 {m.vote.agree}，反对 {m.vote.against}，弃权 {m.vote.abstain}"))
        if not redacted:
            pairs.append(("照片", [p.file for p in m.photos]))
    pairs.append(("公开范围", audience(item)))
    if m.withdrawn:
        pairs.append(("撤回", f"{m.withdrawn.date.isoformat()}：{m.withdrawn.reason}"))
    return tuple((label, _text(value)) for label, value in pairs)


def _item(slug: str, item: AnyItem, today: dt.date) -> PublicItem:
    m = item.model
    if is_published(item, today):
        visibility = "public"
    elif is_public(item):
        visibility = "scheduled"
    else:
        visibility = "internal"
    fields = item_fields(item)
    redacted = bool(m.redact)
    # A redacted item is what its tombstone shows: no title, no body, and a digest of its shown
    # fields only (the removed text changing is no change to the site).
    shown = json.dumps(fields, ensure_ascii=False) if redacted else item.doc.text
    return PublicItem(
        org=slug,
        kind=item.kind,
        stem=item.file.stem,
        title="" if redacted else m.title,
        date=item.date,
        digest=hashlib.sha256(shown.encode()).hexdigest()[:16],
        withdrawn=is_hidden(item),
        path=item.doc.path,
        status=notice_status(m, today) if isinstance(m, Notice) else "",
        redacted=redacted,
        visibility=visibility,
        fields=fields,
        body="" if redacted else item.doc.body,
        start=m.start if isinstance(m, Notice) else None,
        end=m.end if isinstance(m, Notice) else None,
        reason=f"{m.withdrawn.reason}（{m.withdrawn.date.isoformat()}）" if m.withdrawn else "",
        start_at=position(item.doc.data, ("start",)),
        end_at=position(item.doc.data, ("end",)),
    )


def _photo_state(entry: ValidOrg, slug: str, file: str, cache_dir: Path) -> PhotoState | None:
    source = entry.dir / file
    try:
        key = cache_key(source)
    except OSError:
        return None  # validation reports it
    renditions = cached_renditions(cache_dir, key)
    shown = [r for r in renditions if r.ext == "jpg"]
    if not shown:
        return PhotoState(key, "")
    rendition = next((r for r in shown if r.width >= 960), shown[-1])
    return PhotoState(key, PhotoSet(key, source, slug, Path(file).stem, "", "", "", renditions).dest(rendition))


def snapshot(ds: Dataset) -> Snapshot:
    """The public face of a dataset (and its 党内 items, apart), as far as a change can alter it."""
    snap = Snapshot()
    renames = ds.valid.renames
    snap.renamed = {r.old: r.new for r in renames.renames} if renames else {}
    for slug, entry in ds.valid.orgs.items():
        org = entry.model
        snap.pages[org_url(slug)] = org.short_name
        snap.orgs[slug] = (org.short_name, org_fields(org))
        if org.brand is not None:
            snap.pages[brand_url(slug)] = org.brand.name
            snap.brands[slug] = (org.brand.name, brand_fields(org.brand))
        for ref in web_photos(entry, ds.today):
            snap.photos.add((slug, ref.photo.file))
            state = _photo_state(entry, slug, ref.photo.file, ds.root / CACHE_DIR)
            if state is not None:
                snap.photo_states[(slug, ref.photo.file)] = state
        for item in entry.items:
            public = _item(slug, item, ds.today)
            bucket = {"public": snap.items, "scheduled": snap.scheduled, "internal": snap.internal}[public.visibility]
            bucket[(slug, item.kind, item.file.stem)] = public
    return snap


def checkout(root: Path, revision: str, dest: Path) -> None:
    """Write the town data (organizations/ and content/_town/) as of `revision` into `dest`, byte
    for byte as committed. Read from git's objects (ls-tree, cat-file), never through `git archive`
    or a checkout: those obey the revision's own .gitattributes, so a committed `export-ignore`
    could hide a published item from the comparison and let its deletion pass."""
    wanted = [ORGS_DIR, TOWN_DIR.as_posix()]
    listed = subprocess.run(["git", "-C", str(root), "ls-tree", "-r", "-z", revision, "--", *wanted], capture_output=True)
    if listed.returncode != 0:
        reason = listed.stderr.decode("utf-8", errors="replace").strip() or "git 出错"
        raise RevisionError(f"找不到版本 {revision}：{reason}。请写分支名、标签或提交号，例如 origin/main")
    dest.mkdir(parents=True, exist_ok=True)
    entries = []
    for record in listed.stdout.split(b"\0"):
        meta, _, raw = record.partition(b"\t")
        if not raw:
            continue
        mode, kind, sha = meta.split()
        name = PurePosixPath(raw.decode("utf-8", errors="surrogateescape"))
        if kind == b"blob" and not name.is_absolute() and ".." not in name.parts:
            entries.append((mode, sha, name))  # a submodule (kind commit) is no data: the loader reports the folder
    contents = _blobs(root, [sha for _, sha, _ in entries])
    links = []
    for mode, sha, name in entries:
        target = dest / name
        if mode == b"120000":
            links.append((target, contents[sha].decode("utf-8", errors="surrogateescape")))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[sha])
    # A committed link is kept as it was, whatever it points at: the loader refuses every link as it
    # does in the working tree, so both sides report the same finding. Made last, so that nothing
    # is written through one.
    for target, link in links:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(link, target)


def _blobs(root: Path, shas: list[bytes]) -> dict[bytes, bytes]:
    """The contents of git blobs, in one `git cat-file --batch`."""
    if not shas:
        return {}
    unique = list(dict.fromkeys(shas))
    proc = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input=b"".join(s + b"\n" for s in unique), capture_output=True)
    if proc.returncode != 0:
        raise RevisionError(f"无法读取版本的数据：{proc.stderr.decode('utf-8', errors='replace').strip() or 'git 出错'}")
    out, found, at = proc.stdout, {}, 0
    for sha in unique:
        eol = out.index(b"\n", at)
        header = out[at:eol].split()
        if len(header) != 3:
            raise RevisionError(f"无法读取版本的数据：git 没有对象 {sha.decode()}")
        size = int(header[2])
        found[sha] = out[eol + 1 : eol + 1 + size]
        at = eol + 1 + size + 1
    return found


# ------------------------------------------------------------------ comparing


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def multiline(self) -> bool:
        return "\n" in self.before or "\n" in self.after or len(self.before) > 60 or len(self.after) > 60


@dataclass(frozen=True)
class Edit:
    """A record that changed: an organization's facts, a brand, or an item; what changed in it."""

    label: str  # e.g. a-cun：公示“发展党员公示”（2026-11-24）
    fields: tuple[FieldChange, ...]
    item: PublicItem | None = None


@dataclass(frozen=True)
class PhotoChange:
    slug: str
    file: str
    before: PhotoState | None
    after: PhotoState | None


@dataclass
class Change:
    added_pages: list[tuple[str, str]] = field(default_factory=list)
    removed_pages: list[tuple[str, str]] = field(default_factory=list)
    added: list[PublicItem] = field(default_factory=list)
    changed: list[PublicItem] = field(default_factory=list)
    withdrawn: list[PublicItem] = field(default_factory=list)
    opened: list[PublicItem] = field(default_factory=list)
    scheduled: list[PublicItem] = field(default_factory=list)  # public from a later date (new or edited)
    photos_added: list[tuple[str, str]] = field(default_factory=list)
    photos_removed: list[tuple[str, str]] = field(default_factory=list)
    photos_replaced: list[PhotoChange] = field(default_factory=list)
    org_edits: list[Edit] = field(default_factory=list)
    brand_edits: list[Edit] = field(default_factory=list)
    item_edits: list[Edit] = field(default_factory=list)  # of changed and withdrawn public items
    internal: list[tuple[str, Edit]] = field(default_factory=list)  # (what happened, edit) of 党内 items
    photo_states: dict[tuple[str, str], PhotoChange] = field(default_factory=dict)  # added/removed photos' renditions
    errors: list[Diagnostic] = field(default_factory=list)
    invalid: list[Diagnostic] = field(default_factory=list)  # validation errors of the working tree

    @property
    def empty(self) -> bool:
        """Whether the public site stays as it was (党内 changes do not count)."""
        return not any(
            (
                self.added_pages, self.removed_pages, self.added, self.changed, self.withdrawn, self.scheduled,
                self.photos_added, self.photos_removed, self.photos_replaced, self.org_edits, self.brand_edits,
            )
        )  # fmt: skip


def _field_changes(before: Fields, after: Fields) -> tuple[FieldChange, ...]:
    old, new = dict(before), dict(after)
    labels = [label for label, _ in after] + [label for label, _ in before if label not in new]
    return tuple(FieldChange(label, old.get(label, ""), new.get(label, "")) for label in labels if old.get(label, "") != new.get(label, ""))


_KIND = {"notice": "公示", "disclosure": "公开事项"}
_INTERNAL_KIND = {"notice": "公示", "disclosure": "事项"}


def _item_line(item: PublicItem) -> str:
    kind = (_INTERNAL_KIND if item.visibility == "internal" else _KIND)[item.kind]
    if item.redacted:  # its title is removed content
        return f"{item.org}：{kind}（内容已删除，{item.date.isoformat()}）"
    return f"{item.org}：{kind}“{item.title}”（{item.date.isoformat()}）"


def _removed(old: PublicItem, reason: str = "") -> Diagnostic:
    what = "公示" if old.kind == "notice" else "党务公开事项"
    state = "（已撤回，撤回记录仍在网站上）" if old.withdrawn else ""
    if old.withdrawn:
        fix = "不要删除文件：恢复它。已撤回的事项在网站上保留“已撤回”记录，文件要一直留着"
    else:
        fix = "不要删除文件：恢复它，并在字段区加上 withdrawn: {date: 撤回日期, reason: 撤回原因}（误发个人信息时再加 redact: true）"
    title = "（内容已删除的事项）" if old.redacted else old.title
    message = f"已发布的{what}“{title}”{state}{reason or '被删除'}"
    return Diagnostic(old.path, 1, 1, Severity.ERROR, "diff-item-removed", message, old.stem, fix)


def _moved(key: tuple[str, str, str], renamed: dict[str, str]) -> tuple[str, str, str]:
    return (renamed.get(key[0], key[0]), key[1], key[2])


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

    def old_of(store: dict[tuple[str, str, str], PublicItem], key: tuple[str, str, str]) -> PublicItem | None:
        return store.get(key) or store.get((previous.get(key[0], key[0]), *key[1:]))

    for slug, (name, facts) in sorted(after.orgs.items()):
        old_org = before.orgs.get(slug) or before.orgs.get(previous.get(slug, slug))
        if old_org is not None and (fields := _field_changes(old_org[1], facts)):
            change.org_edits.append(Edit(f"{slug}：{name}", fields))
    for slug, (name, facts) in sorted(after.brands.items()):
        old_brand = before.brands.get(slug) or before.brands.get(previous.get(slug, slug))
        if old_brand is not None and (fields := _field_changes(old_brand[1], facts)):
            change.brand_edits.append(Edit(f"{slug}：品牌“{name}”", fields))

    _compare_public(before, after, change, old_of, today)
    _compare_internal(before, after, change, old_of)
    _compare_photos(before, after, change)
    return change


def _compare_public(before: Snapshot, after: Snapshot, change: Change, old_of: Any, today: dt.date) -> None:
    for key, item in sorted(after.items.items()):
        old = old_of(before.items, key)
        if old is None:
            change.added.append(item)
            if item.kind == "notice" and item.status == "open":  # one that starts later is not opening
                change.opened.append(item)
            continue
        period = _period_error(old, item, today)
        if period is not None:
            change.errors.append(period)
        if item.withdrawn and not old.withdrawn:
            change.withdrawn.append(item)
        elif item.digest != old.digest:
            change.changed.append(item)
        else:
            continue
        change.item_edits.append(_item_edit(old, item))
    for key, item in sorted(after.scheduled.items()):
        old = old_of(before.scheduled, key)
        if old is None or old.digest != item.digest:
            change.scheduled.append(item)
    for key, old in sorted(before.items.items()):
        moved = _moved(key, after.renamed)  # a renamed organization keeps its items
        if key in after.items or moved in after.items:
            continue
        if key in after.scheduled or moved in after.scheduled:
            change.errors.append(_removed(old, "的日期被改到以后，已公开的内容会从网站上消失"))
        elif key in after.internal or moved in after.internal:
            change.errors.append(_removed(old, "被改为党内事项，已公开的内容会从网站上消失"))
        else:
            change.errors.append(_removed(old))


def _period_error(old: PublicItem, new: PublicItem, today: dt.date) -> Diagnostic | None:
    """A published notice's period changed in a way readers cannot be told of by the page alone."""
    s0, e0, s1, e1 = old.start, old.end, new.start, new.end
    if s0 is None or e0 is None or s1 is None or e1 is None or (s0, e0) == (s1, e1):
        return None  # not a notice, or the same period
    was = f"{s0.isoformat()} 至 {e0.isoformat()}"
    now = f"{s1.isoformat()} 至 {e1.isoformat()}"
    title = "（内容已删除的公示）" if new.redacted else f"“{new.title}”"
    at = new.start_at if s1 != s0 else new.end_at
    if e0 < today:
        message = f"已于 {e0.isoformat()} 结束的公示{title}的公示期被改写（原为 {was}，改为 {now}）"
    elif s0 <= today and s1 != s0:
        moved = "推迟到以后" if s1 > today else "改动"
        message = f"已于 {s0.isoformat()} 开始的公示{title}的开始日期被{moved}（原为 {was}，改为 {now}），读者已经看到的公示期不能改写"
    elif s0 <= today and e1 < e0:
        message = f"正在进行的公示{title}的结束日期从 {e0.isoformat()} 提前到 {e1.isoformat()}，缩短了群众反映意见的时间"
    elif s0 > today and s1 < today:
        message = f"还没开始的公示{title}的开始日期被改到今天以前（{s1.isoformat()}），网站上没有公示的日子不能算进公示期"
    else:
        return None  # an upcoming notice moved, or an open one extended: reported as a change
    fix = (
        f"恢复原来的公示期（{was}）。公示期确有错误的：在这条公示的字段区加上 withdrawn: {{date: {today.isoformat()}, reason: 更正原因}}，"
        "再另发一条更正后的公示（新文件，文件名以新的开始日期开头）；正在进行的公示可以延长 end，不能提前"
    )
    return Diagnostic(new.path, at.line, at.col, Severity.ERROR, "diff-notice-period", message, f"{was} → {now}", fix)


def _item_edit(old: PublicItem, new: PublicItem) -> Edit:
    if new.redacted and not old.redacted:  # personal data published by mistake: never repeat it here
        why = new.reason or "没有写撤回原因"  # item-redact-reason refuses that
        redacted = FieldChange("删除内容", "", f"redact: true，内容从网站上删除，只保留“已撤回：{why}”")
        return Edit(f"{new.org}：{_KIND[new.kind]}（{new.date.isoformat()}）", (redacted,), new)
    fields = list(_field_changes(old.fields, new.fields))
    if old.body != new.body and not new.redacted:
        fields.append(FieldChange("正文", old.body, new.body))
    return Edit(_item_line(new), tuple(fields), new)


def _compare_internal(before: Snapshot, after: Snapshot, change: Change, old_of: Any) -> None:
    for key, item in sorted(after.internal.items()):
        old = old_of(before.internal, key)
        if old is None:
            was_public = old_of(before.items, key) or old_of(before.scheduled, key)
            change.internal.append(("由公开改为党内" if was_public else "新增", Edit(_item_line(item), (), item)))
            continue
        fields = list(_field_changes(old.fields, item.fields))
        if old.body != item.body:
            fields.append(FieldChange("正文", "", ""))  # 党内: only that it changed
        if fields:
            change.internal.append(("修改", Edit(_item_line(item), tuple(fields), item)))
    for key, old in sorted(before.internal.items()):
        moved = _moved(key, after.renamed)
        if not any(k in store for k in (key, moved) for store in (after.internal, after.items, after.scheduled)):
            change.internal.append(("删除", Edit(_item_line(old), (), old)))
        elif moved in after.items or key in after.items or moved in after.scheduled or key in after.scheduled:
            change.internal.append(("改为向社会公开", Edit(_item_line(old), (), old)))


def _compare_photos(before: Snapshot, after: Snapshot, change: Change) -> None:
    change.photos_added = sorted(after.photos - before.photos)
    change.photos_removed = sorted(before.photos - after.photos)
    for key in change.photos_added:
        change.photo_states[key] = PhotoChange(*key, None, after.photo_states.get(key))
    for key in change.photos_removed:
        change.photo_states[key] = PhotoChange(*key, before.photo_states.get(key), None)
    for key in sorted(before.photos & after.photos):
        old, new = before.photo_states.get(key), after.photo_states.get(key)
        if old is not None and new is not None and old.key != new.key:
            change.photos_replaced.append(PhotoChange(*key, old, new))


def diff(root: Path, revision: str, today: dt.date) -> Change:
    """Compare the town at `revision` with the working tree under `root`."""
    return diff_with_results(root, revision, today)[0]


def diff_with_results(root: Path, revision: str, today: dt.date) -> tuple[Change, Result, Result]:
    """The change, with the validation of the town at `revision` and of the working tree (the
    verdict judges from them: each town is loaded and validated once)."""
    with tempfile.TemporaryDirectory(prefix="party365-diff-") as tmp:
        checkout(root, revision, Path(tmp))
        _share_photo_cache(root, Path(tmp))
        before = validate(Path(tmp), today)
        base = snapshot(before.dataset)  # while the base's files exist: photos are compared by content
    result = validate(root, today)
    change = compare(base, snapshot(result.dataset), today)
    change.invalid = result.errors
    return change, before, result


def _share_photo_cache(root: Path, tmp: Path) -> None:
    """Let the base revision's photos use the working tree's rendition cache (keyed by content,
    safe to share), so an unchanged photo is not decoded again for the comparison."""
    cache = root / CACHE_DIR
    try:
        cache.mkdir(parents=True, exist_ok=True)
        (tmp / CACHE_DIR).parent.mkdir(parents=True, exist_ok=True)
        (tmp / CACHE_DIR).symlink_to(cache.resolve(), target_is_directory=True)
    except OSError:
        pass  # no shared cache: the base's photos are decoded in the temporary folder


# ------------------------------------------------------------------ reports


def _body_diff(before: str, after: str) -> list[str]:
    """A few changed lines: 删去 (before) and 加上 (after), then how many more."""
    lines: list[str] = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        text = line[1:].strip()
        if text:
            lines.append(("删去：" if line.startswith("-") else "加上：") + text)
    if len(lines) > BODY_LINES:
        lines = [*lines[:BODY_LINES], f"……另有 {len(lines) - BODY_LINES} 行改动"]
    return lines


def _field_lines(fc: FieldChange, *, internal: bool = False) -> list[str]:
    if fc.label == "正文" and internal:
        return ["正文有修改（党内事项，不显示内容）"]
    if fc.label == "正文" or fc.multiline:
        return [f"{fc.label}有修改：", *(f"  {line}" for line in _body_diff(fc.before, fc.after))]
    return [f"{fc.label}：{fc.before or '（空）'} → {fc.after or '（空）'}"]


def _edit_lines(edit: Edit, *, internal: bool = False) -> list[str]:
    return [line for fc in edit.fields for line in _field_lines(fc, internal=internal)]


def _photo_name(p: PhotoChange) -> str:
    return f"{p.slug}/{p.file}"


@dataclass(frozen=True)
class Entry:
    """One line of a section, with the detail lines under it."""

    text: str
    details: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # Markdown only: (label, path relative to the site root)


def _edits(edits: Iterable[Edit]) -> list[Entry]:
    return [Entry(e.label, tuple(_edit_lines(e))) for e in edits]


def _photo_entries(keys: Iterable[tuple[str, str]], change: Change) -> list[Entry]:
    entries = []
    for key in keys:
        p = change.photo_states.get(key)
        links: tuple[tuple[str, str], ...] = ()
        if p is not None and p.after is not None and p.after.preview:
            links = (("预览", p.after.preview),)
        elif p is not None and p.before is not None and p.before.preview:
            links = (("原来的", p.before.preview),)
        entries.append(Entry(f"{key[0]}/{key[1]}", (), links))
    return entries


def _sections(change: Change) -> list[tuple[str, list[Entry]]]:
    edits = {(e.item.org, e.item.kind, e.item.stem): e for e in change.item_edits if e.item is not None}

    def item_entries(items: list[PublicItem]) -> list[Entry]:
        out = []
        for i in items:
            edit = edits.get((i.org, i.kind, i.stem))
            out.append(Entry(edit.label if edit else _item_line(i), tuple(_edit_lines(edit)) if edit else ()))
        return out

    replaced = []
    for p in change.photos_replaced:
        links = (("更换前", p.before.preview if p.before else ""), ("更换后", p.after.preview if p.after else ""))
        replaced.append(Entry(f"{_photo_name(p)}（照片内容已更换，文件名没变）", (), tuple(link for link in links if link[1])))
    return [
        ("新增页面", [Entry(f"{url}（{title}）") for url, title in change.added_pages]),
        ("删除页面", [Entry(f"{url}（{title}）") for url, title in change.removed_pages]),
        ("新开始的公示", [Entry(_item_line(i)) for i in change.opened]),
        ("新增公开内容", [Entry(_item_line(i)) for i in change.added if i not in change.opened]),
        ("定时发布的公开内容", [Entry(f"{i.org}：{_KIND[i.kind]}“{i.title}”将于 {i.date.isoformat()} 发布") for i in change.scheduled]),
        ("组织信息的修改", _edits(change.org_edits)),
        ("党建品牌的修改", _edits(change.brand_edits)),
        ("修改的公开内容", item_entries(change.changed)),
        ("撤回的公开内容", item_entries(change.withdrawn)),
        ("新增照片", _photo_entries(change.photos_added, change)),
        ("更换的照片", replaced),
        ("删除照片", _photo_entries(change.photos_removed, change)),
    ]


INTERNAL_TITLE = "党内事项（不公开，不上网站；审核人同样负责）"


def _internal_entries(change: Change) -> list[Entry]:
    return [Entry(f"{what}：{edit.label}", tuple(_edit_lines(edit, internal=True))) for what, edit in change.internal]


@dataclass(frozen=True)
class Frame:
    """What a verdict puts around a change's report: the first word on the public site, and the
    closing lines (what is not the clerk's to fix, then the conclusion). generator.verdict makes
    the one CI gives; without a verdict (library use) the change's own errors decide."""

    summary: tuple[str, ...]
    closing: tuple[str, ...]

    @classmethod
    def of(cls, change: Change) -> Frame:
        errors = change.errors + change.invalid
        summary = ("这次改动不影响公开网站。",) if change.empty and not errors else ()
        conclusion = f"结论：有 {len(errors)} 个错误，需要修改后才能合并。" if errors else "结论：可以合并。"
        return cls(summary, (conclusion,))


def render_text(change: Change, frame: Frame | None = None) -> str:
    frame = frame or Frame.of(change)
    lines = list(frame.summary)
    internal = _internal_entries(change)
    for title, entries in [*_sections(change), (INTERNAL_TITLE, internal)]:
        if entries:
            lines.append(f"{title}（{len(entries)}）：")
            for e in entries:
                lines.append(f"  - {e.text}")
                lines += [f"      {d}" for d in e.details]
    lines += [format_text(d) for d in change.errors + change.invalid]
    lines += frame.closing
    return show("\n".join(lines))  # a value with a direction control cannot reorder the report


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_text(text: str) -> str:
    """Text from the data as Markdown shows it, literally: a title cannot become a link, an image,
    emphasis or a heading in the pull request's comment the reviewer reads."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_line(line: str) -> str:
    """A line of the verdict's frame (it names paths and data) as literal Markdown, its bullet kept."""
    return "- " + md_text(line[2:]) if line.startswith("- ") else md_text(line)


def _md_entry(e: Entry) -> list[str]:
    links = "".join(f" [{label}]({url_path(path)})" for label, path in e.links)
    lines = [f"- {md_text(e.text)}{links}"]
    lines += [f"  - {md_text(d.strip())}" if not d.startswith("  ") else f"    - {md_text(d.strip())}" for d in e.details]
    return lines


def render_markdown(change: Change, frame: Frame | None = None) -> str:
    frame = frame or Frame.of(change)
    lines = ["### 这次改动对公开网站的影响", ""]
    if frame.summary:
        lines += [*map(_md_line, frame.summary), ""]
    for title, entries in _sections(change):
        if entries:
            lines += [f"**{title}（{len(entries)}）**", ""]
            for e in entries:
                lines += _md_entry(e)
            lines.append("")
    internal = _internal_entries(change)
    if internal:
        lines += [f"### {INTERNAL_TITLE}（{len(internal)}）", ""]
        for e in internal:
            lines += _md_entry(e)
        lines.append("")
    if change.errors or change.invalid:
        lines += ["**需要修改**", ""]
        lines += [f"- `{d.path}:{d.line}:{d.col}` [{d.rule}] {md_text(d.message)}。修改：{d.fix}" for d in change.errors + change.invalid]
        lines.append("")
    lines += map(_md_line, frame.closing)
    return show("\n".join(lines)) + "\n"  # the pull request's comment shows a hidden character as ⟨U+202E⟩


def render_json(change: Change) -> str:
    def item(i: PublicItem) -> dict[str, str]:
        return {"org": i.org, "kind": i.kind, "id": i.stem, "title": i.title, "date": i.date.isoformat()}

    def edit(e: Edit, *, internal: bool = False) -> dict[str, Any]:
        return {
            "record": e.label,
            "fields": [
                {"field": f.label, **({} if internal and f.label == "正文" else {"before": f.before, "after": f.after})} for f in e.fields
            ],
        }

    def photo(p: PhotoChange) -> dict[str, str]:
        return {"photo": _photo_name(p), "before": p.before.preview if p.before else "", "after": p.after.preview if p.after else ""}

    payload = {
        "added_pages": [u for u, _ in change.added_pages],
        "removed_pages": [u for u, _ in change.removed_pages],
        "opened_notices": [item(i) for i in change.opened],
        "added": [item(i) for i in change.added],
        "scheduled": [item(i) for i in change.scheduled],
        "changed": [item(i) for i in change.changed],
        "withdrawn": [item(i) for i in change.withdrawn],
        "org_changes": [edit(e) for e in change.org_edits],
        "brand_changes": [edit(e) for e in change.brand_edits],
        "item_changes": [edit(e) for e in change.item_edits],
        "photos_added": [f"{s}/{f}" for s, f in change.photos_added],
        "photos_removed": [f"{s}/{f}" for s, f in change.photos_removed],
        "photos_replaced": [photo(p) for p in change.photos_replaced],
        "internal": [{"change": what, **edit(e, internal=True)} for what, e in change.internal],
        "errors": [
            {"path": d.path, "line": d.line, "rule": d.rule, "message": d.message, "fix": d.fix} for d in change.errors + change.invalid
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
