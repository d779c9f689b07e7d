"""The site remembers what it published: a manifest of its public records, and the check that
no build drops one.

Every build writes `data/manifest.json`: each public record (an organization's page, its brand
profile, each published disclosure and notice, tombstones included) with its id (org slug +
kind + file stem), URL, content hash and state (published, withdrawn, redacted), plus the
site's pages and photo renditions. Only what the public site shows is listed: 党内 items and
disclosures dated after today are not, and a hash is taken over what the page shows (a redacted
item's hash covers its tombstone only, never the removed text).

When town.yml names the deployed manifest (`published_manifest:`, a path or an http(s) URL),
the next build reads it and refuses, with a DataError, to drop an organization, disclosure or
notice that it lists, unless the item is still there (withdrawn is fine) or the organization's
rename is registered in renames.yml. This runs in every build, on any branch, a direct push to
main included. A manifest that cannot be read is a warning, never a silent pass.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic, Severity
from .loader import position
from .project import ORGS_DIR, TOWN_DIR, TOWN_FILES, Dataset
from .publication import brand_url, is_hidden, is_published, item_url, org_url
from .schema import Notice
from .valid import AnyItem

MANIFEST_PATH = "data/manifest.json"
SCHEMA = 1
TIMEOUT = 10  # seconds to fetch a deployed manifest
MAX_BYTES = 64 * 1024 * 1024
PROTECTED = ("org", "disclosure", "notice")  # kinds that may not vanish (a brand may be given up)
_FOLDER = {"disclosure": "disclosures", "notice": "notices"}
_WHAT = {"org": "组织页面", "brand": "品牌页面", "disclosure": "党务公开事项", "notice": "公示"}


@dataclass(frozen=True)
class Record:
    id: str  # "a-cun/org", "a-cun/brand", "a-cun/disclosure/2026-11-02-dangfei"
    kind: str  # org | brand | disclosure | notice
    url: str  # relative to the site root
    title: str  # "" for a redacted item
    state: str  # published | withdrawn | redacted
    hash: str = ""


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _item_record(slug: str, item: AnyItem) -> Record:
    m = item.model
    state = "redacted" if m.redact else "withdrawn" if m.withdrawn else "published"
    shown: dict[str, Any] = {"date": item.date, "state": state}
    if m.withdrawn:
        shown["withdrawn"] = [m.withdrawn.date, m.withdrawn.reason]
    if not m.redact:
        shown["title"] = m.title
    if not is_hidden(item):  # the content the page shows: none for a tombstone
        fields = ("kind", "start", "end", "objection") if isinstance(m, Notice) else ("category", "vote", "photos")
        shown |= {name: getattr(m, name) for name in fields}
        shown["body"] = item.doc.body
    stem = item.file.stem
    return Record(f"{slug}/{item.kind}/{stem}", item.kind, item_url(slug, stem), "" if m.redact else m.title, state, _digest(shown))


def public_records(ds: Dataset, pages: dict[str, str] | None = None) -> dict[str, Record]:
    """Every public record of the town by id, as the publication policy decides. `pages` (URL ->
    rendered content) gives the organization and brand pages their content hashes."""
    pages = pages or {}
    found: dict[str, Record] = {}
    for slug, entry in ds.valid.orgs.items():
        org = entry.model
        url = org_url(slug)
        found[f"{slug}/org"] = Record(f"{slug}/org", "org", url, org.short_name, "published", _digest(pages.get(url, "")))
        if org.brand is not None:
            url = brand_url(slug)
            found[f"{slug}/brand"] = Record(f"{slug}/brand", "brand", url, org.brand.name, "published", _digest(pages.get(url, "")))
        for item in entry.items:
            if is_published(item, ds.today):
                record = _item_record(slug, item)
                found[record.id] = record
    return found


def manifest_json(records: dict[str, Record], site_url: str, pages: list[str], photos: list[str]) -> str:
    """The manifest file: deterministic (sorted, no time of build), readable."""
    payload = {
        "schema": SCHEMA,
        "site_url": site_url,
        "records": {r.id: {"kind": r.kind, "url": r.url, "title": r.title, "state": r.state, "hash": r.hash} for r in records.values()},
        "pages": sorted(pages),
        "photos": sorted(photos),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ------------------------------------------------------------------ the deployed manifest


def _town_place(ds: Dataset) -> tuple[str, int, int]:
    doc = ds.town_docs.get("town")
    path = (TOWN_DIR / TOWN_FILES["town"]).as_posix()
    if doc is None:
        return path, 1, 1
    pos = position(doc.data, ("published_manifest",))
    return path, pos.line, pos.col


def _warning(ds: Dataset, spec: str, why: str) -> Diagnostic:
    path, line, col = _town_place(ds)
    return Diagnostic(
        path, line, col, Severity.WARNING, "manifest-unavailable",
        f"读不到已发布网站的清单（{why}），这次构建没能核对已发布的记录有没有被删除", spec,
        "确认 published_manifest 写的网址或路径能打开（网站第一次发布之前先不要填写这一项）；网络暂时不通时稍后重新构建",
    )  # fmt: skip


def load_published(ds: Dataset, spec: str) -> tuple[dict[str, Any] | None, Diagnostic | None]:
    """The deployed manifest named by `spec` (an http(s) URL, or a path relative to the town's
    root), or a Chinese warning saying why it could not be read."""
    try:
        if spec.startswith(("http://", "https://")):
            request = urllib.request.Request(spec, headers={"User-Agent": "party365", "Cache-Control": "no-cache"})
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # http(s) only, checked above
                raw = response.read(MAX_BYTES + 1)
        else:
            file = ds.root / spec
            if not file.is_file():
                return None, _warning(ds, spec, f"文件 {spec} 不存在")
            raw = file.read_bytes()[: MAX_BYTES + 1]
    except urllib.error.HTTPError as exc:
        return None, _warning(ds, spec, f"网站回答 HTTP {exc.code}")
    except urllib.error.URLError as exc:
        return None, _warning(ds, spec, f"连不上：{exc.reason}")
    except (TimeoutError, OSError) as exc:
        return None, _warning(ds, spec, f"连不上或读取失败：{exc}")
    if len(raw) > MAX_BYTES:
        return None, _warning(ds, spec, "文件太大，不像是网站清单")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, _warning(ds, spec, "内容不是网站清单（不是 JSON）")
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("records"), dict):
        return None, _warning(ds, spec, "内容不是网站清单（缺少 schema 或 records）")
    return data, None


def dropped(ds: Dataset, published: dict[str, Any], site_url: str) -> list[Diagnostic]:
    """An error for each organization, disclosure or notice of the deployed manifest that this
    build would drop: neither still there (withdrawn is fine) nor moved by a registered rename."""
    current = public_records(ds)
    renames = ds.valid.renames
    renamed = {r.old: r.new for r in renames.renames} if renames else {}
    found: list[Diagnostic] = []
    for rid, entry in sorted(published["records"].items()):
        if not isinstance(entry, dict) or entry.get("kind") not in PROTECTED or rid in current:
            continue
        slug, _, rest = str(rid).partition("/")
        if slug in renamed and f"{renamed[slug]}/{rest}" in current:
            continue
        kind = str(entry["kind"])
        stem = rest.partition("/")[2]
        path = f"{ORGS_DIR}/{slug}/org.yml" if kind == "org" else f"{ORGS_DIR}/{slug}/{_FOLDER[kind]}/{stem}.md"
        title = str(entry.get("title") or "")
        named = f"“{title}”" if title else "（内容已删除的事项）"
        url = site_url + str(entry.get("url", ""))
        if kind == "org":
            fix = f"恢复这个组织的文件夹；组织改名或合并时，在 {TOWN_DIR.as_posix()}/renames.yml 里登记 from: {slug} 和 to: 新代号"
        else:
            fix = (
                "恢复这个文件，并在字段区加上 withdrawn: {date: 撤回日期, reason: 撤回原因}（误发个人信息时再加 redact: true）；"
                f"组织改名时在 {TOWN_DIR.as_posix()}/renames.yml 登记"
            )
        found.append(
            Diagnostic(
                path, 1, 1, Severity.ERROR, "manifest-record-dropped",
                f"网站上已发布的{_WHAT[kind]}{named}（{url}）在这次构建中消失了，已发布的内容不能无故删除", rid, fix,
            )
        )  # fmt: skip
    return found


def check_published(ds: Dataset, site_url: str, spec: str | None) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) of comparing this build with the deployed manifest named by `spec`."""
    if not spec:
        return [], []
    published, problem = load_published(ds, spec)
    if published is None:
        return [], [problem] if problem else []
    return dropped(ds, published, site_url), []


def page_urls(files: Any) -> dict[str, str]:
    """{URL relative to the site root: file} of the generated Markdown pages, sorted by URL."""
    urls = {}
    for path in files:
        if isinstance(path, str) and path.endswith(".md"):
            stem = path.removesuffix(".md")
            urls["" if stem == "index" else stem.removesuffix("/index") + "/"] = path
    return dict(sorted(urls.items()))
