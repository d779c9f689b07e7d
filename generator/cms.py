"""The web editor (Decap CMS) under /admin/: its configuration, generated from the contract.

Every form field comes from `generator.schema` (through the JSON Schema the validator's models
produce), so the form and the validator cannot disagree: Chinese titles become labels,
descriptions become help text, enums become selects, lists of enums become multi-selects,
dates become date pickers, Markdown fields and bodies a plain text box with the Markdown preview, photos are
uploaded into the organization's own photos/ with alt text required.

Each organization gets /admin/<slug>/, whose collections reach only its own folder (org.yml,
disclosures/, notices/, photos/); the town office gets /admin/town/ for content/_town/. The
pages are static files: not in the navigation, `noindex`, and without `data-pagefind-body`, so
the site search never indexes them. They carry their own Content-Security-Policy
(`ADMIN_POLICY`): the CMS bundle needs `'unsafe-eval'` (it compiles its configuration schema
with `new Function`) and talks to the forge's API.

The bundle (`decap-cms.js`, pinned by tools/cms/package-lock.json) is shipped with the site,
never loaded from a CDN. No MkDocs here: the adapter adds the files this module returns.
"""

from __future__ import annotations

import copy
import functools
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .dates import MIN_NOTICE_WORKDAYS, quarter_label, quarter_start, town_today
from .diagnostics import DataError
from .loader import load_yaml
from .project import ORGS_DIR, Dataset, load_dataset
from .rules.notices import calendar
from .rules.schema import build_models
from .schema import FILE_MODELS, REQUIRED_SHIQIANG, SLUG_RE, Markdown, Town, json_schema
from .site import read_town
from .standards import shiqiang_status
from .svgmap import PAD, WIDTH, MapPoint, Projection

DIST = Path("tools") / "cms" / "node_modules" / "decap-cms" / "dist"
BUNDLE_NAME = "decap-cms.js"  # loads its lazy chunks (NNN.decap-cms.js, *.wasm) from its own folder
SCRIPT_NAME = "p365-editor.js"  # our widgets (generator/assets/editor.js), loaded after the bundle
TOWN_DATA_NAME = "p365-town-data.js"  # what every editor page's widgets read (EditorData.town), one file for all
SCRIPT = Path(__file__).resolve().parent / "assets" / "editor.js"
LOCAL_PROXY = "http://localhost:8081"

MARKDOWN_HELP: str = Markdown.__metadata__[0].description  # type: ignore[attr-defined]
# Markdown fields are a plain text box of ours (generator/assets/editor.js) with the CMS's Markdown
# preview, not Decap's Slate editor, which loses text a Chinese IME commits on a busy computer
# (its "raw" mode is Slate too). Measured in tests/test_cms.py; the README says how often.
MARKDOWN_WIDGET = "p365-markdown"
MARKDOWN_HINT = MARKDOWN_HELP + "。写法：空一行分段；行首写“- ”是列表；**加粗**；[文字](https://网址) 是链接；右边的预览显示网站上的样子"

# File kinds each editor page offers. holidays.yml is a table keyed by year, which no form
# widget of the CMS edits: the office keeps it in git (the guide says so).
ORG_KINDS = ("org", "disclosure", "notice")
TOWN_KINDS = ("town", "plan", "assessments", "routes", "renames", "collection")
NOT_IN_FORMS: dict[str, str] = {"holidays": "节假日表按年份排列，表单无法编辑：请在代码仓库里改 content/_town/holidays.yml"}

# The editor pages' own policy. Public pages keep `site.theme.POLICY`, unchanged.
# - script-src 'unsafe-eval': the CMS validates its configuration with ajv, which compiles
#   schemas with `new Function`; only the site's own bundle runs (no inline script, no CDN).
# - style-src 'unsafe-inline': the CMS styles its React components at run time (emotion).
# - img-src/media blob: data:: previews of photos picked for upload.
# - connect-src: the site itself and the forge's API (and the local proxy with --local).
# - frame-src 'self' blob:: the preview pane is an iframe the CMS writes itself.
ADMIN_POLICY = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:{forge}",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self' blob:{forge}",
    "frame-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
)

FORGE_API = {"github": ("https://api.github.com",), "gitlab": ("https://gitlab.com",)}


class CmsError(Exception):
    """The contract has a field no form widget can edit (and it is not listed in NOT_IN_FORMS)."""


