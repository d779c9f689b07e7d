"""Content caches: what depends only on a text's bytes, remembered between builds.

A rebuild after one organization changed should redo that organization's work, not the town's.
Parsed documents (`loader`), rendered Markdown (`markup`) and the privacy scan of a text
(`rules.privacy`) are pure functions of their input text and of code and library versions,
so each is kept in a `Store`: one JSON file per kind under `.cache/party365/content/`, beside
the photo cache, holding {sha256 of the input: the output}.

Never stale: an entry's key is the hash of every input byte; the store's file name holds a
fingerprint of the code (the source of the modules that compute the output) and of the library
versions, so a changed line of code or a new library version starts an empty store.
Never trusted: the file is JSON (never pickle), read whole; a file that cannot be read or parsed,
or an entry of the wrong shape, is ignored and the work is done again.
Bounded, without forgetting what a build needs: every save that adds entries is a new generation,
and an entry is dropped only when KEEP such saves have passed without it being used (so a failed
build or a few `party365 validate` runs, which use a fraction of the entries, never empty the store
that the next build reads).
Safe under concurrent or killed builds: a store is written to a temporary file and renamed over
the old one, so a reader sees the old or the new file, never half of one; a build that cannot
write the cache still builds (the cache only saves time).

A store is active only inside `session(root)` (validate and the site build open one); elsewhere
(and with PARTY365_CACHE=off) the functions compute as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from .filemodes import temp_file

CACHE_DIR = Path(".cache") / "party365" / "content"  # beside .cache/party365/photos
FORMAT = 2  # the layout of a store file
KEEP = 20  # saves an unused entry survives


def enabled() -> bool:
    return os.environ.get("PARTY365_CACHE", "").lower() not in ("off", "0", "no")


def digest(*parts: str | bytes) -> str:
    """The key of an entry: sha256 of its inputs, each length-prefixed (so ("ab", "c") ≠ ("a", "bc"))."""
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "big"))
        h.update(raw)
    return h.hexdigest()


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def source_of(*modules: str) -> str:
    """The source text of generator modules (e.g. "loader", "rules/privacy"): part of a store's
    fingerprint, so any change to the code that computes an entry empties the store."""
    here = Path(__file__).resolve().parent
    return "".join(f"{m}\0{(here / f'{m}.py').read_text(encoding='utf-8')}\0" for m in modules)


class Store:
    """{key: JSON value} for one kind of work, loaded on first use, saved when the session ends."""

    def __init__(self, folder: Path, kind: str, inputs: str) -> None:
        self.fingerprint = digest(str(FORMAT), kind, inputs)[:16]
        self.file = folder / f"{kind}-{self.fingerprint}.json"
        self._old: dict[str, Any] | None = None
        self._new: dict[str, Any] = {}
        self._generation = 0  # of the file as read: the number of saves that added entries
        self._used: dict[str, int] = {}  # key: the generation that last used it
        self.hits = self.misses = 0

    def _load(self) -> dict[str, Any]:
        if self._old is None:
            self._old = {}
            try:
                data = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # missing, unreadable or corrupt: start empty
                data = None
            if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint and isinstance(data.get("entries"), dict):
                self._old = data["entries"]
                generation, used = data.get("generation"), data.get("used")
                if isinstance(generation, int) and isinstance(used, dict):
                    self._generation = generation
                    self._used = {k: v for k, v in used.items() if isinstance(v, int)}
        return self._old

    def get(self, key: str, valid: Callable[[Any], bool] = lambda _: True) -> Any:
        """The value under `key`, or None when missing or not of the shape `valid` accepts."""
        if key in self._new:
            self.hits += 1
            return self._new[key]
        value = self._load().get(key)
        if value is None or not valid(value):
            self.misses += 1
            return None
        self.hits += 1
        self._new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self._new[key] = value

    def save(self) -> None:
        """Write the store when this session added entries; never raises. The entries this session
        used are stamped with the new generation; entries of earlier sessions are kept (`party365
        validate` renders less Markdown than a build) until KEEP generations have passed unused."""
        old = self._load()
        if not self._new or self._new.keys() <= old.keys():
            return
        generation = self._generation + 1
        used = {**self._used, **dict.fromkeys(self._new, generation)}
        entries = {k: v for k, v in {**old, **self._new}.items() if used.get(k, 0) > generation - KEEP}
        used = {k: used[k] for k in entries}
        tmp = None
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = temp_file(self.file.parent, suffix=".json")  # as any other file of the build (umask)
            # dumps, not dump: only the one-shot encoder is the C one (json.dump to a stream is pure Python, 10x slower)
            store = {"fingerprint": self.fingerprint, "generation": generation, "used": used, "entries": entries}
            text = json.dumps(store, ensure_ascii=False, separators=(",", ":"))
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(tmp, self.file)  # atomic: a concurrent build reads the old file or this one
            tmp = None
            for stale in self.file.parent.glob(f"{self.file.name.split('-')[0]}-*.json"):
                if stale != self.file:  # a store of older code or libraries
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only or full disk: the next build does the work again
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


class _Session:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stores: dict[str, Store] = {}
        self.depth = 0


_session: _Session | None = None


@contextmanager
def session(root: Path) -> Iterator[None]:
    """Make the stores of the town at `root` active; save them when the outermost session ends."""
    global _session
    if _session is None:
        if not enabled():
            yield
            return
        _session = _Session(root / CACHE_DIR)
    current = _session
    current.depth += 1
    try:
        yield
    finally:
        current.depth -= 1
        if current.depth == 0:
            _session = None
            for store in current.stores.values():
                store.save()


def store(kind: str, inputs: Callable[[], str]) -> Store | None:
    """The active store for `kind` (whose code and library versions are `inputs()`), or None outside a session."""
    if _session is None:
        return None
    found = _session.stores.get(kind)
    if found is None:
        found = _session.stores[kind] = Store(_session.folder, kind, inputs())
    return found


def stats() -> dict[str, tuple[int, int]]:
    """Hits and misses of the active stores (for the build log)."""
    return {} if _session is None else {kind: (s.hits, s.misses) for kind, s in _session.stores.items()}
