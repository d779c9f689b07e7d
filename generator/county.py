"""A county site built from its towns' published sites: `party365 county county.yml --out DIR`.

Each town's site stays independent and static. The county build reads each town's open-data
catalog (`data.json`, DCAT-US 1.1, written by `site/exports.py`), fetches the organization list it
names, and writes one static page: the towns, their organizations merged into one list (also as
`data/organizations.json`), and a search box that merges every town's Pagefind bundle in the
reader's browser (Pagefind's multisite `mergeIndex`, assets/county.js). The county's own Pagefind
bundle (its page only) provides the search program; the towns' bundles provide the indexes.

What a town publishes is data, never code: names are escaped by the template, links are kept only
when they stay on the town's own site, catalog links that leave the town's origin are not fetched,
and every fetch has a size and time limit. A town that cannot be read is named on the page.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .diagnostics import Diagnostic, Severity
from .loader import YMap, load_yaml, position
from .site.exports import CATALOG_PATH, ORGANIZATIONS_PATH
from .site.search import INDEX_DIR, index_site
from .staging import Staging
from .templating import html_environment

# A town's address: http(s), a plain host name (IDN in punycode) and optional port, a path ending in /.
TOWN_URL = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?/$"
MAX_BYTES = 20 * 1024 * 1024  # a catalog or organization list larger than this is refused
TIMEOUT = 20  # seconds per request
BANKUAI_ORDER = ("机关事业单位党组织板块", "村（社区）党组织板块", "企业党组织板块")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TownRef(_Strict):
    name: str = Field(title="镇名", min_length=1)
    url: str = Field(title="网站地址", pattern=TOWN_URL)


class CountyConfig(_Strict):
    schema_: int = Field(alias="schema", title="格式版本", ge=1, le=1)
    name: str = Field(title="县名", min_length=1)
    site_name: str | None = Field(None, title="网站名称", min_length=1)
    site_url: str | None = Field(None, title="网站地址", pattern=TOWN_URL)
    demo: bool = Field(False, title="示例数据")
    towns: list[TownRef] = Field(title="各镇", min_length=1)


FIELD_WORDS = {
    "schema": "格式版本", "name": "名称", "site_name": "网站名称", "site_url": "网站地址",
    "demo": "示例数据", "towns": "各镇", "url": "网址",
}  # fmt: skip
EXAMPLE = "name: 示例县\ntowns:\n  - name: 春江镇\n    url: https://chunjiang.example.org/"
KEYS_FIX = "可用的字段：schema、name、site_name、site_url、demo、towns；每个镇写 name 和 url"
URL_FIX = "写成 https://镇网站域名/ 这样的完整地址，以 / 结尾；中文域名请写成 xn-- 开头的形式"
EXPECTED = {
    "string_type": "文字", "bool_type": "true 或 false", "int_type": "数字",
    "list_type": "列表（每项以“- ”开头）", "model_type": "若干“字段: 值”",
}  # fmt: skip


class CountyConfigError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("county config")
        self.diagnostics = diagnostics


def _label(loc: tuple[Any, ...]) -> str:
    words = []
    for part in loc:
        words.append(f"第 {part + 1} 个" if isinstance(part, int) else FIELD_WORDS.get(str(part), str(part)))
    return " ".join(words) or "文件"


def _diagnostic(doc: Any, error: dict[str, Any]) -> Diagnostic:
    loc = tuple(error["loc"])
    kind = error["type"]
    label = _label(loc)
    value = error.get("input")
    found = "" if isinstance(value, dict | list) else str(value)
    pos = position(doc.data, loc, key=kind == "extra_forbidden")
    rule, message, fix = "schema-type", f"{label} 的类型不对", f"应为{EXPECTED.get(kind, '正确的格式')}"
    if kind == "missing":
        pos = position(doc.data, loc[:-1], key=True) if len(loc) > 1 else position(doc.data, ())
        rule, message, found, fix = "schema-required", f"缺少必填字段 {label}", "", f"加上一行“{loc[-1]}: …”，例如：\n{EXAMPLE}"
    elif kind == "extra_forbidden":
        rule, message, found, fix = "schema-unknown-key", f"不认识的字段“{loc[-1]}”", str(loc[-1]), KEYS_FIX
    elif kind == "string_pattern_mismatch":
        rule, message, fix = "schema-value", f"{label} 的格式不对", URL_FIX
    elif kind in ("too_short", "string_too_short"):
        rule, message, fix = "schema-value", f"{label} 不能为空", "至少写一个镇：每个镇一行“- name: 镇名”，下一行“url: 网址”"
    elif kind in ("less_than_equal", "greater_than_equal"):
        rule, message, fix = "schema-value", f"{label} 只能是 1", "写 schema: 1"
    return Diagnostic(doc.path, pos.line, pos.col, Severity.ERROR, rule, message, found, fix)


def load_config(path: Path, display: str) -> CountyConfig:
    """The county's config, or CountyConfigError with every problem at its file:line:col."""
    doc = load_yaml(path, display)
    loaded = [d for d in doc.diagnostics if d.is_error]  # a duplicate key leaves the file readable, not right
    if not doc.ok:
        raise CountyConfigError(loaded)
    if not isinstance(doc.data, YMap):
        what = "文件内容应为若干“字段: 值”" if doc.data is not None else "文件是空的"
        problem = Diagnostic(display, 1, 1, Severity.ERROR, "schema-type", what, "", f"例如：\n{EXAMPLE}")
        raise CountyConfigError([problem])
    try:
        config = CountyConfig.model_validate(doc.data)
    except ValidationError as exc:
        raise CountyConfigError(loaded + [_diagnostic(doc, dict(e)) for e in exc.errors(include_url=False)]) from None
    problems = list(loaded)
    for key in ("name", "url"):
        seen: set[str] = set()
        for i, town in enumerate(config.towns):
            value = getattr(town, key)
            if value in seen:
                pos = position(doc.data, ("towns", i, key))
                what = "镇名" if key == "name" else "网址"
                problems.append(
                    Diagnostic(display, pos.line, pos.col, Severity.ERROR, "schema-value", f"{what}重复", value, "每个镇写一次")
                )
            seen.add(value)
    if problems:
        raise CountyConfigError(problems)
    return config


