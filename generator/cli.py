"""The `party365` command: validate, new, schema, diff, build, boards, report, import, export-table, cms, county."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import changes, cms, codeowners, ledger, printing, report, sitebuild, verdict
from .dates import DEMO_EPOCH, town_today
from .dates import today as default_today
from .diagnostics import Diagnostic, render_github, render_json, render_text
from .images import CACHE_DIR, prepare_photos
from .machine import BuildEnvironmentError
from .machine import problem as machine_problem
from .project import TOWN_DIR, display_path, find_root
from .scaffold import ScaffoldError, create_org
from .schema import FILE_MODELS, SECTORS, json_schema
from .site.search import SearchIndexError
from .staging import StagingError
from .validate import Result, validate

SCHEMA_DIR = Path("content") / "schema"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 2026-10-08 这样的格式：{value}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="party365", description="春江镇基层党组织“365”提质升级工程：数据检查与网站生成工具")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = sub.add_parser("validate", help="检查数据，列出所有问题（文件:行:列）")
    check.add_argument("paths", nargs="*", type=Path, metavar="路径", help="要检查的文件或文件夹，默认 organizations")
    check.add_argument(
        "--format", choices=("text", "github", "json"), default="text", help="输出格式：text（默认）、github（合并请求注释）、json"
    )
    check.add_argument("--strict", action="store_true", help="警告也算失败")
    check.add_argument("--today", type=_date, help="按哪一天检查（默认今天，或 SOURCE_DATE_EPOCH 的日期）")

    new = sub.add_parser("new", help="为新组织生成带说明的 org.yml 模板")
    new.add_argument("slug", metavar="代号", help="文件夹名：小写拼音、数字和连字符，例如 taoyuan-cun")
    new.add_argument("--sector", required=True, choices=SECTORS, help="所属领域")
    new.add_argument("--maintainer", default="your-username", help="维护人的代码仓库用户名")
    new.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    owners = sub.add_parser("codeowners", help="根据各组织的维护人生成 CODEOWNERS 文件")
    owners.add_argument(
        "--format", dest="flavour", choices=("github", "gitlab", "gitee"), default="github", help="代码托管平台（默认 github）"
    )
    owners.add_argument("--out", type=Path, help="输出文件（默认 .github/CODEOWNERS、.gitlab/CODEOWNERS 或 .gitee/CODEOWNERS）")
    owners.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")
    owners.add_argument("--check", action="store_true", help="只检查已有文件是否最新，不写入")

    change = sub.add_parser("diff", help="说明与某个版本相比，这次改动让公开网站增加、修改、减少了什么")
    change.add_argument("base", metavar="版本", help="比较的基准：分支、标签或提交号，例如 origin/main")
    change.add_argument(
        "--format",
        choices=("text", "markdown", "json", "github"),
        default="text",
        help="输出格式：text（默认）、markdown（合并请求评论）、json、github（text 加上标在改动行上的注释）",
    )
    change.add_argument("--markdown-out", type=Path, metavar="文件", help="同时把 markdown 格式写入这个文件（合并请求评论）")
    change.add_argument("--json-out", type=Path, metavar="文件", help="同时把 json 格式写入这个文件（预览截图用）")
    change.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")
    change.add_argument("--today", type=_date, help="按哪一天判断公示状态（默认今天）")
    change.add_argument(
        "--author",
        metavar="用户名",
        help="合并请求提交人的代码平台用户名（自动检查会填写）：按主分支上的维护人名单核对每个改动的文件是否归他管；"
        "不写时只核对组织文件夹以外的文件",
    )

    build = sub.add_parser("build", help="生成网站（mkdocs build），每行输出都是中文，最后一行是结论")
    build.add_argument("--site-dir", type=Path, metavar="文件夹", help="输出文件夹（默认 site/）")
    build.add_argument("--preview", action="store_true", help="合并请求的预览：失败时说明预览不决定能否合并")
    build.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    boards = sub.add_parser("boards", help="生成党务公开栏的打印版（PDF 和 HTML，含党内事项，不上网站）")
    boards.add_argument("--org", action="append", metavar="代号", help="只生成这个组织（可写多次），默认全部")
    boards.add_argument("--size", choices=("A3", "A4"), default="A3", help="纸张大小（默认 A3）")
    boards.add_argument("--out", type=Path, default=Path("build") / "boards", help="输出文件夹（默认 build/boards）")
    boards.add_argument("--html", action="store_true", help="同时输出 HTML 版")
    boards.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    internal = sub.add_parser("report", help="生成镇党委内部报告（含考核评价和全部达标提醒，不上网站）")
    internal.add_argument("--out", type=Path, default=Path("build") / "内部报告.md", help="输出文件（默认 build/内部报告.md）")
    internal.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    imp = sub.add_parser("import", help="把台账（.xlsx 表格）导入为公开事项和公示文件；有一处错误就什么都不写")
    imp.add_argument("workbook", nargs="?", type=Path, metavar="表格", help="台账文件（.xlsx；WPS 表格请另存为 .xlsx）")
    imp.add_argument("--org", metavar="代号", help="导入到哪个组织的文件夹")
    imp.add_argument("--template", type=Path, metavar="文件", help=f"生成空白台账模板（与编辑指南里的 {ledger.TEMPLATE_NAME} 相同）")
    imp.add_argument("--update", action="store_true", help="日期和标题相同但内容不同的已有文件，用表格内容覆盖")
    imp.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    table = sub.add_parser("export-table", help="把工作进度页的“各党组织情况”表导出为 .xlsx")
    table.add_argument("out", type=Path, metavar="文件", help="输出文件，例如 各党组织情况.xlsx")
    table.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    schema = sub.add_parser("schema", help="生成编辑器使用的 JSON Schema")
    schema.add_argument("--out", type=Path, help=f"输出文件夹（默认 {SCHEMA_DIR.as_posix()}）")
    schema.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")
    schema.add_argument("--check", action="store_true", help="只检查已有文件是否最新，不写入")

    editor = sub.add_parser("cms", help="按数据格式生成网页编辑器（/admin/<代号>/ 和 /admin/town/）")
    editor.add_argument("--out", type=Path, default=Path("site"), help="网站文件夹，写入其中的 admin/（默认 site/）")
    editor.add_argument(
        "--local",
        nargs="?",
        const=cms.LOCAL_PROXY,
        metavar="网址",
        help=f"连接本机的 decap-server（默认 {cms.LOCAL_PROXY}），用于本机预览和测试：直接写文件，不经过合并请求",
    )
    editor.add_argument("--root", type=Path, default=Path("."), help="镇数据仓库的根目录（默认当前目录）")

    county = sub.add_parser("county", help="生成县级汇总网站：列出各镇、合并组织名单、同时搜索各镇网站")
    county.add_argument("config", type=Path, metavar="配置", help="县级配置文件，例如 county.yml（县名和各镇网址）")
    county.add_argument("--out", type=Path, default=Path("county-site"), help="输出文件夹（默认 county-site/）")
    return parser


def _county(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import county  # only this command reads other sites over the network

    if not args.config.exists():
        err.write(f"错误：找不到县级配置文件 {args.config}。新建一个 county.yml，写法：\n{county.EXAMPLE}\n")
        return 1
    try:
        config = county.load_config(args.config, str(args.config))
    except county.CountyConfigError as exc:
        err.write(render_text(exc.diagnostics) + f"\n错误：{args.config} 有 {len(exc.diagnostics)} 个错误，没有生成县级网站。\n")
        return 1
    try:
        done = county.build(config, args.out)
    except (SearchIndexError, StagingError) as exc:
        err.write(f"错误：{exc}\n")
        return 1
    for town in done.towns:
        if town.problem:
            err.write(f"警告：{town.name}（{town.url}）的组织名单没有载入：{town.problem}。本页仍列出该镇，搜索时如能载入仍会搜索它。\n")
    loaded = [t for t in done.towns if not t.problem]
    orgs = sum(len(t.orgs) for t in loaded)
    out.write(f"已生成县级网站到 {args.out}/：{len(done.towns)} 个镇，{len(loaded)} 个镇的 {orgs} 个组织已合并。\n")
    return 0


def _cms(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    files = cms.site_files(root, local=args.local)
    if isinstance(files, cms.Skipped):
        from .site.generation import town_problems  # the site's modules load only for this answer

        problems = town_problems(root)  # "no editor settings" is no answer when town.yml cannot be read
        if problems:
            err.write(render_text(problems) + f"\n错误：town.yml 有 {len(problems)} 个错误，没有生成编辑页面。\n")
            return 1
        err.write(f"错误：{files.reason}。\n")
        return 1
    target = args.out if args.out.is_absolute() else root / args.out
    try:
        for name, content in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, path)
            else:
                path.write_text(content, encoding="utf-8")
    except OSError as exc:
        err.write(_cannot_write(target, exc))
        return 1
    pages = sorted(n.removeprefix("admin/").removesuffix("/index.html") for n in files if n.endswith("/index.html"))
    where = display_path(root, (target / "admin").resolve())
    how = "，连接本机 decap-server（先运行 npx --prefix tools/cms decap-server）" if args.local else ""
    out.write(f"已生成 {len(pages)} 个编辑页面到 {where}/{how}。\n")
    return 0


def _summary_text(result: Result, shown: list[Diagnostic], *, scoped: bool = False) -> str:
    s = result.summary()
    by_sector: dict[str, int] = s["by_sector"]  # type: ignore[assignment]
    sectors = "、".join(f"{k} {v} 个" for k, v in by_sector.items())
    brands = s["brands"]
    errors = sum(d.is_error for d in shown)
    text = (
        f"{'全镇共' if scoped else '已检查'} {s['organizations']} 个组织：{sectors}；"
        f"党建品牌一期 {brands['一期']} 个、二期 {brands['二期']} 个，区级示范点 {s['demo_sites']} 个；"  # type: ignore[index]
        f"公开事项 {s['disclosures']} 条，公示 {s['notices']} 条。\n"
        f"{'所选路径的结果' if scoped else '结果'}：{errors} 个错误，{len(shown) - errors} 个警告。"
    )
    hidden = len(result.errors) - errors
    if hidden:
        text += f"\n（所选路径以外还有 {hidden} 个错误，不影响本次结果；运行 party365 validate 查看全部。）"
    return text


def _selected(root: Path, paths: list[Path], diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics under the given paths, plus town data (every check depends on it)."""
    prefixes = [display_path(root, p.resolve()).rstrip("/") for p in paths]
    if any(p in ("", ".") for p in prefixes) or not prefixes:
        return diagnostics
    town = TOWN_DIR.as_posix() + "/"
    return [d for d in diagnostics if d.path.startswith(town) or any(d.path == p or d.path.startswith(p + "/") for p in prefixes)]


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths: list[Path] = args.paths or [Path("organizations")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.write(f"错误：找不到 {missing[0]}。请在镇数据仓库的根目录运行，或写出正确的路径。\n")
        return 1
    root = find_root(paths[0])
    if root is None:
        err.write(f"错误：{paths[0]} 及其上级文件夹里没有 organizations/ 或 content/_town/，不像镇数据仓库。\n")
        return 1
    today, note = (args.today, "") if args.today else town_today(root)
    result = validate(root, today)
    shown = _selected(root, paths, result.diagnostics)
    prefixes = [display_path(root, p.resolve()).rstrip("/") for p in paths]
    infos = [
        s for s in verdict.scheduled_items(result.dataset, today)
        if any(p in ("", ".") or s.path == p or s.path.startswith(p + "/") for p in prefixes)
    ]  # fmt: skip
    if args.format == "json":
        summary = result.summary()
        summary["errors"] = sum(d.is_error for d in shown)
        summary["warnings"] = len(shown) - summary["errors"]  # type: ignore[operator]
        summary["today"] = today.isoformat()
        summary["scheduled"] = [{"path": i.path, "line": i.line, "title": i.title, "date": i.date.isoformat()} for i in infos]
        out.write(render_json(shown, summary) + "\n")
    else:
        if note:
            out.write(note + "\n")
        rendered = render_github(shown) if args.format == "github" else render_text(shown)
        if rendered:
            out.write(rendered + "\n")
        for info in infos:
            out.write((info.github() if args.format == "github" else info.text()) + "\n")
        whole = all(display_path(root, p.resolve()).rstrip("/") in ("", ".", "organizations") for p in paths)
        later = f"另有 {len(infos)} 条公开事项日期未到，到日期后自动发布。" if infos else ""
        out.write(_summary_text(result, shown, scoped=not whole) + later + "\n")
    failed = any(d.is_error for d in shown) or (args.strict and bool(shown))
    return 1 if failed else 0


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        file = create_org(args.root.resolve(), args.slug, args.sector, default_today(), args.maintainer)
    except ScaffoldError as exc:
        err.write(f"错误：{exc}\n")
        return 1
    except OSError as exc:
        err.write(_cannot_write(exc.filename or args.root, exc))
        return 1
    out.write(f"已生成 {display_path(args.root.resolve(), file)}。按文件里的说明填写，然后运行 party365 validate 检查。\n")
    return 0


def schema_files() -> dict[str, str]:
    """File name -> JSON text of every schema, as `party365 schema` writes them."""
    return {
        f"{kind}.schema.json": json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n" for kind in FILE_MODELS
    }


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    target = args.out or (args.root / SCHEMA_DIR)
    files = schema_files()
    if args.check:
        stale = [n for n, text in files.items() if not (target / n).is_file() or (target / n).read_text(encoding="utf-8") != text]
        if stale:
            err.write(
                f"错误：{target.as_posix()}/ 里的 JSON Schema 不是最新的：{'、'.join(stale)}。运行 party365 schema 重新生成后提交。\n"
            )
            return 1
        out.write(f"JSON Schema 是最新的（{len(files)} 个文件）。\n")
        return 0
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (target / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        err.write(_cannot_write(target, exc))
        return 1
    out.write(f"已写入 {len(files)} 个 JSON Schema 到 {target.as_posix()}/\n")
    return 0


def _town_root(start: Path, err: TextIO) -> Path | None:
    root = find_root(start)
    if root is None:
        err.write(f"错误：{start} 不像镇数据仓库（没有 organizations/ 或 content/_town/）。\n")
    return root


def _codeowners(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    result = validate(root)
    text = codeowners.render(result.dataset, args.flavour)
    target = args.out or codeowners.default_path(root, args.flavour)
    shown = display_path(root, target.resolve())
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            have = set(current.splitlines())
            missing = [line for line in text.splitlines() if line and line not in have]
            extra = [line for line in current.splitlines() if line and line not in set(text.splitlines())]
            command = "party365 codeowners" + ("" if args.flavour == "github" else f" --format {args.flavour}")
            lines = [f"错误：{shown} 不是最新的（有新组织，或 org.yml 的 maintainers 有变动）。"]
            lines.append(f"修改：在仓库根目录运行 {command}，再把 {shown} 和其他改动一起提交。")
            if missing:
                lines.append(f"不能运行命令时，在网页上编辑 {shown}，加上这 {len(missing)} 行：")
                lines += [f"  {line}" for line in missing]
            if extra:
                lines.append(f"并删除这 {len(extra)} 行：")
                lines += [f"  {line}" for line in extra]
            err.write("\n".join(lines) + "\n")
            return 1
        out.write(f"{shown} 是最新的。\n")
        return 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.write(_cannot_write(shown, exc))
        return 1
    out.write(f"已写入 {shown}（{len(result.dataset.orgs)} 个组织）。\n")
    return 0


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    today, note = (args.today, "") if args.today else town_today(root)
    try:
        change, judged = verdict.evaluate(root, args.base, today, args.author)
    except changes.RevisionError as exc:
        err.write(f"错误：{exc}\n")
        return 1
    if note and args.format in ("text", "github"):
        out.write(note + "\n")
    if args.format == "github":  # annotations on the lines, then the report itself
        annotations = [render_github(judged.blocking + judged.warnings), *(s.github() for s in judged.scheduled)]
        out.write("".join(a + "\n" for a in annotations if a))
    writers = {
        "text": lambda: verdict.render_text(change, judged) + "\n",
        "github": lambda: verdict.render_text(change, judged) + "\n",
        "markdown": lambda: verdict.render_markdown(change, judged),
        "json": lambda: _diff_json(change, judged),
    }
    out.write(writers[args.format]())
    for target, kind in ((args.markdown_out, "markdown"), (args.json_out, "json")):
        if target is not None:
            target.write_text(writers[kind](), encoding="utf-8")
    return 0 if judged.passed else 1


def _diff_json(change: changes.Change, judged: verdict.Verdict) -> str:
    """The diff's JSON, with the verdict and the pages a preview should show."""
    payload = json.loads(changes.render_json(change))
    payload["verdict"] = {
        "passed": judged.passed,
        "conclusion": verdict.conclusion(judged),
        "blocking": [{"path": d.path, "line": d.line, "rule": d.rule, "message": d.message, "fix": d.fix} for d in judged.blocking],
        "office": [{"path": d.path, "line": d.line, "rule": d.rule, "message": d.message} for d in judged.office],
        "scheduled": [{"path": s.path, "line": s.line, "title": s.title, "date": s.date.isoformat()} for s in judged.scheduled],
        "changed_files": judged.changed_files,
        "author": judged.author,
        "areas": [
            {"area": a.area.kind.value, "org": a.area.slug, "label": a.area.label, "paths": list(a.paths), "approvers": list(a.approvers)}
            for a in judged.areas
        ],
    }
    payload["pages"] = judged.pages
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    if not (root / "mkdocs.yml").is_file():
        err.write(f"错误：{root} 里没有 mkdocs.yml，无法生成网站。\n")
        return 1
    _, note = town_today(root)
    if note:  # the demo: pinned to its date in the build as well
        out.write(note + "\n")
    extra = {"SOURCE_DATE_EPOCH": str(DEMO_EPOCH)} if note else {}
    site_dir = args.site_dir.resolve() if args.site_dir is not None else None
    return sitebuild.run(root, site_dir, preview=args.preview, out=out, extra_env=extra)


def _boards(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    result = validate(root)
    if result.errors:
        err.write(render_text(result.errors) + f"\n错误：资料有 {len(result.errors)} 个错误，没有生成公开栏。\n")
        return 1
    ds = result.dataset
    slugs = args.org or sorted(ds.valid.orgs)
    unknown = [s for s in slugs if s not in ds.valid.orgs]
    if unknown:
        err.write(f"错误：没有代号为 {'、'.join(unknown)} 的组织。\n")
        return 1
    photos = prepare_photos(ds, set(slugs), root / CACHE_DIR, scope="board")
    target = args.out if args.out.is_absolute() else root / args.out
    target.mkdir(parents=True, exist_ok=True)
    try:
        for slug in slugs:
            html = printing.board_html(ds, slug, args.size, photos)
            if args.html:
                (target / f"{slug}-{args.size}.html").write_text(html, encoding="utf-8")
            pdf, _ = printing.cached_pdf(html, root / CACHE_DIR.parent / "pdf")
            shutil.copyfile(pdf, target / f"{slug}-{args.size}.pdf")
    except printing.PrintUnavailable as exc:
        err.write(f"错误：{exc}\n")
        return 1
    where = display_path(root, target.resolve())
    out.write(f"已生成 {len(slugs)} 个党务公开栏（{args.size}）到 {where}/。")
    out.write("公开栏含党内事项，只在组织内部张贴，不要上传网站。\n")
    return 0


def _report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    result = validate(root)
    target = args.out if args.out.is_absolute() else root / args.out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(report.render(result), encoding="utf-8")
    out.write(f"已写入 {display_path(root, target.resolve())}（内部资料，不要上传网站）。\n")
    return 0


def _cannot_write(where: object, exc: OSError) -> str:
    """A write the machine refused (disk full, read-only, no permission), in Chinese: never the
    operating system's English."""
    what, fix = machine_problem(exc.errno)
    return f"错误：{what}，无法写入 {where}。{fix}。\n"


def _write_bytes(target: Path, data: bytes, err: TextIO) -> bool:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        err.write(_cannot_write(target, exc))
        return False
    return True


def _import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.template is not None:
        if not _write_bytes(args.template, ledger.template_bytes(), err):
            return 1
        name = args.template.name
        out.write(f"已生成台账模板 {args.template}：在“公开事项”“公示”两张表里每行填一条，再运行 party365 import {name} --org 代号。\n")
        return 0
    if args.workbook is None or not args.org:
        err.write(
            "参数错误：请写出台账文件和组织代号，例如 party365 import 台账.xlsx --org taoyuan-cun；"
            "生成空白模板用 --template 台账模板.xlsx。\n"
        )
        return 2
    root = _town_root(args.root, err)
    if root is None:
        return 1
    if not ledger.known_org(root, args.org):
        err.write(
            f"错误：没有代号为 {args.org} 的组织（找不到 organizations/{args.org}/org.yml）。"
            f"新组织先运行 party365 new {args.org} --sector 村。\n"
        )
        return 1
    if not args.workbook.exists():
        err.write(f"错误：找不到台账文件 {args.workbook}。\n")
        return 1
    today, _ = town_today(root)
    try:
        result = ledger.import_workbook(root, args.org, args.workbook, today, update=args.update)
    except ledger.LedgerFileError as exc:
        err.write(f"错误：{exc}\n")
        return 1
    book = args.workbook.name
    for problem in [*result.errors, *result.warnings]:
        (err if problem.severity.value == "error" else out).write(problem.text(book) + "\n")
    if result.errors:
        err.write(f"错误：{book} 有 {len(result.errors)} 处错误，没有写入任何文件。改好表格后再运行一次。\n")
        return 1
    for item in result.planned:
        assert item.path is not None
        shown = display_path(root, item.path)
        if item.status == "differs":
            out.write(
                f"{book} {item.sheet}!{item.first_cell}: 未改动 {shown}：已有日期和标题相同的文件，内容与表格不同（可能在别处改过）。"
                "要用表格内容覆盖，加 --update。\n"
            )
    for path in result.written:
        out.write(f"已写入 {display_path(root, path)}\n")
    same = sum(1 for i in result.planned if i.status == "same")
    tail = f"，{same} 条与已有文件相同，未改动" if same else ""
    out.write(f"导入完成：写入 {len(result.written)} 个文件{tail}。")
    out.write("运行 party365 validate 检查、party365 diff origin/main 查看网站上的变化。\n")
    return 0


def _export_table(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _town_root(args.root, err)
    if root is None:
        return 1
    today, _ = town_today(root)
    rows, quarter = ledger.table_rows(root, today)
    if not _write_bytes(args.out, ledger.table_bytes(rows, quarter), err):
        return 1
    out.write(f"已写入 {args.out}（{len(rows)} 个组织，{quarter}）。\n")
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        err.write(f"参数错误：{exc}\n运行 party365 --help 查看用法。\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    handlers = {
        "validate": _validate,
        "new": _new,
        "schema": _schema,
        "codeowners": _codeowners,
        "diff": _diff,
        "build": _build,
        "boards": _boards,
        "report": _report,
        "import": _import,
        "export-table": _export_table,
        "cms": _cms,
        "county": _county,
    }
    try:
        return handlers[args.command](args, out, err)
    except BuildEnvironmentError as exc:  # the machine (disk full, read-only cache), never the data
        err.write(f"错误：{exc.message}\n")
        return 1
    except Exception as exc:  # the last resort: every known input has its own answer; this is a bug of ours
        if os.environ.get("PARTY365_DEBUG"):
            raise
        err.write(
            f"内部错误：party365 {args.command} 没有完成（{type(exc).__name__}）。这是本工具的缺陷：请把这一行和所用的命令"
            "报告给技术人员（设置环境变量 PARTY365_DEBUG=1 再运行可看到详细信息）。\n"
        )
        return 1


def run() -> None:  # console script entry point
    sys.exit(main())
