"""The site's search: Pagefind indexes the built pages into a static bundle (`pagefind/`).

What is indexed is decided by the page templates (generator/templates/site/*.j2), not here:
- only the generated public pages carry `data-pagefind-body`; once one page has it, Pagefind
  leaves out every page without it (the guide, redirect pages, 404, anything an editor adds);
- `data-pagefind-ignore` drops what must not be a search hit (withdrawn items and notices, whose
  tombstones keep only the reason; closed notices; former years; long lists on index pages);
- `data-pagefind-weight` lifts names (organizations, brands, slogans, secretaries) above prose;
- `data-pagefind-meta` (org, section, date) and `data-pagefind-filter` (bankuai, kind) feed the
  result lines and the filters of the search dialog (generator/assets/party365.js).
Content that never reaches a page (党内 items, redacted text, the old text of withdrawn items)
cannot reach the index either: Pagefind reads only the published HTML.

The extended Pagefind binary (PyPI `pagefind-bin-extended`) segments Chinese into words; the
plain one indexes a run of Han characters as one word. The bundle is loaded by the reader's
browser only when a search starts, and a query fetches only the index chunks it needs.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INDEX_DIR = "pagefind"  # the bundle's folder in the site


class SearchIndexError(Exception):
    """Pagefind is missing or failed: the message is the reader-facing (Chinese) reason."""


@dataclass(frozen=True)
class IndexReport:
    pages: int
    words: int


def _executable() -> Path:
    try:
        import pagefind_bin_extended
    except ImportError as exc:
        raise SearchIndexError("未安装 Pagefind 扩展版（pagefind[extended]），无法生成站内搜索；请运行 ./dev site 重新准备环境") from exc
    try:
        return pagefind_bin_extended.get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(f"找不到 Pagefind 程序：{exc}") from exc


# Han characters, CJK punctuation and full-width forms: each is indexed as a word of its own.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_BETWEEN = re.compile(rf"(?<=[{_CJK}])(?=[{_CJK}0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[{_CJK}])")
_TAG_OR_TEXT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
SEPARATOR = "\u200a"  # HAIR SPACE: a word boundary for Pagefind; the search dialog removes it from excerpts


def separate_characters(page: str) -> str:
    """The page's text with a word boundary between every two CJK characters (and between CJK
    and digits or Latin letters); tags, attributes, scripts and styles untouched.

    Pagefind's browser side splits a Chinese query into characters (the browser's segmenter
    knows few names and places: 东湾村 becomes 东/湾/村), while its extended indexer groups
    the page text into dictionary words (东湾/村): the query's characters then find no word that
    starts with them and the page is missed. Indexed character by character, every query
    matches, and the search dialog asks for the characters as a phrase (consecutive), so 党费
    finds 党费 and not every page with 党 and 费 somewhere.
    """
    parts = _TAG_OR_TEXT.split(page)
    for i in range(0, len(parts), 2):  # even parts are text between tags
        parts[i] = _BETWEEN.sub(SEPARATOR, parts[i])
    return "".join(parts)


def _pages_to_index(site_dir: Path, into: Path) -> int:
    """Copy the pages that ask to be indexed (`data-pagefind-body`), characters separated."""
    count = 0
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir)
        if rel.parts[0] == INDEX_DIR:
            continue
        page = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in page:
            continue
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(separate_characters(page), encoding="utf-8")
        count += 1
    return count


def index_site(site_dir: Path) -> IndexReport:
    """Index the built site in `site_dir` into `site_dir/pagefind/`. Raises SearchIndexError."""
    with tempfile.TemporaryDirectory(prefix="party365-search-") as tmp:
        if not _pages_to_index(site_dir, Path(tmp)):
            return IndexReport(0, 0)
        return _run(Path(tmp), site_dir / INDEX_DIR)


def _run(pages: Path, output: Path) -> IndexReport:
    command = [str(_executable()), "--site", str(pages), "--output-path", str(output), "--exclude-selectors", ".headerlink"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"Pagefind 无法运行：{exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("Pagefind 生成搜索索引失败：" + " / ".join(detail))
    pages = re.search(r"Indexed (\d+) pages?", done.stdout)
    words = re.search(r"Indexed (\d+) words?", done.stdout)
    return IndexReport(int(pages.group(1)) if pages else 0, int(words.group(1)) if words else 0)
