"""A strict Content-Security-Policy on every page: only the theme's own inline scripts, by hash."""

from __future__ import annotations

import html
import re
from pathlib import Path

from test_escape import hostile_site  # noqa: F401  (the fixture)

from generator.site.theme import MARK, mark_inline_scripts, script_hash, seal

_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.DOTALL)


def _policy(page: str) -> dict[str, list[str]]:
    found = _META.findall(page)
    assert len(found) == 1
    return {d.split()[0]: d.split()[1:] for d in html.unescape(found[0]).split("; ")}


def test_marks_only_inline_scripts_of_templates() -> None:
    source = '<script>a()</script><script src="x.js"></script><script id="__config" type="application/json">{}</script><script/x>b</script>'
    marked = mark_inline_scripts(source, "T")
    assert marked.count(f'{MARK}="T"') == 2 and '<script src="x.js">' in marked and 'type="application/json">{}' in marked


def test_seal_allows_marked_scripts_and_blocks_any_other() -> None:
    page = (
        '<html><head><meta charset="utf-8"><script data-p365-inline="T">good()</script></head><body><script>evil()</script></body></html>'
    )
    sealed, problems = seal(page, "T")
    policy = _policy(sealed)
    assert script_hash("good()") in policy["script-src"] and script_hash("evil()") not in policy["script-src"]
    assert MARK not in sealed and "<script>good()</script>" in sealed
    assert problems == ["<script>evil()</script></body></html>"]
    assert sealed.index("Content-Security-Policy") < sealed.index("<script")  # before anything it governs
    forged, _ = seal(page.replace("<script>evil", '<script data-p365-inline="guess">evil'), "T")  # a wrong token is no mark
    assert script_hash("evil()") not in _policy(forged)["script-src"]


def _check_site(site: Path) -> int:
    pages = 0
    for path in sorted(site.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        policy = _policy(page)
        head = page[: page.index("</head>")]
        assert head.index("Content-Security-Policy") < head.index("<title>"), path  # first in the head
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], path
        if path.relative_to(site).parts[0] == "admin":  # the web editor: its own policy (generator.cms, tests/test_cms.py)
            assert policy["script-src"] == ["'self'", "'unsafe-eval'"] and '<meta name="robots" content="noindex' in head, path
        else:
            assert "'unsafe-inline'" not in policy.get("script-src", []) and "'unsafe-eval'" not in policy.get("script-src", []), path
        allowed = set(policy.get("script-src", policy["default-src"]))
        for body in _INLINE.findall(page):
            assert script_hash(body) in allowed, (path, body[:60])
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page), path  # no inline event handlers
        assert MARK not in page, path
        pages += 1
    return pages


def test_every_page_of_the_demo_has_the_policy(demo_site: Path) -> None:
    assert _check_site(demo_site) > 100


def test_every_page_of_a_hostile_town_has_the_policy(hostile_site: Path) -> None:  # noqa: F811
    assert _check_site(hostile_site) > 10
    redirect = (hostile_site / "dangwu/dongwan-old/index.html").read_text(encoding="utf-8")
    assert _policy(redirect)["default-src"] == ["'none'"] and "script-src" not in _policy(redirect)


def test_a_failed_escape_still_cannot_run(hostile_site: Path) -> None:  # noqa: F811
    """Defence in depth: were a payload printed raw, the policy would not allow it."""
    policy = _policy((hostile_site / "dangwu/dongwan-cun/index.html").read_text(encoding="utf-8"))
    assert policy["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]  # Pagefind's WebAssembly, nothing else
    assert all(h.startswith("'sha256-") for h in policy["script-src"][2:])
    assert script_hash("alert(6)") not in policy["script-src"]
