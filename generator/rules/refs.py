"""Reference rule: folder names are valid slugs, references between organizations resolve,
coordinates lie inside the town, and 联建 partnerships are claimed by both sides."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..chars import HIDDEN_RE, describe, show
from ..diagnostics import Diagnostic, Severity
from ..loader import Document, position
from ..project import Dataset
from ..schema import SLUG_RE

# Folder names that would take the place of a page or folder of the site (the section pages and
# their index, MkDocs' and the theme's folders, the published data) or of the repository.
RESERVED_SLUGS = frozenset(
    {
        # sections of the site (generator/site/build.py) and their index pages
        "index", "readme", "dangwu", "gongshi", "pinpai", "fengjingxian", "anli", "jindu", "data", "guide", "schema",
        # MkDocs, Material and the generated files
        "assets", "search", "photos", "stylesheets", "javascripts", "sitemap", "feed", "404", "site", "static", "manifest",
        # the repository itself
        "content", "organizations", "generator", "overrides", "tools", "tests", "bench",
        # the web editor: /admin/<slug>/ for each organization, /admin/town/ for the office
        "admin", "town", "robots",
    }
)  # fmt: skip


@cache
def _spaces_and_marks() -> re.Pattern[str]:
    """White space and combining marks (Unicode 16, from ICU): what a skeleton leaves out."""
    import icu

    ranges = icu.UnicodeSet("[[:M:][:White_Space:]]").ranges()
    return re.compile("[" + "".join(f"\\U{ord(a):08x}-\\U{ord(b):08x}" for a, b in ranges) + "]")


@cache
def _spoof_checker() -> Any:
    import icu

    return icu.SpoofChecker()


def plain_key(name: str) -> str:
    """A name as written, up to the forms Unicode says are the same (NFKC: full-width and
    half-width, compatibility forms), white space and case. Invisible characters stay."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def name_key(name: str) -> str:
    """How two names are compared: what a reader sees. Characters that make text lie are removed
    (`generator.chars`), then NFKC, case folding and the confusable skeleton of Unicode TR39 (ICU's
    SpoofChecker: Cyrillic а is Latin a, 0 is O, カ is 力), without white space and combining marks,
    repeated until nothing changes."""
    key = unicodedata.normalize("NFKC", HIDDEN_RE.sub("", name))  # case kept: З looks like 3, з does not
    for _ in range(4):
        skeleton = _spoof_checker().getSkeleton(0, key)
        folded = plain_key(_spaces_and_marks().sub("", unicodedata.normalize("NFD", HIDDEN_RE.sub("", skeleton))))
        if folded == key:
            break
        key = folded
    return key


RULES = {
    "slug-format": "组织文件夹名不是合法代号",
    "slug-reserved": "组织文件夹名和网站的栏目或保留名称相同（如 index、dangwu、assets）",
    "slug-reused": "文件夹名和已改名组织的旧代号重复（旧网址要保留跳转）",
    "name-duplicate": "两个组织的全称相同，或名称冒充别的组织（形似的字、全角半角、空格、看不见的字符和附加符号都不算区别）",
    "item-date": "公开事项的 date 与文件名日期不一致",
    "geo-outside-town": "坐标不在全镇范围内",
    "ref-parent": "上级或下属党组织代号不存在，或是自己",
    "ref-parent-one-sided": "上下级关系只有一方填写（仅警告，页面上不显示下属关系）",
    "ref-partner": "联建单位代号不存在或是自己",
    "ref-partner-one-sided": "联建关系只有一方填写（仅警告）",
    "ref-host": "联建共享场所的代号不存在",
    "ref-route-stop": "线路站点代号不存在或没有位置",
    "ref-assessment": "考核评价里的组织代号不存在",
    "ref-rename": "改名记录的新代号不存在",
    "ref-collection": "案例汇编里的组织代号不存在，或汇编文件名不是合法代号",
}


def _diag(
    doc: Document, loc: tuple[Any, ...], *, rule: str, message: str, found: str, fix: str, severity: Severity = Severity.ERROR
) -> Diagnostic:
    pos = position(doc.data, loc)
    return Diagnostic.at(doc.path, pos, severity=severity, rule=rule, message=message, found=found, fix=fix)


def _unknown(ds: Dataset, slug: str) -> str:
    near = difflib.get_close_matches(slug, list(ds.orgs), n=1, cutoff=0.6)
    return f"是不是 {near[0]}？" if near else "代号就是 organizations/ 下的文件夹名，检查拼写"


def _names(model: Any) -> list[tuple[tuple[Any, ...], str]]:
    names: list[tuple[tuple[Any, ...], str]] = [(("name",), model.name), (("short_name",), model.short_name)]
    if model.brand is not None:
        names.append((("brand", "name"), model.brand.name))
    return names


_LABELS = {"name": "全称", "short_name": "简称", "brand.name": "品牌名称"}


