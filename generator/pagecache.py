"""Finished pages, remembered between builds: a page whose inputs did not change is not rendered again.

After one organization changed, a rebuild of a 1,000-organization town used to render all of its
~2,000 pages through Markdown and the theme's templates again. The adapter (generator/plugin.py)
asks this cache first: the key of a page is the sha256 of everything its HTML is made of (see
`page_key`), and a hit hands back the page as the theme rendered it, before the adapter seals it
with its Content-Security-Policy.

The theme's HTML carries the build's random script token (`site.theme.mark_inline_scripts`); an
entry stores the token it was made with on its first line and the page after it, and
`Entry.with_token` swaps in the current build's token. Data never contains a token: it is random, made after the data was read.

One file per entry under `.cache/party365/pages/` (written to a temporary file and renamed in, so
a killed build leaves whole entries or none); after a complete build, entries that neither it nor
the build before used are removed, so the cache holds the pages of at most two sites. A file that cannot be read is a miss; a
cache that cannot be written only costs time. No MkDocs here: the adapter computes the keys.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .cache import digest, enabled
from .filemodes import temp_file

CACHE_DIR = Path(".cache") / "party365" / "pages"
FORMAT = "1"
LAST_BUILD = "last-build.json"  # the keys the previous complete build used


def page_key(common: str, *parts: str) -> str:
    """The key of one page: `common` (what every page depends on: code, library versions, config,
    navigation) and the page's own inputs (its address, its Markdown with front matter, its fragments)."""
    return digest(FORMAT, common, *parts)


@dataclass(frozen=True)
class Entry:
    token: str  # the script token of the build that rendered the page
    page: str

    def with_token(self, token: str) -> str:
        """The page with this build's script token (the adapter marks the theme's scripts after
        the pages are read, so the swap happens when the page is written)."""
        return self.page.replace(self.token, token)


class PageCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.hits = self.misses = 0

    @classmethod
    def open(cls, root: Path) -> PageCache | None:
        """The town's page cache, or None when caches are switched off (PARTY365_CACHE=off)."""
        return cls(root / CACHE_DIR) if enabled() else None

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def get(self, key: str) -> Entry | None:
        """The page stored under `key`, or None."""
        try:
            token, _, page = self._file(key).read_text(encoding="utf-8").partition("\n")
        except (OSError, UnicodeDecodeError):
            self.misses += 1
            return None
        if not (token.isascii() and token.isalnum() and len(token) >= 16) or not page:
            self.misses += 1
            return None
        self.used.add(key)
        self.hits += 1
        return Entry(token, page)

    def put(self, key: str, token: str, page: str) -> None:
        """Store a page rendered with `token`; never raises (a cache that cannot be written only costs time)."""
        self.used.add(key)
        target = self._file(key)
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = temp_file(target.parent, suffix=".html")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(f"{token}\n{page}")
            os.replace(tmp, target)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries that neither this build nor the one before used (called after a
        complete build only): a preview under `mkdocs serve` (another site address, so other
        keys) and `mkdocs build` can take turns without emptying each other's pages."""
        listing = self.folder / LAST_BUILD
        try:
            before = set(json.loads(listing.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            before = set()
        try:
            for path in self.folder.glob("*/*.html"):
                if path.stem not in self.used and path.stem not in before:
                    path.unlink(missing_ok=True)
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = temp_file(self.folder, suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(json.dumps(sorted(self.used)))
            os.replace(tmp, listing)
        except OSError:
            pass
