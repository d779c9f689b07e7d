"""File modes: caches as private as the user's umask makes them, a published site readable by all.

A web server usually runs as another user than the build, so every file of the site must be
readable by others and every folder traversable. Two things stood in the way:

- Cache entries were written under a temporary name from `tempfile.mkstemp` (always 0600) and
  renamed into place; the site links booklets and photo renditions from the caches, so the
  booklets were served as 403. `temp_file` and `temp_dir` create what plain `open()` and
  `mkdir()` would (0666 and 0777 less the umask), so a cache is exactly as private as the user's
  umask says (it also holds 党内 board PDFs and photos, never linked into the site).
- A build under a strict umask (077) writes every page 0600. `make_public` runs over the whole
  finished site before it is switched in (`staging.Staging.finish`): every file gets a+r, every
  folder a+rx. It only adds bits, so a group-writable site (umask 002, an office whose users
  take turns publishing) stays group-writable. A hard link shares its mode with the cache file,
  which is then readable too (it is what the site publishes anyway); one that cannot be changed
  (another user's cache) is replaced by a readable copy.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from pathlib import Path

FILE_BITS = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # a+r
FOLDER_BITS = FILE_BITS | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH  # a+rx
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _names(folder: str | Path, prefix: str, suffix: str) -> list[str]:
    return [os.path.join(folder, f"{prefix}{secrets.token_hex(8)}{suffix}") for _ in range(100)]


def temp_file(folder: str | Path, *, prefix: str = ".tmp-", suffix: str = "") -> tuple[int, str]:
    """A new, empty file in `folder` under a random name, open for writing: (descriptor, path).
    As `tempfile.mkstemp`, but with the mode `open()` gives (0666 less the umask), not 0600."""
    for path in _names(folder, prefix, suffix):
        try:
            return os.open(path, _FLAGS, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")  # pragma: no cover - 100 random names taken


def temp_dir(parent: str | Path, *, prefix: str = ".tmp-") -> Path:
    """A new, empty folder in `parent` under a random name. As `tempfile.mkdtemp`, but with the
    mode `mkdir()` gives (0777 less the umask), not 0700."""
    for path in _names(parent, prefix, ""):
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        return Path(path)
    raise FileExistsError(f"no free temporary name in {parent}")  # pragma: no cover


def _readable_copy(path: str, mode: int) -> None:
    """Replace `path` (a file this user may read but not chmod) by a copy of its own."""
    fd, tmp = temp_file(os.path.dirname(path))
    try:
        with open(path, "rb") as source, os.fdopen(fd, "wb") as target:
            shutil.copyfileobj(source, target)
        os.chmod(tmp, (mode | FILE_BITS) & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _add(path: str, mode: int, bits: int, *, is_file: bool) -> None:
    if mode & bits == bits:
        return  # nothing to do: no system call, no change to a linked cache file
    try:
        os.chmod(path, (mode | bits) & 0o7777)
    except PermissionError:
        if not is_file:
            raise
        _readable_copy(path, mode)


def make_public(root: Path) -> None:
    """Every file under `root` readable by all, every folder (`root` too) readable and traversable.
    Symbolic links are left alone (a site has none). Raises OSError."""
    _add(str(root), os.lstat(root).st_mode, FOLDER_BITS, is_file=False)
    pending = [str(root)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    _add(entry.path, mode, FOLDER_BITS, is_file=False)
                    pending.append(entry.path)
                elif stat.S_ISREG(mode):
                    _add(entry.path, mode, FILE_BITS, is_file=True)