def _differing(name: str, other: str) -> str:
    """The characters of `name` that `other` does not have, with their codes: what to look at."""
    odd = [c for c in dict.fromkeys(name) if c not in other and not c.isspace()]
    return "、".join(_one(c) for c in odd[:4])


def _one(c: str) -> str:
    if HIDDEN_RE.match(c):
        return describe(c)
    shown = f"◌{c}" if unicodedata.category(c).startswith("M") else c  # a mark on a dotted circle, as charts show it
    return f"“{shown}” U+{ord(c):04X}（{unicodedata.name(c, '未命名的字符')}）"


def _check_names(ds: Dataset) -> Iterator[Diagnostic]:
    """Full names are unique; no name (full, short or brand) looks the same as another
    organization's name while being written with other characters: that is an impersonation.
    Two short names written the same are fine (two 机关党支部)."""
    seen: dict[str, list[tuple[str, str, str, str]]] = {}  # skeleton -> (slug, field, plain key, name)
    for slug, entry in ds.valid.orgs.items():
        for loc, name in _names(entry.model):
            field = ".".join(loc)
            key, plain = name_key(name), plain_key(name)
            clash = next(
                (
                    (other, other_field, other_name)
                    for other, other_field, other_plain, other_name in seen.get(key, [])
                    if other != slug and ((field == other_field == "name") or other_plain != plain)
                ),
                None,
            )
            if clash is None:
                seen.setdefault(key, []).append((slug, field, plain, name))
                continue
            other, other_field, other_name = clash
            if plain == plain_key(other_name):
                message = f"{_LABELS[field]}与 {other} 的{_LABELS[other_field]}相同"
                fix = "检查是否复制了别的组织的 org.yml 忘了改名；同一组织只能有一个文件夹"
            else:
                differing = _differing(name, other_name)
                message = f"{_LABELS[field]}看起来和 {other} 的{_LABELS[other_field]}“{show(other_name)}”一样，用的却是别的字符" + (
                    f"：{differing}" if differing else ""
                )
                fix = "用键盘重新输入本组织的名称，不要从网页或聊天软件里复制；名称不能和别的组织的名称看起来一样"
            yield _diag(entry.doc, loc, rule="name-duplicate", message=message, found=show(name), fix=fix)


def _check_org_refs(ds: Dataset) -> Iterator[Diagnostic]:
    renamed = {r.old for r in ds.valid.renames.renames} if ds.valid.renames else set()
    for slug, entry in ds.orgs.items():
        doc = entry.doc
        if not SLUG_RE.fullmatch(slug):
            yield Diagnostic.at(
                doc.path,
                rule="slug-format",
                message="组织文件夹名只能用小写拼音、数字和连字符",
                found=slug,
                fix="例如 taoyuan-cun；代号会成为网址，定下后不要再改",
            )
        elif slug in RESERVED_SLUGS:
            yield Diagnostic.at(
                doc.path,
                rule="slug-reserved",
                message="这个文件夹名是网站的栏目或保留名称，组织页面会和栏目页面冲突",
                found=slug,
                fix="在名称里加上村、社区或单位的拼音，例如 dangwu-ban、data-gongsi；代号会成为网址，定下后不要再改",
            )
        if slug in renamed:
            yield Diagnostic.at(
                doc.path,
                rule="slug-reused",
                message="这个代号属于一个已改名的组织，旧网址必须继续跳转",
                found=slug,
                fix="换一个新代号作为文件夹名",
            )
        valid = ds.valid.orgs.get(slug)
        if valid is None:
            continue
        org = valid.model
        if org.parent and (org.parent not in ds.orgs or org.parent == slug):
            yield _diag(
                doc,
                ("parent",),
                rule="ref-parent",
                message="上级党组织代号不存在" if org.parent != slug else "不能把自己写成上级党组织",
                found=org.parent,
                fix=_unknown(ds, org.parent),
            )
        elif org.parent and (upper := ds.valid.orgs.get(org.parent)) is not None and slug not in upper.model.children:
            yield _diag(
                doc,
                ("parent",),
                rule="ref-parent-one-sided",
                message=f"{org.parent} 没有把本组织列为下属党组织，上下级关系暂不在对方页面显示",
                found=org.parent,
                fix=f"请 {org.parent} 在其 org.yml 的 children 里加上 {slug}",
                severity=Severity.WARNING,
            )
        for i, child in enumerate(org.children):
            lower = ds.valid.orgs.get(child)
            if child not in ds.orgs or child == slug:
                yield _diag(
                    doc,
                    ("children", i),
                    rule="ref-parent",
                    message="下属党组织代号不存在" if child != slug else "不能把自己写成下属党组织",
                    found=child,
                    fix=_unknown(ds, child),
                )
            elif lower is not None and lower.model.parent != slug:
                yield _diag(
                    doc,
                    ("children", i),
                    rule="ref-parent-one-sided",
                    message=f"{child} 没有把本组织写成上级党组织（parent），上下级关系暂不在页面显示",
                    found=child,
                    fix=f"请 {child} 在其 org.yml 里写 parent: {slug}",
                    severity=Severity.WARNING,
                )
        if org.space.shared_with and (org.space.shared_with not in ds.orgs or org.space.shared_with == slug):
            yield _diag(
                doc,
                ("space", "shared_with"),
                rule="ref-host",
                message="联建共享场所的组织代号不存在",
                found=org.space.shared_with,
                fix=_unknown(ds, org.space.shared_with),
            )
        if org.location is not None and ds.valid.town is not None:
            bbox = ds.valid.town.bbox
            lat, lon = org.location.lat, org.location.lon
            if not (bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east):
                yield _diag(
                    doc,
                    ("location",),
                    rule="geo-outside-town",
                    message="坐标不在全镇范围内",
                    found=f"{lat}, {lon}",
                    fix=f"纬度应在 {bbox.south}～{bbox.north}，经度应在 {bbox.west}～{bbox.east}；"
                    "检查是否把纬度和经度写反，或用了百度/高德坐标（应为 WGS-84）",
                )
        if org.brand is not None:
            for i, partner in enumerate(org.brand.partners):
                loc = ("brand", "partners", i)
                other = ds.valid.orgs.get(partner)
                if partner not in ds.orgs or partner == slug:
                    yield _diag(
                        doc,
                        loc,
                        rule="ref-partner",
                        message="联建单位代号不存在" if partner != slug else "不能把自己写成联建单位",
                        found=partner,
                        fix=_unknown(ds, partner),
                    )
                elif other is not None and (other.model.brand is None or slug not in other.model.brand.partners):
                    yield _diag(
                        doc,
                        loc,
                        rule="ref-partner-one-sided",
                        message=f"{partner} 没有把本组织列为联建单位，联建关系暂不在对方页面显示",
                        found=partner,
                        fix=f"请 {partner} 在其 org.yml 的 brand.partners 里加上 {slug}",
                        severity=Severity.WARNING,
                    )
        for item in valid.disclosures:
            if item.model.date and item.model.date != item.date:
                yield _diag(
                    item.doc,
                    ("date",),
                    rule="item-date",
                    message="date 与文件名开头的日期不一致",
                    found=str(item.model.date),
                    fix=f"删掉 date 行（以文件名的 {item.date} 为准），或把文件改名",
                )