@dataclass(frozen=True)
class Skipped:
    reason: str


# ---------------------------------------------------------------- fields from the contract


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    ref = node.get("$ref")
    if ref is None:
        return node, None
    name = ref.rsplit("/", 1)[1]
    return defs[name], name


def _unwrap(prop: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
    """The node of a property without `| None`: (node, name of its model, nullable)."""
    options = prop.get("anyOf")
    if options is not None:
        real = [o for o in options if o.get("type") != "null"]
        if len(real) == 1:
            node, name = _resolve(real[0], defs)
            return node, name, len(real) < len(options)
    node, name = _resolve(prop, defs)
    return node, name, False


def _pattern(node: dict[str, Any], label: str) -> list[str] | None:
    pattern = node.get("pattern")
    if pattern is None:
        return None
    if pattern == r"\S":
        return [pattern, f"“{label}”不能为空"]
    return [pattern, f"“{label}”的格式不对：{node.get('description') or '请按说明填写'}"]


def _scalar(node: dict[str, Any], label: str, where: str) -> dict[str, Any]:
    """Widget settings for a value that is not an object or a list."""
    if "const" in node:
        return {"widget": "hidden", "default": node["const"]}
    if "enum" in node:
        return {"widget": "select", "options": list(node["enum"])}
    kind = node.get("type")
    if kind == "string" and node.get("format") == "date":
        return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False, "picker_utc": True}
    if kind == "string":
        widget: dict[str, Any] = {"widget": MARKDOWN_WIDGET if node.get("description") == MARKDOWN_HELP else "string"}
        pattern = _pattern(node, label)
        if pattern is not None:
            widget["pattern"] = pattern
        return widget
    if kind in ("integer", "number"):
        widget = {"widget": "number", "value_type": "int" if kind == "integer" else "float"}
        for key, out in (("minimum", "min"), ("maximum", "max")):
            if key in node:
                widget[out] = node[key]
        return widget
    if kind == "boolean":
        return {"widget": "boolean", "default": bool(node.get("default", False))}
    raise CmsError(f"{where}：契约里的这种字段（{json.dumps(node, ensure_ascii=False)[:80]}）没有对应的表单控件")


def _fields(
    model: dict[str, Any], defs: dict[str, Any], where: str, *, photo: bool = False, optional: bool = False
) -> list[dict[str, Any]]:
    """The fields of an object. Inside an optional object (`withdrawn`, `vote`, `brand` …) nothing
    is required and nothing has a default: the CMS would otherwise write the object (its defaults)
    into every new file, or refuse to save without it. The validator still checks what is written."""
    required = set(model.get("required", ()))
    fields = [
        _field(name, prop, name in required, defs, f"{where}.{name}", photo=photo) for name, prop in model.get("properties", {}).items()
    ]
    if optional:
        for field in fields:
            field["required"] = False
            field.pop("default", None)
    return fields


def _field(name: str, prop: dict[str, Any], required: bool, defs: dict[str, Any], where: str, *, photo: bool = False) -> dict[str, Any]:
    node, model_name, nullable = _unwrap(prop, defs)
    label = prop.get("title") or node.get("title") or name
    out: dict[str, Any] = {"name": name, "label": label, "required": required and not nullable}
    hint = prop.get("description") or (node.get("description") if model_name else None)
    if hint and hint != MARKDOWN_HELP:
        out["hint"] = hint
    if photo and name == "file":  # uploaded into the organization's photos/ (media_folder)
        out.update(widget="image", choose_url=False, hint="上传到本组织的 photos/ 文件夹")
    elif photo and name == "alt":  # optional in the contract (a warning), required in the form
        out.update(widget="string", required=True, hint=hint or "")
    elif node.get("type") == "object" and "properties" in node:
        optional = nullable or not required
        fields = _fields(node, defs, where, photo=model_name == "Photo", optional=optional and prop.get("default") is None)
        out.update(widget="object", collapsed=optional, fields=fields)
    elif node.get("type") == "object":
        raise CmsError(f"{where}：按键名排列的表没有对应的表单控件")
    elif node.get("type") == "array":
        items, item_model, _ = _unwrap(node.get("items", {}), defs)
        if "enum" in items:
            out.update(widget="select", multiple=True, options=list(items["enum"]))
        elif items.get("type") == "object" and "properties" in items:
            out.update(widget="list", collapsed=False, fields=_fields(items, defs, where + "[]", photo=item_model == "Photo"))
            if item_model == "Photo":
                out["label_singular"] = "照片"
        else:
            item = {"name": name, "label": label, **_scalar(items, label, where + "[]")}
            out.update(widget="list", field=item)
        if node.get("minItems"):
            out["min"] = node["minItems"]
        out["default"] = []  # the CMS otherwise starts every list with one empty item
    else:
        out.update(_scalar(node, label, where))
        if out["widget"] == MARKDOWN_WIDGET:  # a plain text box: say what Markdown it takes
            out["hint"] = out.get("hint") or MARKDOWN_HINT
    if "default" in prop and prop["default"] not in (None, [], {}) and "default" not in out:
        out["default"] = prop["default"]
    return out