# ---- reading the towns ----


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class FetchError(Exception):
    """Why a town could not be read, in Chinese."""


Fetcher = Callable[[str], bytes]


def fetch(url: str) -> bytes:
    """GET a URL on the web (http/https only), at most MAX_BYTES, in TIMEOUT seconds."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"不是网址：{url}")
    request = urllib.request.Request(url, headers={"User-Agent": "party365-county", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # the scheme is checked above
            if origin(response.geturl()) != origin(url):
                raise FetchError(f"{url} 被转到了别的网站 {origin(response.geturl())}")
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} 返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"无法连接 {url}（{reason}）") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url} 超过 {MAX_BYTES // 1024 // 1024} MB")
    return data


def _json(fetcher: Fetcher, url: str) -> Any:
    try:
        return json.loads(fetcher(url).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):  # not JSON, or a number of thousands of digits
        raise FetchError(f"{url} 不是有效的 JSON") from None
    except RecursionError:  # how the json module refuses nesting deeper than Python's stack
        raise FetchError(f"{url} 的 JSON 嵌套过深，不是正常的数据文件") from None


@dataclass(frozen=True)
class Org:
    town: str
    name: str
    short_name: str
    sector: str
    bankuai: str
    brand: str
    url: str | None  # None when the town's record pointed off its own site


@dataclass
class TownResult:
    name: str
    url: str
    orgs: list[Org] = field(default_factory=list)
    problem: str | None = None  # why the organization list could not be read

    @property
    def bundle(self) -> str:
        return self.url + INDEX_DIR + "/"


def _text(record: dict[str, Any], key: str, limit: int = 200) -> str:
    value = record.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


def organizations_url(catalog: Any, town_url: str) -> str:
    """The organization list's JSON download named by a town's data.json, on the town's own site."""
    datasets = catalog.get("dataset") if isinstance(catalog, dict) else None
    if not isinstance(datasets, list):
        raise FetchError("数据目录 data.json 里没有 dataset 列表")
    for dataset in datasets:
        dists = dataset.get("distribution") if isinstance(dataset, dict) else None
        for dist in dists if isinstance(dists, list) else []:
            url = dist.get("downloadURL") if isinstance(dist, dict) else None
            if not isinstance(url, str) or dist.get("mediaType") != "application/json" or not url.endswith("/" + ORGANIZATIONS_PATH):
                continue
            if origin(url) != origin(town_url) or urlsplit(url).scheme not in ("http", "https"):
                raise FetchError(f"数据目录里的组织名单地址 {url[:100]} 不在本镇网站上，没有读取")
            return url
    raise FetchError(f"数据目录 data.json 里没有 {ORGANIZATIONS_PATH}")


