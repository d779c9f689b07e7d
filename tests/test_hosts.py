"""The hosts the site is built with: MkDocs 1.6.1 and ProperDocs (its maintained 1.x fork) give
the same site; the core builds every file of the site without importing either."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from sitetown import EPOCH, tree_digest

_GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def _pages_without_generator_meta(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): _GENERATOR_META.sub(b"", p.read_bytes()) for p in sorted(site.rglob("*.html"))}


def test_properdocs_builds_the_same_demo_site(demo_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"ProperDocs" in (site / "index.html").read_bytes()
    assert set(tree_digest(site)) == set(tree_digest(demo_site))
    others = {k: v for k, v in tree_digest(site).items() if not k.endswith(".html")}
    assert others == {k: v for k, v in tree_digest(demo_site).items() if not k.endswith(".html")}
    assert _pages_without_generator_meta(site) == _pages_without_generator_meta(demo_site)


def test_the_core_generates_the_site_without_mkdocs() -> None:
    script = (
        "import sys, datetime\n"
        "from pathlib import Path\n"
        "from generator.site import generate\n"
        "from generator.site.build import Page\n"
        "g = generate(Path(sys.argv[1]), datetime.date(2026, 11, 26))\n"
        "pages = [p for p, c in g.files.items() if isinstance(c, Page)]\n"
        "hosts = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'properdocs'))\n"
        "print(len(g.files), len(pages), hosts)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(REPO)], capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 0, result.stderr
    files, pages, hosts = result.stdout.split(" ", 2)
    assert int(files) > 1000 and int(pages) > 170
    assert hosts.strip() == "[]"
