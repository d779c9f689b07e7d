"""One contract: the validator and the published JSON Schema (content/schema/*.json, what a clerk's
editor checks against) give the same verdict on every one-field edit of real demo files.

Each mutation changes, adds, renames or deletes one field of a file of the demo town and is fed
both to the schema rule (`validate_document`, plus the sector requirements, which the schema
writes as if/then clauses) and to `jsonschema` with format checking. Rules that need more than
the one file (does the partner exist? is the photo there?) are not part of either; they are
listed below with the reason the schema cannot say them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.diagnostics import Severity
from generator.loader import Document, YList, YMap, load_markdown, load_yaml, parse_yaml
from generator.project import load_dataset
from generator.rules import all_rules, brands
from generator.rules import schema as schema_rule
from generator.rules.schema import _sector_required, validate_document

REPO = Path(__file__).resolve().parents[1]


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()

# Rules the JSON Schema cannot express: they look at other files, the file system or the date.
# An editor cannot show these; `party365 validate` (and CI) does.
CROSS_FILE_RULES: dict[str, str] = {
    "slug-format": "the folder name is not inside the file",
    "slug-reserved": "the folder name is not inside the file",
    "slug-reused": "needs renames.yml",
    "name-duplicate": "needs every other org.yml",
    "item-date": "compares with the file name",
    "geo-outside-town": "the town's bbox is in town.yml",
    "ref-parent": "the parent must be another organization's folder",
    "ref-parent-one-sided": "needs the other organization's org.yml",
    "ref-partner": "the partner must be another organization's folder",
    "ref-partner-one-sided": "needs the other organization's org.yml",
    "ref-host": "the host must be another organization's folder",
    "ref-route-stop": "stops must be organizations with a location",
    "basemap-outside": "the town's bbox is in town.yml",
    "basemap-boundary": "a closed line (first point = last point) cannot be said in JSON Schema",
    "ref-assessment": "needs the organizations/ folder",
    "ref-rename": "needs the organizations/ folder",
    "ref-collection": "needs the organizations/ folder and the collection's file name",
    "brand-quota": "counts brands across all organizations",
    "notice-dates": "compares two values (end not before start); JSON Schema cannot",
    "notice-too-short": "counts working days with holidays.yml",
    "notice-calendar": "needs holidays.yml",
    "photo-missing": "needs the photos/ folder",
    "compliance-stale": "depends on today's date, and is a warning",
    "compliance-space": "a warning for the office; JSON Schema has no warnings",
    "privacy-id-number": "checks ID numbers in the rendered text with their checksum",
    "content-script": "needs the Markdown renderer",
}

# Rules outside the schema rule whose condition the published schema also carries (if/then).
SCHEMA_ALSO: dict[str, tuple[str, str]] = {
    "brand-model": ("  model: 美丽和谐型", "  model: 同频共振型"),
    "brand-level": ("  batch: 一期", "  batch: 二期\n  level: 区级示范点"),
}

# Where the two cannot agree, and why: JSON has one number type, so 40.0 is an "integer" to JSON
# Schema, while the validator refuses a decimal point where a count belongs.
KNOWN_DIFFERENCES = {"integral decimal for an integer"}

ORG_VILLAGE = "organizations/baidang-cun/org.yml"
ORG_COMMUNITY = "organizations/binjiang-shequ/org.yml"
ORG_OFFICE = "organizations/caizheng-suo/org.yml"
ORG_FIRM_SHARED = "organizations/chenxi-yiliao/org.yml"
ORG_FIRM_OWN = "organizations/anda-zhineng/org.yml"
VOTE = "organizations/anda-zhineng/disclosures/2026-10-29-zhongda-shixiang.md"
PHOTOS = "organizations/dangzheng-ban/disclosures/2026-11-13-zhiyuan-fuwu.md"
WITHDRAWN = "organizations/lihua-cun/disclosures/2026-05-15-lishu-donghai-qingkuang.md"
NOTICE = "organizations/baidang-cun/notices/2026-11-24-shishi-qingkuang.md"
TOWN = "content/_town/town.yml"
PLAN = "content/_town/plan.yml"
HOLIDAYS = "content/_town/holidays.yml"
ROUTES = "content/_town/routes.yml"
ASSESSMENTS = "content/_town/assessments.yml"
RENAMES = "content/_town/renames.yml"
COLLECTION = "content/_town/collections/yiqi-pinpai.yml"

KINDS = {TOWN: "town", PLAN: "plan", HOLIDAYS: "holidays", ROUTES: "routes", ASSESSMENTS: "assessments", RENAMES: "renames"}

OK, BAD = True, False
RENAME = "rename"

# (file, where, new YAML value | DELETE | (RENAME, new key), expected verdict)
MUTATIONS: list[tuple[str, tuple[Any, ...], Any, bool]] = [
    # org.yml, a village
    (ORG_VILLAGE, ("schema",), '"1"', BAD),
    (ORG_VILLAGE, ("schema",), "2", BAD),
    (ORG_VILLAGE, ("schema",), "true", BAD),
    (ORG_VILLAGE, ("schema",), DELETE, BAD),
    (ORG_VILLAGE, ("schema",), (RENAME, "schema_"), BAD),
    (ORG_VILLAGE, ("name",), '""', BAD),
    (ORG_VILLAGE, ("name",), '"   "', BAD),
    (ORG_VILLAGE, ("name",), "123", BAD),
    (ORG_VILLAGE, ("name",), "中共春江镇白荡村委员会", OK),
    (ORG_VILLAGE, ("kind",), "党小组", BAD),
    (ORG_VILLAGE, ("sector",), "农村", BAD),
    (ORG_VILLAGE, ("members", "total"), '"59"', BAD),
    (ORG_VILLAGE, ("members", "total"), "yes", BAD),
    (ORG_VILLAGE, ("members", "total"), "-1", BAD),
    (ORG_VILLAGE, ("members", "total"), "59.5", BAD),
    (ORG_VILLAGE, ("members", "total"), "0", OK),
    (ORG_VILLAGE, ("members", "probationary"), "no", BAD),
    (ORG_VILLAGE, ("members", "probationary"), "012", BAD),
    (ORG_VILLAGE, ("members", "probationary"), DELETE, OK),
    (ORG_VILLAGE, ("secretary", "name"), "~", BAD),
    (ORG_VILLAGE, ("secretary", "title"), DELETE, OK),
    (ORG_VILLAGE, ("contact", "phone"), "86366003", BAD),
    (ORG_VILLAGE, ("contact", "phone"), "051986366003", OK),
    (ORG_VILLAGE, ("contact",), DELETE, BAD),
    (ORG_VILLAGE, ("contact", "fax"), "0519-1", BAD),
    (ORG_VILLAGE, ("location", "lat"), '"31.74"', BAD),
    (ORG_VILLAGE, ("location", "lat"), "91", BAD),
    (ORG_VILLAGE, ("location", "lon"), ".inf", BAD),
    (ORG_VILLAGE, ("location",), "~", OK),
    (ORG_VILLAGE, ("space", "area"), '"110"', BAD),
    (ORG_VILLAGE, ("space", "area"), DELETE, BAD),
    (ORG_VILLAGE, ("space", "area"), "~", BAD),
    (ORG_VILLAGE, ("space", "liutongyi"), "[]", BAD),
    (ORG_VILLAGE, ("space", "liutongyi"), "[外观标识]", BAD),
    (ORG_VILLAGE, ("space", "shared_with"), "Beiwei_Cun", BAD),
    (ORG_VILLAGE, ("children",), "[Lijing_Shequ]", BAD),
    (ORG_VILLAGE, ("children",), "[lijing-shequ]", OK),
    (ORG_VILLAGE, ("parent",), "lijing shequ", BAD),
    (ORG_VILLAGE, ("intro",), '""', BAD),
    (ORG_VILLAGE, ("intro",), DELETE, OK),
    (ORG_VILLAGE, ("maintainers",), "[]", BAD),
    (ORG_VILLAGE, ("maintainers",), '["a\\n/generator/ @mallory\\n*"]', BAD),
    (ORG_VILLAGE, ("maintainers",), "lixiaohong、wangdeshun", BAD),
    (ORG_VILLAGE, ("maintainers",), "[lixiaohong、wangdeshun]", BAD),
    (ORG_VILLAGE, ("maintainers",), '["li xiaohong"]', BAD),
    (ORG_VILLAGE, ("maintainers",), "[org/team]", BAD),
    (ORG_VILLAGE, ("maintainers",), '["#x"]', BAD),
    (ORG_VILLAGE, ("maintainers",), "[li.xiaohong, wang_ds, '@zhang-3']", OK),
    (ORG_VILLAGE, ("updated",), "2026-11-18 10:00", BAD),
    (ORG_VILLAGE, ("updated",), "2026-11-18T10:00:00", BAD),
    (ORG_VILLAGE, ("updated",), '"2026-11-18"', OK),
    (ORG_VILLAGE, ("updated",), "2026-02-30", BAD),
    (ORG_VILLAGE, ("updated",), "2026-11-1", BAD),
    (ORG_VILLAGE, ("updated",), "2026-１１-18", BAD),
    # the brand
    (ORG_VILLAGE, ("brand", "model"), "服务型", BAD),
    (ORG_VILLAGE, ("brand", "batch"), "三期", BAD),
    (ORG_VILLAGE, ("brand", "level"), "市级", BAD),
    (ORG_VILLAGE, ("brand", "year"), '"2017"', BAD),
    (ORG_VILLAGE, ("brand", "year"), "1999", BAD),
    (ORG_VILLAGE, ("brand", "partners"), "[Hongda_Jixie]", BAD),
    (ORG_VILLAGE, ("brand", "partners"), "hongda-jixie", BAD),
    (ORG_VILLAGE, ("brand", "partners"), "[]", OK),
    (ORG_VILLAGE, ("brand", "photos", 0, "consent"), "on", BAD),
    (ORG_VILLAGE, ("brand", "photos", 0, "consent"), "1", BAD),
    (ORG_VILLAGE, ("brand", "photos", 0, "consent"), '"true"', BAD),
    (ORG_VILLAGE, ("brand", "photos", 0, "consent"), "false", OK),
    (ORG_VILLAGE, ("brand", "name"), DELETE, BAD),
    (ORG_VILLAGE, ("brand", "motto"), "x", BAD),
    (ORG_VILLAGE, ("brand", "practices", 0, "text"), '""', BAD),
    (ORG_VILLAGE, ("brand", "honors", 0, "year"), "1900", BAD),
    # other sectors
    (ORG_COMMUNITY, ("space", "hall_area"), DELETE, BAD),
    (ORG_COMMUNITY, ("space", "hall_area"), "80", OK),
    (ORG_OFFICE, ("space", "liuyou"), "[]", BAD),
    (ORG_OFFICE, ("space", "liuyou"), DELETE, BAD),
    (ORG_OFFICE, ("space", "liuyou"), "[场所]", OK),
    (ORG_FIRM_SHARED, ("space", "shared_with"), DELETE, BAD),
    (ORG_FIRM_SHARED, ("space", "shared_with"), "~", BAD),
    (ORG_FIRM_SHARED, ("space",), DELETE, BAD),
    (ORG_FIRM_OWN, ("space", "shared_with"), "beiwei-cun", OK),
    (ORG_FIRM_OWN, ("space", "liuyou"), "[]", BAD),
    # disclosures
    (VOTE, ("vote", "for"), '"50"', BAD),
    (VOTE, ("vote", "for"), "-1", BAD),
    (VOTE, ("vote", "for"), (RENAME, "agree"), BAD),
    (VOTE, ("category",), "党务公开", BAD),
    (VOTE, ("audience",), "党内", OK),
    (VOTE, ("audience",), "内部", BAD),
    (VOTE, ("date",), "2026-10-29", OK),
    (VOTE, ("date",), "2026-10-29T10:00:00", BAD),
    (VOTE, ("redact",), "yes", BAD),
    (VOTE, ("redact",), "true", OK),
    (VOTE, ("title",), '" "', BAD),
    (PHOTOS, ("photos", 0, "consent"), "on", BAD),
    (PHOTOS, ("photos", 0, "consent"), "off", BAD),
    (PHOTOS, ("photos", 0, "file"), '""', BAD),
    (PHOTOS, ("photos", 0, "alt"), "~", OK),
    (PHOTOS, ("photos",), "photos/a.jpg", BAD),
    (WITHDRAWN, ("withdrawn", "reason"), "错", BAD),
    (WITHDRAWN, ("withdrawn", "date"), "2026-5-19", BAD),
    # notices
    (NOTICE, ("kind",), "困难", BAD),
    (NOTICE, ("start",), "2026/11/24", BAD),
    (NOTICE, ("end",), DELETE, BAD),
    (NOTICE, ("objection",), DELETE, BAD),
    (NOTICE, ("objection", "phone"), "86366003", BAD),
    (NOTICE, ("objection", "wechat"), "x", BAD),
    (NOTICE, ("audience",), "党内", OK),
    # town data
    (TOWN, ("demo",), "yes", BAD),
    (TOWN, ("demo",), '"true"', BAD),
    (TOWN, ("demo",), "false", OK),
    (TOWN, ("site_url",), "https://x.example", BAD),
    (TOWN, ("bbox", "south"), '"31.7"', BAD),
    (TOWN, ("office", "maintainers"), '["chunjiang zuzhi"]', BAD),
    (TOWN, ("office", "maintainers"), "[chunjiang-zuzhi, zhang.san]", OK),
    (TOWN, ("publish_assessments",), "0", BAD),
    (TOWN, ("quotas", "batch1"), '"33"', BAD),
    (PLAN, ("tasks", 0, "no"), "0", BAD),
    (PLAN, ("tasks", 0, "deadline"), "2018-06", BAD),
    (PLAN, ("phases", 0, "start"), "2017-09-01", OK),
    (HOLIDAYS, ("years", "2026", "holidays", 0), "2026-01-01 00:00", BAD),
    (HOLIDAYS, ("years", "2026"), (RENAME, "2026x"), BAD),
    (HOLIDAYS, ("years", "2017", "workdays"), "[]", OK),
    (ROUTES, ("routes", 0, "color"), "C8102E", BAD),
    (ROUTES, ("routes", 0, "stops"), "[lihua-cun]", BAD),
    (ROUTES, ("routes", 0, "id"), "Jingpin", BAD),
    (ROUTES, ("basemap", "centre", "radius"), "50", BAD),
    (ROUTES, ("basemap", "centre", "radius"), "1200", OK),
    (ROUTES, ("basemap", "landmarks", 0, "name"), '""', BAD),
    (ROUTES, ("basemap", "rivers", 0, "line"), "[{lat: 31.75, lon: 119.9}]", BAD),
    (ROUTES, ("basemap", "roads", 0, "line", 0, "lat"), "91", BAD),
    (ROUTES, ("basemap", "boundaries"), "[]", BAD),
    (ASSESSMENTS, ("entries", 0, "stars"), "6", BAD),
    (ASSESSMENTS, ("entries", 0, "grade"), "6A", BAD),
    (ASSESSMENTS, ("entries", 0, "card"), "~", OK),
    (RENAMES, ("renames",), "[{from: a-cun, to: b-cun, date: 2026-01-01}]", OK),
    (RENAMES, ("renames",), "[{from: a-cun, to: B_Cun, date: 2026-01-01}]", BAD),
    (RENAMES, ("renames",), "[{old: a-cun, new: b-cun, date: 2026-01-01}]", BAD),
    # a collection
    (COLLECTION, ("cases",), "[]", BAD),
    (COLLECTION, ("date",), '"2026"', BAD),
    (COLLECTION, ("cases", 0, "org"), "Baidang", BAD),
    (COLLECTION, ("intro",), '" "', BAD),
    (COLLECTION, ("subtitle",), DELETE, OK),
]

# Mutations on which the two are known to differ, with the reason (a KNOWN_DIFFERENCES entry).
DIFFERENT: list[tuple[str, tuple[Any, ...], str, str]] = [
    (ORG_VILLAGE, ("members", "total"), "59.0", "integral decimal for an integer"),
    (ORG_VILLAGE, ("brand", "honors", 0, "year"), "2021.0", "integral decimal for an integer"),
]


def _kind(rel: str) -> str:
    if rel.endswith("org.yml"):
        return "org"
    if "/disclosures/" in rel:
        return "disclosure"
    if "/notices/" in rel:
        return "notice"
    if "/collections/" in rel:
        return "collection"
    return KINDS[rel]


def _load(rel: str) -> Document:
    return (load_markdown if rel.endswith(".md") else load_yaml)(REPO / rel, rel)


def _value(raw: str) -> Any:
    data, problems, ok = parse_yaml(f"v: {raw}\n", "mutation")
    assert ok and not problems, raw
    return data["v"]


def _mutate(data: YMap, where: tuple[Any, ...], change: Any) -> None:
    *path, last = where
    node: Any = data
    for part in path:
        node = node[part]
    if change is DELETE:
        del node[last]
    elif isinstance(change, tuple):
        node[change[1]] = node.pop(last)
        node.key_pos[change[1]] = node.value_pos[change[1]] = node.pos
    else:
        node[last] = _value(change)
        if isinstance(node, YMap):
            node.key_pos.setdefault(last, node.pos)
            node.value_pos.setdefault(last, node.pos)
        else:
            assert isinstance(node, YList)


def _validator_accepts(kind: str, doc: Document) -> bool:
    model, problems = validate_document(kind, doc)
    if model is not None and kind == "org":
        problems = [*problems, *_sector_required(doc, model)]
    return not [p for p in problems if p.severity is Severity.ERROR]


def _published(kind: str) -> Draft202012Validator:
    schema = json.loads((REPO / "content" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _verdicts(rel: str, where: tuple[Any, ...], change: Any) -> tuple[bool, bool]:
    kind = _kind(rel)
    doc = _load(rel)
    assert doc.ok and isinstance(doc.data, YMap), doc.diagnostics
    _mutate(doc.data, where, change)
    return _validator_accepts(kind, doc), _published(kind).is_valid(doc.data)


def test_there_are_enough_mutations_of_every_kind() -> None:
    assert len(MUTATIONS) >= 60
    assert {_kind(m[0]) for m in MUTATIONS} == {"org", "disclosure", "notice", "collection", *KINDS.values()}
    assert sum(1 for m in MUTATIONS if m[3] is OK) >= 20  # the contract also accepts what is right


@pytest.mark.parametrize("rel", sorted({m[0] for m in MUTATIONS}))
def test_the_demo_files_pass_both(rel: str) -> None:
    doc = _load(rel)
    assert _validator_accepts(_kind(rel), doc)
    assert _published(_kind(rel)).is_valid(doc.data)


@pytest.mark.parametrize(
    ("rel", "where", "change", "expected"), MUTATIONS, ids=[f"{m[0].split('/')[-1]}:{m[1]}={m[2]!s:.30}" for m in MUTATIONS]
)
def test_validator_and_published_schema_agree(rel: str, where: tuple[Any, ...], change: Any, expected: bool) -> None:
    validator, schema = _verdicts(rel, where, change)
    assert (validator, schema) == (expected, expected)


@pytest.mark.parametrize(("rel", "where", "change", "reason"), DIFFERENT)
def test_known_differences_are_the_stricter_validator(rel: str, where: tuple[Any, ...], change: Any, reason: str) -> None:
    assert reason in KNOWN_DIFFERENCES
    assert _verdicts(rel, where, change) == (False, True)


@pytest.mark.parametrize("rule", sorted(SCHEMA_ALSO))
def test_same_file_rules_of_other_modules_are_in_the_schema_too(tmp_path: Path, rule: str) -> None:
    old, new = SCHEMA_ALSO[rule]
    text = (REPO / ORG_VILLAGE).read_text(encoding="utf-8").replace("  level: 镇级\n", "")
    assert old in text
    (tmp_path / "organizations" / "baidang-cun").mkdir(parents=True)
    (tmp_path / "organizations" / "baidang-cun" / "org.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    doc = load_yaml(tmp_path / "organizations" / "baidang-cun" / "org.yml", ORG_VILLAGE)
    assert not _published("org").is_valid(doc.data)
    ds = load_dataset(tmp_path, dt.date(2026, 11, 26))
    found = [d.rule for d in schema_rule.build_models(ds)]
    found += [d.rule for module in (schema_rule, brands) for d in module.check(ds)]
    assert rule in found


def test_cross_file_rules_are_real_rules() -> None:
    """The lists above name rules that exist; when one is renamed, they must follow."""
    assert set(CROSS_FILE_RULES) | set(SCHEMA_ALSO) <= set(all_rules())
    assert all(reason for reason in CROSS_FILE_RULES.values())