def read_town(ref: TownRef, fetcher: Fetcher = fetch) -> TownResult:
    result = TownResult(ref.name, ref.url)
    try:
        list_url = organizations_url(_json(fetcher, ref.url + CATALOG_PATH), ref.url)
        data = _json(fetcher, list_url)
        records = data.get("organizations") if isinstance(data, dict) else None
        if not isinstance(records, list):
            raise FetchError(f"{list_url} 里没有 organizations 列表")
    except FetchError as exc:
        result.problem = str(exc)
        return result
    for record in records:
        if not isinstance(record, dict) or not _text(record, "name"):
            continue
        url = _text(record, "url", 2000)
        own = url.startswith(ref.url) and urlsplit(url).scheme in ("http", "https") and not any(c in url for c in " \"'<>`\\")
        result.orgs.append(
            Org(
                town=ref.name,
                name=_text(record, "name"),
                short_name=_text(record, "short_name") or _text(record, "name"),
                sector=_text(record, "sector", 20),
                bankuai=_text(record, "bankuai", 40),
                brand=_text(record, "brand"),
                url=url if own else None,
            )
        )
    return result


# ---- the county site ----

POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",  # Pagefind compiles its WebAssembly
    "worker-src 'self'",  # Pagefind's web worker (pagefind/pagefind-worker.js)
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' {towns}",  # each town's Pagefind bundle: entry, metadata, index chunks, fragments
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
)


def county_policy(towns: list[TownResult]) -> str:
    return "; ".join(POLICY).format(towns=" ".join(sorted({origin(t.url) for t in towns})))


def _merged(config: CountyConfig, towns: list[TownResult]) -> str:
    fields = ("town", "name", "short_name", "sector", "bankuai", "brand")
    records = [{**{k: getattr(o, k) for k in fields}, "url": o.url or ""} for t in towns for o in t.orgs]
    sources = [{"town": t.name, "url": t.url, "organizations": len(t.orgs), "problem": t.problem or ""} for t in towns]
    return json.dumps({"county": config.name, "towns": sources, "organizations": records}, ensure_ascii=False, indent=1) + "\n"


def _asset(name: str) -> bytes:
    return resources.files("generator").joinpath("assets", name).read_bytes()


def render_page(config: CountyConfig, towns: list[TownResult]) -> str:
    env = html_environment("county", keep_trailing_newline=True)
    orgs = [o for t in towns for o in t.orgs]
    groups = [(b, sorted((o for o in orgs if o.bankuai == b), key=lambda o: (o.town, o.short_name))) for b in BANKUAI_ORDER]
    others = sorted((o for o in orgs if o.bankuai not in BANKUAI_ORDER), key=lambda o: (o.town, o.short_name))
    if others:
        groups.append(("其他", others))
    return env.get_template("index.html.j2").render(
        county=config,
        site_name=config.site_name or f"{config.name}基层党建",
        towns=towns,
        failed=[t for t in towns if t.problem],
        groups=[(b, g) for b, g in groups if g],
        total=len(orgs),
        csp=Markup(county_policy(towns)),  # origins of URLs that matched TOWN_URL: no quotes, no markup
    )


@dataclass(frozen=True)
class CountyBuild:
    towns: list[TownResult]
    pages: int


def build(config: CountyConfig, out: Path, fetcher: Fetcher = fetch) -> CountyBuild:
    """Read every town and write the county site into `out` (swapped in whole when complete).
    Raises SearchIndexError (Pagefind) or StagingError (the machine), both with Chinese messages."""
    towns = [read_town(ref, fetcher) for ref in config.towns]
    staging = Staging(out.resolve())
    target = staging.start()
    try:
        (target / "assets").mkdir()
        (target / "data").mkdir()
        (target / "index.html").write_text(render_page(config, towns), encoding="utf-8")
        for name in ("county.js", "county.css"):
            (target / "assets" / name).write_bytes(_asset(name))
        (target / ORGANIZATIONS_PATH).write_text(_merged(config, towns), encoding="utf-8")
        report = index_site(target)
        _drop_unused(target / INDEX_DIR)
        staging.finish()
    except BaseException:
        staging.abandon()
        raise
    return CountyBuild(towns, report.pages)


def _drop_unused(bundle: Path) -> None:
    """Pagefind's ready-made interfaces: the county page uses its own (assets/county.js)."""
    for path in bundle.glob("pagefind-*ui.*"):
        path.unlink()
    for path in bundle.glob("pagefind-highlight.js"):
        path.unlink()
