"""Errors of the machine, not of the data: a full disk, a read-only folder, a missing permission.

They are reported once, in Chinese, as what they are, and never as a clerk's mistake (a photo
that "cannot be decoded" because the cache could not be written is not the clerk's photo).
"""

from __future__ import annotations

import errno


class BuildEnvironmentError(Exception):
    """The machine cannot do what the build needs. `message` is Chinese: what, where, what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def problem(code: int | None) -> tuple[str, str]:
    """(what happened, what to do) for the errno of a failed write."""
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "磁盘已满", "清理磁盘空间（例如删除 .cache/party365 缓存文件夹或旧的网站备份）后重新运行"
    if code == errno.EROFS:
        return "目录只读", "在可写的位置运行，或让该目录可写后重新运行"
    if code in (errno.EACCES, errno.EPERM):
        return "没有写入权限", "检查该目录的所有者和权限（chmod/chown），或换一个有写权限的用户运行"
    return "无法写入", "检查磁盘和该目录是否可写后重新运行"


def environment_message(code: int | None, path: str, detail: str = "", *, consequence: str = "这不是资料或照片的问题") -> str:
    """A Chinese sentence for an OSError met while writing `path`."""
    what, fix = problem(code)
    found = f"（{detail}）" if detail else ""
    return f"{what}：无法写入 {path}{found}。{consequence}；{fix}。"
