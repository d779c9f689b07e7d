"""Atomic publishing: a site directory is replaced whole, never rewritten in place.

A build writes into a fresh staging directory beside the site directory; only when the build is
complete is the staging directory switched with the published one, in one system call on Linux
(`renameat2` with RENAME_EXCHANGE), by two renames elsewhere. A build killed at any moment, a
full disk or a build error leaves the previous site exactly as it was; what a killed build
left behind is removed by the next one. Before the switch every file of the new site is made
readable by all and every folder traversable (`filemodes.make_public`): a web server running as
another user can serve it, whatever the umask of the build and the modes of the caches it links.

No MkDocs here: the adapter calls `Staging.start()` when the build begins, `finish()` when
MkDocs has written everything and `abandon()` when the build fails.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .filemodes import make_public
from .machine import environment_message

_STAGING = ".{name}.building-"
_OLD = ".{name}.old-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class StagingError(Exception):
    """A Chinese message: the site could not be switched (the previous site is unchanged)."""


def _message(exc: OSError, path: Path) -> str:
    return environment_message(exc.errno, str(path), exc.strerror or "", consequence="原有网站没有改动")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directory entries atomically; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # old kernel or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Staging:
    """One build's way into `site_dir`."""

    site_dir: Path

    @property
    def staging(self) -> Path:
        return self.site_dir.parent / (_STAGING.format(name=self.site_dir.name) + str(os.getpid()))

    def start(self) -> Path:
        """Clear what killed builds left and return a fresh, empty staging directory."""
        self.site_dir.parent.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        try:
            if self.staging.exists():
                shutil.rmtree(self.staging)
            self.staging.mkdir()
        except OSError as exc:
            raise StagingError(_message(exc, self.staging)) from exc
        return self.staging

    def finish(self) -> None:
        """Put the complete staging directory, readable by all, in place of the site directory."""
        staging, site = self.staging, self.site_dir
        try:
            make_public(staging)
            if not site.exists():
                os.replace(staging, site)
                return
            old = site.parent / (_OLD.format(name=site.name) + str(os.getpid()))
            if _exchange(staging, site):
                os.replace(staging, old)  # the previous site, now under the staging name: out of the way
                shutil.rmtree(old, ignore_errors=True)
                return
            os.replace(site, old)  # a kill here leaves the previous site at `old`: restored next time
            os.replace(staging, site)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            raise StagingError(_message(exc, site)) from exc

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _remove_leftovers(self) -> None:
        name = self.site_dir.name
        for path in self.site_dir.parent.glob(_OLD.format(name=name) + "*"):
            if not self.site_dir.exists():  # killed between the two renames: the previous site comes back
                os.replace(path, self.site_dir)
            else:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.site_dir.parent.glob(_STAGING.format(name=name) + "*"):
            pid = path.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue  # another build is running beside this one
            shutil.rmtree(path, ignore_errors=True)
