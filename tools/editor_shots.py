"""The web editor measured and photographed, in headless Chromium against decap-server on loopback.

    .venv/bin/python tools/editor_shots.py [--no-shots]

Prints the editor's bytes (raw and gzipped) and the time from navigation to a usable form (the
notice form's title box ready for input, the end-date proposal shown) on the audit's slow-4G
profile (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower), first visit and repeat visit,
with the files served gzipped as a static host does. Then takes the clerk guide's editor pictures
at 1280 px (content/guide/img/editor-*.png) from a copy of the demo town: review them before
committing. Nothing is written to the repository's town data.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "content" / "guide" / "img"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SERVER = REPO / "tools/cms/node_modules/decap-server/dist/index.js"
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
ORG = "baidang-cun"


class Gzipped(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it (as nginx with gzip_static would)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_editor(town: Path, site: Path, port: int, handler: type[http.server.BaseHTTPRequestHandler] = Gzipped) -> Iterator[str]:
    """decap-server on loopback `port`, writing into `town`, and the built `site` served by a static
    server, for as long as the block runs: yields the editor's base URL (…/admin/).
    tests/test_cms.py runs the editor the same way."""
    proxy = subprocess.Popen(
        ["node", str(SERVER)],
        env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "GIT_REPO_DIRECTORY": str(town), "MODE": "fs"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        for _ in range(50):  # until the proxy listens
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{httpd.server_address[1]}/admin/"
    finally:
        proxy.terminate()
        proxy.wait(10)
        httpd.shutdown()
        httpd.server_close()


def bundle_bytes(admin: Path) -> dict[str, tuple[int, int]]:
    """(raw, gzip -9) bytes of the main bundle, of our script and style, and of everything under admin/."""

    def sizes(files: list[Path]) -> tuple[int, int]:
        return sum(f.stat().st_size for f in files), sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)

    shared = [f for f in admin.iterdir() if f.is_file()]
    return {
        "decap-cms.js": sizes([admin / "decap-cms.js"]),
        "p365-editor.js + .css": sizes([admin / "p365-editor.js", admin / "p365-editor.css"]),
        "admin/ shared files": sizes(shared),
    }


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    shots = "--no-shots" not in argv
    work = Path(tempfile.mkdtemp(prefix="p365-editor-"))
    town = work / "town"
    shutil.copytree(REPO / "content", town / "content")
    shutil.copytree(REPO / "organizations", town / "organizations")
    port = free_port()
    subprocess.run(
        [sys.executable, "-m", "generator", "cms", "--local", f"http://127.0.0.1:{port}", "--out", str(work / "site"), "--root", str(town)],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for name, (raw, packed) in bundle_bytes(work / "site" / "admin").items():
        print(f"{name}: {raw:,} bytes, {packed:,} gzipped")
    try:
        with serve_editor(town, work / "site", port) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
            page = context.new_page()
            page.goto(base + ORG + "/")
            page.get_by_role("button", name="登录").click()  # the local backend's login, kept in localStorage
            page.get_by_text("党务公开").first.wait_for()
            page.close()
            for visit in ("首次访问", "再次访问"):
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                if visit == "首次访问":
                    cdp.send("Network.clearBrowserCache")
                cdp.send("Network.emulateNetworkConditions", SLOW_4G)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
                received: list[float] = []
                cdp.on("Network.loadingFinished", lambda e, into=received: into.append(e["encodedDataLength"]))
                start = time.monotonic()
                page.goto(base + ORG + "/#/collections/notices/new", wait_until="commit")
                page.get_by_label("标题").wait_for(timeout=180_000)
                page.locator(".p365-end").wait_for()
                usable = time.monotonic() - start
                print(f"{visit}：{usable:.1f} 秒到可填写的表单，传输 {sum(received) / 1024:,.0f} KB")
                page.close()
            if shots:
                _shots(context, base)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _ime(cdp, text: str) -> None:  # type: ignore[no-untyped-def]
    cdp.send("Input.imeSetComposition", {"text": "pin", "selectionStart": 3, "selectionEnd": 3})
    cdp.send("Input.insertText", {"text": text})


def _shots(context, base: str) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    page.goto(base + ORG + "/#/collections/disclosures/new")
    page.locator(".p365-checklist").wait_for()
    page.get_by_label("标题").click()
    _ime(cdp, "第四季度两民工作情况")
    page.get_by_label("正文").click()
    _ime(cdp, "本季度召开民情恳谈会两次，收集意见十二条，已办结十条。")
    page.get_by_label("标题").evaluate("e => e.scrollIntoView({block: 'center'})")
    time.sleep(1)
    page.screenshot(path=str(OUT / "editor-checklist.png"))
    page.close()

    page = context.new_page()
    cdp = context.new_cdp_session(page)
    page.goto(base + ORG + "/#/collections/notices/new")
    page.get_by_label("标题").click()
    _ime(cdp, "关于拟发展预备党员的公示")
    page.get_by_label("公示类型").click()
    page.get_by_text("发展党员", exact=True).click()
    page.get_by_label("公示开始日期").fill("2026-09-30")
    page.locator(".p365-proposal").wait_for()
    time.sleep(1)
    page.screenshot(path=str(OUT / "editor-notice.png"))
    page.close()

    page = context.new_page()
    page.goto(base + ORG + "/#/collections/org/entries/org")
    page.locator(".p365-map").wait_for()
    page.locator(".p365-location").evaluate("e => e.scrollIntoView({block: 'center'})")
    time.sleep(1)
    page.screenshot(path=str(OUT / "editor-map.png"))
    page.close()
    print(f"截图已写入 {OUT}：editor-checklist.png、editor-notice.png、editor-map.png")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
