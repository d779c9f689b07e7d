"""Screenshots of the real site, taken in headless Chromium at phone width (390 px).

    .venv/bin/python tools/screenshots.py [SITE_DIR]
    python tools/screenshots.py --changed party365-diff.json --site SITE_DIR --out DIR

The first form makes the clerk guide's pictures (content/guide/img/); it builds the demo site
first when no built site is given. Run it after a change to the pages, then review and commit
the images: the guide then shows what clerks will really see.

The second form is the pull-request preview (the shipped CI runs it): every page that
`party365 diff --format json` lists under "pages" is captured whole into DIR, with an
index.md naming them. Without Chromium it says why in Chinese and exits 0: the preview never
decides a merge.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "content" / "guide" / "img"
sys.path.insert(0, str(REPO / "tools"))
from audit import ARGS, CHROMIUM  # noqa: E402  (one place for the browser's settings)

# (file, page, CSS selector to scroll into view ("top:" first: to the top) or "", viewport height,
#  large text: the site's 大字 switch on, as an older reader keeps it)
SHOTS = (
    ("home.png", "", "", 760, False),
    ("org-page.png", "dangwu/taoyuan-cun/", "", 760, False),
    ("org-page-large.png", "dangwu/taoyuan-cun/", "top:.p365-facts", 760, True),
    ("notice.png", "gongshi/", "article.p365-notice", 620, False),
    ("gongshi-table.png", "gongshi/", "top:#wangqi", 760, False),
    ("brand.png", "pinpai/taoyuan-cun/", "", 760, False),
    ("map.png", "fengjingxian/", "top:.p365-map-zoom", 760, False),
)


def build_demo(site: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795665600", "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)], check=True, env=env)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def take(site: Path, out: Path = OUT, browser: object | None = None) -> list[Path]:
    """Serve `site` on loopback and capture SHOTS into `out` (with the given Playwright browser, or a new one)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    out.mkdir(parents=True, exist_ok=True)
    try:
        if browser is not None:
            return _capture(browser, base, out)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                return _capture(own, base, out)
            finally:
                own.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def _capture(browser: object, base: str, out: Path) -> list[Path]:
    written = []
    for name, path, selector, height, large in SHOTS:
        page = browser.new_page(viewport={"width": 390, "height": height})  # type: ignore[attr-defined]
        if large:
            page.add_init_script("try { localStorage.setItem('p365-large', '1'); } catch (e) {}")
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if selector.startswith("top:"):  # that element at the top, below the sticky header
            page.locator(selector[4:]).first.evaluate("e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -64); }")
            page.wait_for_timeout(500)  # the header's title cross-fades on scroll
        elif selector:
            page.locator(selector).first.scroll_into_view_if_needed()
        page.screenshot(path=str(out / name))
        written.append(out / name)
        page.close()
    return written


def shot_name(page: str) -> str:
    """A file name for a site-relative page URL: dangwu/taoyuan-cun/ -> dangwu-taoyuan-cun.png."""
    stem = "-".join(part for part in page.split("#")[0].split("/") if part) or "home"
    return f"{stem}.png"


def chromium() -> str | None:
    """The browser to use: Debian's Chromium, or Playwright's own (CI installs it); None when neither is there."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        return path if Path(path).is_file() else None
    except Exception:  # playwright missing or broken: no browser
        return None


def take_changed(site: Path, pages: list[str], out: Path, browser_path: str) -> list[Path]:
    """Every page in `pages` (site-relative URLs), whole, at 390 px, into `out`; and out/index.md."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=ARGS)
            try:
                for url in pages:
                    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                    page.goto(base + url)
                    page.wait_for_load_state("networkidle")
                    target = out / shot_name(url)
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                    page.close()
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    lines = ["# 改动页面的手机截图（宽 390 像素）", ""] + [f"- {url}：![{url}]({f.name})" for url, f in zip(pages, written, strict=True)]
    (out / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def changed_main(args: list[str]) -> int:
    options = dict(zip(args[::2], args[1::2], strict=False))
    diff, site, out = (Path(options.get(k, "")) for k in ("--changed", "--site", "--out"))
    if not diff.is_file():
        print(f"没有找到改动说明 {diff}：先运行 party365 diff 主分支 --json-out {diff}。跳过截图。")
        return 0
    pages = [p for p in json.loads(diff.read_text(encoding="utf-8")).get("pages", []) if (site / p / "index.html").is_file()]
    if not pages:
        print("这次改动没有改变公开网页（或预览网站没有生成），没有截图。")
        return 0
    browser_path = chromium()
    if browser_path is None:
        print("没有找到 Chromium 浏览器：跳过截图（Debian/Ubuntu：sudo apt-get install chromium fonts-noto-cjk）。")
        return 0
    files = take_changed(site, pages, out, browser_path)
    for url, file in zip(pages, files, strict=True):
        print(f"已截图 {url} → {file}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--changed":
        return changed_main(args)
    if args:
        files = take(Path(args[0]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build_demo(Path(tmp) / "site")
            files = take(Path(tmp) / "site")
    for file in files:
        print(f"{file.relative_to(REPO)}: {file.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
