"""Search relevance and bytes per query, through Pagefind in headless Chromium.

    .venv/bin/python bench/search.py [SITE_DIR]

Without SITE_DIR the demo town is built first (into a temporary folder). The queries and the
pages each must find in its top 3 are in tests/relevance.yml; tests/test_search.py holds the
score at 90% or more. For each query this prints the top 3, whether an expected page is among
them, and the bytes the browser fetched for the query (Pagefind's JS, WebAssembly and index
chunks, as a reader who opens a page and searches once would fetch them).

Bytes are counted as they come over the wire from a real static host: the loopback server gzips
text files (JS, CSS, JSON, HTML, SVG, XML; level 6, as nginx with `gzip on`, GitHub Pages and CDNs
do; see the README's hosting section) when the browser accepts gzip, and the count is the encoded
body size the browser received (Playwright's `request.sizes()`), headers not included. Pagefind's
WebAssembly and index files (.pagefind, .pf_*) are gzip files already and go out as they are.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

REPO = Path(__file__).resolve().parents[1]
RELEVANCE = REPO / "tests" / "relevance.yml"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
TOP = 3

# Runs in the page: the site's own search (generator/assets/party365.js), as the dialog calls it.
_QUERY = """async ([query, top]) => {
  const found = await window.p365Search(query, {}, top);
  return {count: found.total, urls: found.results.map((r) => r.url), titles: found.results.map((r) => r.title)};
}"""


class QuietServer(http.server.ThreadingHTTPServer):
    """A loopback server that does not print a traceback when the browser drops a connection
    (a page left mid-download is normal for a test; the print only hid real failures)."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Query:
    query: str
    pages: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True)
class Outcome:
    query: Query
    urls: list[str]
    titles: list[str]
    count: int
    fetched: int  # bytes of the search bundle the browser fetched for this query, as sent (gzipped JS)

    @property
    def hit(self) -> bool:
        return any(_page(url) in self.query.pages for url in self.urls)


def _page(url: str) -> str:
    """A result URL as the relevance set writes pages: the path from the site's root, no anchor."""
    return url.split("#", 1)[0]


def load_queries(path: Path = RELEVANCE) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(str(q["query"]), tuple(q["pages"]), q.get("why", "")) for q in data["queries"]]


COMPRESSIBLE = (".js", ".css", ".json", ".html", ".svg", ".xml", ".csv", ".geojson")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files as a production host sends them: text types gzipped (level 6) when the browser
    accepts gzip; everything else (photos, Pagefind's already gzipped index files) as stored."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def send_head(self) -> Any:  # type: ignore[override]
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not path.endswith(COMPRESSIBLE) or "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(path):
            return super().send_head()
        body = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def wire_bytes(response: Any) -> int:
    """The body bytes a response took on the wire (encoded: gzipped if the server gzipped it)."""
    return int(response.request.sizes()["responseBodySize"])


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site on a loopback port, for as long as the block runs."""
    handler = functools.partial(GzipHandler, directory=str(site))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _open(browser: Any, base: str) -> tuple[Any, Any, list[int]]:
    """A fresh context with the home page open, and the list the bytes of search files go into."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[int] = []

    def count(response: Any) -> None:
        if "/pagefind/" in response.url:
            with contextlib.suppress(Exception):
                fetched.append(wire_bytes(response))

    page.on("response", count)
    page.goto(base)
    page.wait_for_function("typeof window.p365Search === 'function'")
    return context, page, fetched


def run_query(browser: Any, base: str, query: Query) -> Outcome:
    """One query in a fresh page (a cold cache: what a reader's first search fetches)."""
    context, page, fetched = _open(browser, base)
    result = page.evaluate(_QUERY, [query.query, TOP])
    page.wait_for_load_state("networkidle")
    context.close()
    return Outcome(query, result["urls"], result["titles"], result["count"], sum(fetched))


def run_all(browser: Any, base: str, queries: list[Query], *, cold: bool = True) -> list[Outcome]:
    """Every query, each in a fresh page (`cold`: the bytes a reader's first search fetches), or
    all in one page (the same results in a fraction of the time; `fetched` is then only what each
    query added to what the earlier ones had already loaded)."""
    if cold:
        return [run_query(browser, base, q) for q in queries]
    context, page, fetched = _open(browser, base)
    outcomes = []
    for query in queries:
        fetched.clear()
        result = page.evaluate(_QUERY, [query.query, TOP])
        outcomes.append(Outcome(query, result["urls"], result["titles"], result["count"], sum(fetched)))
    context.close()
    return outcomes


def score(outcomes: list[Outcome]) -> float:
    return sum(o.hit for o in outcomes) / len(outcomes) if outcomes else 0.0


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        mark = "✓" if o.hit else "✗"
        top = "、".join(f"{t}（{_page(u)}）" for t, u in zip(o.titles, o.urls, strict=True)) or "（无结果）"
        lines.append(f"{mark} {o.query.query:<10} {o.fetched / 1024:7.1f} KB  {o.count:4d} 条  {top}")
    fetched = sorted(o.fetched for o in outcomes)
    lines.append(
        f"得分 {score(outcomes):.0%}（{sum(o.hit for o in outcomes)}/{len(outcomes)} 个查询的前 {TOP} 条含预期页面）；"
        f"每次查询下载 {fetched[0] / 1024:.0f}-{fetched[-1] / 1024:.0f} KB（中位 {fetched[len(fetched) // 2] / 1024:.0f} KB）"
    )
    return "\n".join(lines)


def _build_demo(into: Path) -> Path:
    sys.path.insert(0, str(REPO / "tests"))
    from sitetown import mkdocs_build

    site = into / "site"
    result = mkdocs_build(REPO, site)
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return site


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(argv[0]) if argv else _build_demo(Path(tmp))
        with serve(site) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            outcomes = run_all(browser, base, load_queries())
            browser.close()
    print(report(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
