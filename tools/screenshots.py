"""Screenshots of the real site for the clerk guide (content/guide/img/), taken in headless Chromium.

    .venv/bin/python tools/screenshots.py [SITE_DIR]

Builds the demo site first when no built site is given. Run it after a change to the pages,
then review and commit the images: the guide then shows what clerks will really see.
"""

from __future__ import annotations

import functools
import http.server
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

# (file, page, CSS selector to scroll into view or "", viewport height)
SHOTS = (
    ("home.png", "", "", 760),
    ("org-page.png", "dangwu/taoyuan-cun/", "", 760),
    ("notice.png", "gongshi/", "article.p365-notice", 620),
    ("brand.png", "pinpai/taoyuan-cun/", "", 760),
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
    for name, path, selector, height in SHOTS:
        page = browser.new_page(viewport={"width": 390, "height": height})  # type: ignore[attr-defined]
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if selector:
            page.locator(selector).first.scroll_into_view_if_needed()
        page.screenshot(path=str(out / name))
        written.append(out / name)
        page.close()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
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
