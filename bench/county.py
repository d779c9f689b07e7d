"""County search: three towns built side by side, each on its own loopback port (its own origin),
a county site built from them, and the bytes one query fetches across the three towns.

    .venv/bin/python bench/county.py [--orgs 90] [--query 发展党员]

Each town is a synthetic town of N organizations (tools/demo_town.py, different seeds), built with
`mkdocs build`; the county site is built with `party365 county`. The query runs in headless
Chromium on the county page in a fresh context (a reader's first search): every byte of Pagefind
(the county's program and the three towns' index files) is counted. Target (issue 14): at most
400 KB. Figures only; nothing here fails. tests/test_county.py uses the same harness on tiny towns.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from search import ARGS, CHROMIUM, GzipHandler, QuietServer, wire_bytes  # noqa: E402  (one browser setting and loopback server for the benches)

EPOCH = "1795665600"
TOWN_NAMES = ("春江镇", "秋湖镇", "云岭镇")


class CorsHandler(GzipHandler):
    """A static host that lets other origins read the site (the county page fetches each town's
    data.json and Pagefind bundle), as the guide asks hosts to do; text files gzipped as a real
    host sends them (bench/search.py)."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()


def free_ports(n: int) -> list[int]:
    """N loopback ports free now (the towns' addresses must be known before they are built)."""
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@contextlib.contextmanager
def serve(site: Path, port: int = 0) -> Iterator[str]:
    """`site` on a loopback port, with CORS headers, for as long as the block runs."""
    handler = functools.partial(CorsHandler, directory=str(site))
    httpd = QuietServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def set_identity(root: Path, name: str, url: str) -> None:
    """Give a town its own name and address (content/_town/town.yml)."""
    import re

    path = root / "content/_town/town.yml"
    text = path.read_text(encoding="utf-8")
    old = re.search(r"^name: (.+)$", text, re.MULTILINE)
    assert old is not None
    text = text.replace(old.group(1).removesuffix("镇"), name.removesuffix("镇"))  # 测试 → 秋湖 in every field that names the town
    text = re.sub(r"^site_url: .*$", f"site_url: {url}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^published_manifest: .*\n", "", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


def build_towns(roots: list[Path], sites: list[Path]) -> None:
    """`mkdocs build --strict` for every town at once (each in its own process)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for root, site in zip(roots, sites, strict=True)
    ]
    for proc, root in zip(procs, roots, strict=True):
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"building {root} failed:\n{err[-3000:]}")


def county_yml(name: str, towns: list[tuple[str, str]]) -> str:
    lines = ["schema: 1", f"name: {name}", "demo: true", "towns:"]
    for town, url in towns:
        lines += [f"  - name: {town}", f"    url: {url}"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Search:
    urls: list[str]
    towns: list[str]
    total: int
    fetched: int  # bytes of Pagefind files (the county's and the towns') fetched for the query, decoded
    requests: int
    gzipped: int  # the same as they came over the wire (JS and JSON gzipped by the host; index files are gzip files)


def search_once(browser: Any, county: str, query: str) -> Search:
    """One query on the county page in a fresh context (a reader's first search)."""
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []
    packed: list[int] = []

    def count(response: Any) -> None:
        if "/pagefind/" in response.url:
            with contextlib.suppress(Exception):
                sizes.append(len(response.body()))
                packed.append(wire_bytes(response))

    page.on("response", count)
    page.goto(county)
    page.wait_for_function("typeof window.p365CountySearch === 'function'")
    found = page.evaluate("async (q) => await window.p365CountySearch(q, {}, 10)", query)
    page.wait_for_load_state("networkidle")
    context.close()
    results = found["results"]
    return Search([r["url"] for r in results], [r["town"] for r in results], found["total"], sum(sizes), len(sizes), sum(packed))


def _synthetic(root: Path, orgs: int, seed: int) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "tools/demo_town.py"), "synthetic", "--orgs", str(orgs), "--out", str(root), "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides", dirs_exist_ok=True)
    shutil.copytree(REPO / "content/guide", root / "content/guide", dirs_exist_ok=True)
    shutil.copytree(REPO / "content/schema", root / "content/schema", dirs_exist_ok=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=90, help="organizations per town (default 90, the demo's size)")
    parser.add_argument("--query", action="append", help="query (repeatable); default 发展党员, 党费, 东湾村")
    args = parser.parse_args(argv)
    queries = args.query or ["发展党员", "党费", "东湾村"]
    sys.path.insert(0, str(REPO))
    from playwright.sync_api import sync_playwright

    from generator import cli

    with tempfile.TemporaryDirectory(prefix="party365-county-") as tmp:
        base = Path(tmp)
        ports = free_ports(len(TOWN_NAMES))
        urls = [f"http://127.0.0.1:{p}/" for p in ports]
        roots = [base / f"town{i}" for i in range(len(TOWN_NAMES))]
        sites = [base / f"site{i}" for i in range(len(TOWN_NAMES))]
        start = time.perf_counter()
        for i, (root, name, url) in enumerate(zip(roots, TOWN_NAMES, urls, strict=True)):
            _synthetic(root, args.orgs, 365 + i)
            set_identity(root, name, url)
        build_towns(roots, sites)
        print(f"3 个镇（各 {args.orgs} 个组织）生成：{time.perf_counter() - start:.1f} 秒")
        with contextlib.ExitStack() as stack:
            for site, port in zip(sites, ports, strict=True):
                stack.enter_context(serve(site, port))
            (base / "county.yml").write_text(county_yml("示例县", list(zip(TOWN_NAMES, urls, strict=True))), encoding="utf-8")
            start = time.perf_counter()
            code = cli.main(["county", str(base / "county.yml"), "--out", str(base / "county")])
            print(f"县级网站生成：{time.perf_counter() - start:.1f} 秒（退出码 {code}）")
            county = stack.enter_context(serve(base / "county"))
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for query in queries:
                    found = search_once(browser, county, query)
                    per_town = {t: found.towns.count(t) for t in TOWN_NAMES}
                    shown = "、".join(f"{t} {n}" for t, n in per_town.items())
                    verdict = "达标" if found.gzipped <= 400 * 1024 else "超出目标"
                    print(
                        f"“{query}”：{found.total} 个页面（前 10 条：{shown}）；下载 {found.fetched / 1024:.0f} KB 解压后，"
                        f"{found.gzipped / 1024:.0f} KB 实际传输（gzip），{found.requests} 个请求（目标 ≤ 400 KB：{verdict}）"
                    )
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