# Fields a form does better than YAML, with widgets of our own (generator/assets/editor.js):
# the end date proposed from the town's working days, the location picked on the town's
# schematic map, the category chosen next to the quarter's missing 十上墙 headings.
OWN_WIDGETS = {("notice", "end"): "p365-end", ("org", "location"): "p365-location", ("disclosure", "category"): "p365-category"}


def form_fields(kind: str) -> list[dict[str, Any]]:
    """The form of one file kind: one CMS field for every field of the contract (a fresh copy)."""
    return copy.deepcopy(_form_fields(kind))


def _form_fields(kind: str) -> list[dict[str, Any]]:
    """The form of one file kind, shared by every organization's editor configuration (which is
    only serialized: never change it)."""
    return _form_of_model(kind, FILE_MODELS[kind])


@functools.cache
def _form_of_model(kind: str, model: type[BaseModel]) -> list[dict[str, Any]]:
    """Made once per model class: the JSON Schema behind a form costs milliseconds, and a
    town of 1,000 organizations asked for it 3,000 times a build."""
    schema = json_schema(kind)
    fields = _fields(schema, schema.get("$defs", {}), kind)
    for field in fields:
        widget = OWN_WIDGETS.get((kind, field["name"]))
        if widget is not None:
            field["widget"] = widget
            field.pop("collapsed", None)
            field.pop("date_format", None)
            field.pop("time_format", None)
            field.pop("picker_utc", None)
    if kind in ("disclosure", "notice"):
        fields.append({"name": "body", "label": "正文", "widget": MARKDOWN_WIDGET, "required": kind == "disclosure", "hint": MARKDOWN_HINT})
    return fields


# ---------------------------------------------------------------- coverage (for the tests)