def _check_town_refs(ds: Dataset) -> Iterator[Diagnostic]:
    routes = ds.valid.routes
    if routes is not None:
        doc = ds.town_docs["routes"]
        for r, route in enumerate(routes.routes):
            for s, stop in enumerate(route.stops):
                loc = ("routes", r, "stops", s)
                entry = ds.valid.orgs.get(stop)
                if stop not in ds.orgs:
                    yield _diag(
                        doc, loc, rule="ref-route-stop", message=f"线路“{route.name}”的站点代号不存在", found=stop, fix=_unknown(ds, stop)
                    )
                elif entry is not None and entry.model.location is None:
                    yield _diag(
                        doc,
                        loc,
                        rule="ref-route-stop",
                        message=f"线路“{route.name}”的站点 {stop} 没有填写位置",
                        found=stop,
                        fix=f"请 {stop} 在 org.yml 里填写 location（lat、lon）",
                    )
    assessments = ds.valid.assessments
    if assessments is not None:
        doc = ds.town_docs["assessments"]
        for i, assessment in enumerate(assessments.entries):
            if assessment.org not in ds.orgs:
                yield _diag(
                    doc,
                    ("entries", i, "org"),
                    rule="ref-assessment",
                    message="考核评价里的组织代号不存在",
                    found=assessment.org,
                    fix=_unknown(ds, assessment.org),
                )
    for cid, doc in ds.collection_docs.items():
        if not SLUG_RE.fullmatch(cid) or cid in RESERVED_SLUGS:
            yield Diagnostic.at(
                doc.path,
                rule="ref-collection",
                message="汇编文件名会成为网址，只能用小写拼音、数字和连字符，也不能是 index 等保留名称",
                found=cid,
                fix="例如 quji-shifandian.yml",
            )
        collection = ds.valid.collections.get(cid)
        if collection is None:
            continue
        for i, case in enumerate(collection.cases):
            if case.org not in ds.orgs:
                yield _diag(
                    doc,
                    ("cases", i, "org"),
                    rule="ref-collection",
                    message="案例汇编里的组织代号不存在",
                    found=case.org,
                    fix=_unknown(ds, case.org),
                )
    renames = ds.valid.renames
    if renames is not None:
        doc = ds.town_docs["renames"]
        for i, rename in enumerate(renames.renames):
            if rename.new not in ds.orgs:
                yield _diag(
                    doc,
                    ("renames", i, "to"),
                    rule="ref-rename",
                    message="改名记录的新代号不存在",
                    found=rename.new,
                    fix=_unknown(ds, rename.new),
                )


def check(ds: Dataset) -> Iterator[Diagnostic]:
    yield from _check_names(ds)
    yield from _check_org_refs(ds)
    yield from _check_town_refs(ds)
