"""The architecture as layers: a module imports only from its own layer or the ones below.

0  diagnostics, dates, machine, staging,    records, calendars, the machine's errors, file modes,
   filemodes, chars                        characters that make text lie
1  loader                                   files → data with positions
2  schema, project, valid                   the contract; a town's files found and loaded; its typed valid part
3  publication, markup, standards           what is public; Markdown → safe HTML; the plan's standards
4  images, rules, progress, svgmap, charts  photos; checks; figures; drawings
5  validate                                 the models and every rule over a town
6  site, printing, changes, codeowners,     outputs; a pull request's verdict and who owns each path it
   ownership, report, scaffold, verdict,    changes; the Chinese build log
   sitebuild, ledger
7  cli, plugin                              the faces: command line, MkDocs/ProperDocs adapter
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

LAYERS = {
    "diagnostics": 0, "dates": 0, "machine": 0, "staging": 0, "cache": 0, "filemodes": 0, "chars": 0,
    "loader": 1, "pagecache": 1,
    "schema": 2, "project": 2, "valid": 2,
    "publication": 3, "markup": 3, "standards": 3, "templating": 3, "cjk": 3,
    "images": 4, "rules": 4, "progress": 4, "svgmap": 4, "charts": 4,
    "validate": 5,
    "site": 6, "printing": 6, "changes": 6, "manifest": 6, "codeowners": 6, "ownership": 6, "report": 6, "scaffold": 6, "verdict": 6,
    "sitebuild": 6, "ledger": 6, "cms": 6, "county": 6,
    "cli": 7, "plugin": 7, "__main__": 7,
}  # fmt: skip


def _top(module: Path) -> str:
    rel = module.relative_to(REPO / "generator")
    return rel.parts[0].removesuffix(".py")


def _imports(module: Path) -> set[str]:
    """The generator modules `module` imports (by their top-level name in the package)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    package = module.relative_to(REPO).with_suffix("").parts[:-1]  # ("generator",) or ("generator", "rules")
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            parts = [*base[1:], *(node.module.split(".") if node.module else [])]
            names = [parts[0]] if parts else [alias.name for alias in node.names]
            found.update(names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator."):
            found.add(node.module.split(".")[1])
    return found


def test_every_module_has_a_layer() -> None:
    modules = {_top(p) for p in (REPO / "generator").rglob("*.py")} - {"__init__"}
    assert modules <= set(LAYERS), sorted(modules - set(LAYERS))


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = []
    for module in sorted((REPO / "generator").rglob("*.py")):
        if module.name == "__init__.py" and module.parent.name == "generator":
            continue
        own = LAYERS[_top(module)]
        for name in _imports(module):
            if name in LAYERS and LAYERS[name] > own:
                upward.append(f"{module.relative_to(REPO)} → {name}")
    assert upward == []


def test_top_level_modules_import_each_other_in_one_direction() -> None:
    """No cycle among the generator's top-level modules, counting imports inside functions too
    (review flows diff → verdict: changes.py never imports verdict.py)."""
    graph = {_top(p): _imports(p) & set(LAYERS) - {_top(p)} for p in (REPO / "generator").glob("*.py") if p.name != "__init__.py"}
    cycles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" → ".join((*path, start)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))
    assert cycles == []