def contract_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field path of a model, walked from the Pydantic classes (not the JSON Schema):
    `space.liuyou`, `photos[].alt`; aliases as the files spell them."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        paths.add(key)
        for inner in _models_in(info.annotation):
            suffix = "[]" if _is_list(info.annotation) else ""
            paths |= contract_paths(inner, key + suffix + ".")
    return paths


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return True
    return any(_is_list(a) for a in get_args(annotation))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def form_paths(fields: list[dict[str, Any]], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for field in fields:
        key = prefix + field["name"]
        paths.add(key)
        if "fields" in field:
            paths |= form_paths(field["fields"], key + ("[]." if field["widget"] == "list" else "."))
    return paths


# ---------------------------------------------------------------- configurations and pages


def _backend(town: Town | None, *, local: str | None) -> dict[str, Any]:
    if local:  # decap-server on this machine (tests, a clerk's preview): writes the files directly
        return {"name": "proxy", "proxy_url": f"{local}/api/v1"}
    editor = town.editor if town is not None else None
    if editor is None:
        raise CmsError("town.yml 没有填写 editor")
    backend: dict[str, Any] = {"name": editor.backend, "repo": editor.repo, "branch": editor.branch}
    if editor.backend == "gitlab":
        backend["auth_type"] = "pkce"
    if editor.app_id:
        backend["app_id"] = editor.app_id
    if editor.base_url:
        base = editor.base_url.rstrip("/")
        backend["base_url"] = base
        backend["api_root"] = {"gitlab": f"{base}/api/v4", "gitea": f"{base}/api/v1", "github": "https://api.github.com"}[editor.backend]
        if editor.backend == "gitlab":
            backend["auth_endpoint"] = "oauth/authorize"
    elif editor.backend == "gitea":
        raise CmsError("town.yml 的 editor 选了 gitea，但没有填写 base_url（Gitea/Forgejo 的网址）")
    if editor.backend in ("github", "gitlab"):  # every save is a merge request
        backend["open_authoring"] = False
    return backend


def _forge_origins(town: Town | None, *, local: str | None) -> tuple[str, ...]:
    if local:
        return (local,)
    editor = town.editor if town is not None else None
    if editor is None:
        return ()
    origins = list(FORGE_API.get(editor.backend, ()))
    if editor.base_url:
        origins.append(editor.base_url.rstrip("/"))
    return tuple(dict.fromkeys(origins))


def _base(town: Town | None, *, local: str | None, media_folder: str, title: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "backend": _backend(town, local=local),
        "locale": "zh_Hans",
        "load_config_file": False,
        "media_folder": media_folder,
        "public_folder": "photos",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "site_url": town.site_url if town is not None else "",
        "app_title": title,
    }
    editor = town.editor if town is not None else None
    if not local and editor is not None and editor.backend in ("github", "gitlab"):
        config["publish_mode"] = "editorial_workflow"
    return config


def _item_collection(kind: str, folder: str, label: str, singular: str) -> dict[str, Any]:
    return {
        "name": kind + "s",
        "label": label,
        "label_singular": singular,
        "folder": folder,
        "create": True,
        "delete": False,  # a published item is withdrawn (withdrawn:), never deleted
        "extension": "md",
        "format": "frontmatter",
        # YYYY-MM-DD-<ascii>.md, as project.ITEM_NAME_RE requires. A disclosure's date is its `date`
        # field (Decap takes a field named date for {{year}}…), else the day of creation; a notice's is
        # its start, which the notice rule requires (notice-file-date).
        "slug": ("{{fields.start}}" if kind == "notice" else "{{year}}-{{month}}-{{day}}") + "-{{hour}}{{minute}}{{second}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "sortable_fields": ["title"],
        "fields": _form_fields(kind),
    }


def org_config(slug: str, name: str, town: Town | None, *, local: str | None = None) -> dict[str, Any]:
    """The editor of one organization: only its own folder."""
    folder = f"organizations/{slug}"
    config = _base(town, local=local, media_folder=f"{folder}/photos", title=f"{name} 网页编辑")
    config["collections"] = [
        {
            "name": "org",
            "label": "组织档案和党建品牌",
            "delete": False,
            "editor": {"preview": True},
            "files": [{"name": "org", "label": "org.yml", "file": f"{folder}/org.yml", "format": "yml", "fields": _form_fields("org")}],
        },
        _item_collection("disclosure", f"{folder}/disclosures", "党务公开", "公开事项"),
        _item_collection("notice", f"{folder}/notices", "公示", "公示"),
    ]
    return config


def town_config(town: Town | None, *, local: str | None = None) -> dict[str, Any]:
    """The office's editor: content/_town/ (except holidays.yml, see NOT_IN_FORMS)."""
    base = "content/_town"
    config = _base(town, local=local, media_folder=f"{base}/photos", title="镇党委 网页编辑")
    names = {"town": "全镇信息", "plan": "三年行动计划", "assessments": "考核评价", "routes": "红色风景线", "renames": "组织改名"}
    config["collections"] = [
        {
            "name": "town",
            "label": "全镇资料",
            "delete": False,
            "files": [
                {
                    "name": kind,
                    "label": f"{label}（{kind}.yml）",
                    "file": f"{base}/{kind}.yml",
                    "format": "yml",
                    "fields": form_fields(kind),
                }
                for kind, label in names.items()
            ],
        },
        {
            "name": "collections",
            "label": "典型案例汇编",
            "label_singular": "案例汇编",
            "folder": f"{base}/collections",
            "create": True,
            "delete": False,
            "extension": "yml",
            "format": "yml",
            "identifier_field": "title",
            "fields": form_fields("collection"),
        },
    ]
    return config


def admin_policy(town: Town | None, *, local: str | None = None) -> str:
    forge = "".join(f" {origin}" for origin in _forge_origins(town, local=local))
    return "; ".join(ADMIN_POLICY).format(forge=forge)


def admin_page(title: str, policy: str, data: dict[str, Any] | None = None) -> str:
    """An editor page: its own policy, noindex, no data-pagefind-body, and no inline script: the
    page's own data is a JSON data block (`type="application/json"`, never executed, so the
    policy needs no hash), the town-wide data the shared p365-town-data.js; both are read by the
    shipped p365-editor.js."""
    block = ""
    if data is not None:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        block = f'<script type="application/json" id="p365-data">{text}</script>\n'
    return (
        "<!doctype html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=True)}">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        "</head>\n<body>\n"
        f"{block}"
        f'<script src="../{BUNDLE_NAME}"></script>\n'
        + (f'<script src="../{TOWN_DATA_NAME}"></script>\n' if data is not None else "")
        + f'<script src="../{SCRIPT_NAME}"></script>\n'
        "</body>\n</html>\n"
    )


def find_bundle(*roots: Path) -> dict[str, Path] | None:
    """The pinned CMS bundle and its chunks (file name -> path), installed by
    `npm ci --prefix tools/cms` (./dev does it); source maps and the second copy (cms.js) stay out."""
    for root in (*roots, Path(__file__).resolve().parent.parent):
        dist = root / DIST
        if (dist / BUNDLE_NAME).is_file():
            files = [*dist.glob("*.decap-cms.js"), *dist.glob("*.wasm"), dist / BUNDLE_NAME]
            return {f.name: f for f in sorted(files)}
    return None


def admin_files(
    root: Path, town: Town | None, orgs: dict[str, str], *, local: str | None = None, data: EditorData | None = None
) -> dict[str, str | Path] | Skipped:
    """Site path -> content of every editor file: admin/<slug>/, admin/town/, admin/decap-cms.js.
    `orgs` maps slug -> short name; `data` is what the widgets need (`editor_data`).
    Skipped (with a Chinese reason) when there is nothing to run."""
    bundle = find_bundle(root)
    if bundle is None:
        return Skipped("没有找到网页编辑器（Decap CMS），编辑页面 /admin/ 未生成：安装 Node.js 后运行 npm ci --prefix tools/cms")
    if not local and (town is None or town.editor is None):
        return Skipped("town.yml 没有填写 editor（代码仓库和登录应用），编辑页面 /admin/ 未生成；设置方法见填报指南“用网页表单编辑”")
    try:
        policy = admin_policy(town, local=local)
        configs = {slug: org_config(slug, name, town, local=local) for slug, name in sorted(orgs.items())}
        configs["town"] = town_config(town, local=local)
    except CmsError as exc:
        return Skipped(f"{exc}，编辑页面 /admin/ 未生成")
    files: dict[str, str | Path] = {f"admin/{name}": path for name, path in bundle.items()}
    files[f"admin/{SCRIPT_NAME}"] = SCRIPT.read_text(encoding="utf-8")
    files["admin/p365-editor.css"] = SCRIPT.with_suffix(".css").read_text(encoding="utf-8")
    if data is not None:  # JSON is a JavaScript expression: the file only sets one variable
        files[f"admin/{TOWN_DATA_NAME}"] = f"window.p365TownData = {json.dumps(data.town, ensure_ascii=False, sort_keys=True)};\n"
    for slug, config in configs.items():
        files[f"admin/{slug}/index.html"] = admin_page(config["app_title"], policy, data.pages.get(slug) if data is not None else None)
        # JSON is YAML; compact (one line), since Python's JSON encoder is many times slower with indent
        files[f"admin/{slug}/config.yml"] = json.dumps(config, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    return files


def covered(kind: str) -> tuple[set[str], set[str]]:
    """(contract paths, form paths) of one file kind."""
    return contract_paths(FILE_MODELS[kind]), form_paths(form_fields(kind))


def org_names(root: Path, dataset: Dataset | None = None) -> dict[str, str]:
    """Slug -> short name of every organization folder with an org.yml (the slug while it is unreadable).
    The files come from `dataset` where the build has read them already (1,000 files are a second)."""
    names: dict[str, str] = {}
    folder = root / ORGS_DIR
    for org_file in sorted(folder.glob("*/org.yml")) if folder.is_dir() else ():
        slug = org_file.parent.name
        if not SLUG_RE.match(slug) or slug == "town":
            continue
        entry = dataset.orgs.get(slug) if dataset is not None else None
        try:
            data = entry.doc.data if entry is not None else load_yaml(org_file, org_file.name).data
        except (DataError, OSError):
            data = None
        short = data.get("short_name") if isinstance(data, dict) else None
        names[slug] = short if isinstance(short, str) and short.strip() else slug
    return names


def site_files(root: Path, *, local: str | None = None, dataset: Dataset | None = None) -> dict[str, str | Path] | Skipped:
    """The editor's files for a town repository, as the build adds them to the site. `dataset`
    is the town the build has already validated (loaded again when not given)."""
    town = read_town(root)
    if find_bundle(root) is None or (not local and (town is None or town.editor is None)):
        return admin_files(root, town, org_names(root, dataset), local=local)  # skipped: no need to load the town
    dataset = dataset or load_models(root)
    return admin_files(root, town, org_names(root, dataset), local=local, data=editor_data(dataset))


def load_models(root: Path) -> Dataset:
    """The town as the validator reads it (typed models of every valid file), without the rules."""
    ds = load_dataset(root, town_today(root)[0])
    build_models(ds)
    return ds


# ---------------------------------------------------------------- what the widgets need


def _calendar_data(ds: Dataset) -> dict[str, Any]:
    """The working-day calendar exactly as the notice rule counts (rules.notices.calendar)."""
    cal = calendar(ds)
    return {
        "holidays": sorted(d.isoformat() for d in cal.holidays),
        "workdays": sorted(d.isoformat() for d in cal.workdays),
        "years": sorted(cal.years),
        "min": MIN_NOTICE_WORKDAYS,
    }


def map_projection(ds: Dataset) -> tuple[Projection, list[MapPoint]]:
    """The public map's projection (svgmap.Projection.fit) over the organizations that have a
    location and the corners of the town's bbox, so every place the validator accepts is on it."""
    points = [
        MapPoint(slug, entry.model.short_name, at.lat, at.lon, "", "", "", "")
        for slug, entry in ds.valid.orgs.items()
        if (at := entry.model.location) is not None
    ]
    corners = []
    bbox = ds.valid.town.bbox if ds.valid.town else None
    if bbox is not None:
        corners = [MapPoint("", "", bbox.south, bbox.west, "", "", "", ""), MapPoint("", "", bbox.north, bbox.east, "", "", "", "")]
    return Projection.fit(points + corners), points


def _map_data(ds: Dataset) -> dict[str, Any]:
    proj, points = map_projection(ds)
    bbox = ds.valid.town.bbox if ds.valid.town else None
    return {
        "width": WIDTH,
        "height": proj.height,
        "pad": PAD,
        "west": proj.west,
        "north": proj.north,
        "scale": proj.scale,
        "kx": proj.kx,
        "bbox": bbox.model_dump() if bbox is not None else None,
        "points": [{"slug": p.slug, "name": p.name, "x": round(proj.xy(p)[0], 1), "y": round(proj.xy(p)[1], 1)} for p in points],
    }


def _shiqiang_data(ds: Dataset, slug: str) -> dict[str, Any] | None:
    """The organization's required 十上墙 headings and those with an item this quarter."""
    entry = ds.valid.orgs.get(slug)
    if entry is None:
        return None
    required = REQUIRED_SHIQIANG[entry.model.sector]
    status = shiqiang_status(entry, ds.today)
    return {
        "sector": entry.model.sector,
        "quarter": quarter_label(ds.today),
        "since": quarter_start(ds.today).isoformat(),
        "required": list(required),
        "done": [h for h in required if h not in status.missing and h not in status.stale],
    }


@dataclass(frozen=True)
class EditorData:
    """What the widgets read: the town-wide part (today, the working-day calendar, the map: one
    shared file, admin/p365-town-data.js, whatever the number of organizations) and each page's own
    part (page "town" or an organization's slug -> its slug and 十上墙 checklist, in the page)."""

    town: dict[str, Any]
    pages: dict[str, dict[str, Any]]


def editor_data(ds: Dataset) -> EditorData:
    town = {"today": ds.today.isoformat(), "calendar": _calendar_data(ds), "map": _map_data(ds)}
    pages: dict[str, dict[str, Any]] = {"town": {"slug": "town"}}
    for slug in ds.orgs:
        pages[slug] = {"slug": slug, "shiqiang": _shiqiang_data(ds, slug)}
    return EditorData(town, pages)
