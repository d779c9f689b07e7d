"""Who owns each path of the town's repository, and which paths a pull request's author may change.

Every changed path belongs to one area: an organization's folder (owned by its maintainers), the
town's data (`content/_town/`), the site's pages, templates and configuration, the site's code, or
the automatic checks and publishing (CI). The town office owns everything that is not an
organization's folder, and may approve anything. CODEOWNERS files are derived from the data and
checked exactly (`verdict.stale_codeowners`), so they need no approval of their own.

Owners are read from the BASE revision, never from the pull request: a pull request that adds its
author to an organization's maintainers, or to the town office, gains nothing by it. The author
comes from the forge (the shipped CI files pass it as `party365 diff --author`); without it (a
clerk's own run on their machine) organization folders are taken as the author's, and only the
paths outside them are judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .codeowners import LOCATIONS
from .diagnostics import Diagnostic, Severity
from .project import ORGS_DIR, TOWN_DIR, Dataset
from .schema import MAINTAINER_RE

RULE_NOT_YOURS = "path-not-yours"
SHOWN_PATHS = 5  # paths named per area; the rest are counted


class Kind(StrEnum):
    ORG = "org"
    TOWN = "town"
    SITE = "site"
    CODE = "code"
    CI = "ci"
    CODEOWNERS = "codeowners"


# What each kind of change is, in the words the reviewer and the clerk read.
LABELS = {
    Kind.TOWN: "镇级数据",
    Kind.SITE: "网站的页面、模板和配置",
    Kind.CODE: "网站程序",
    Kind.CI: "自动检查和发布流程（CI）",
    Kind.CODEOWNERS: "CODEOWNERS",
}
# What it does to the public site: never "不影响公开网站".
EFFECTS = {
    Kind.TOWN: "会改变公开网站上的全镇内容（计划、考核、线路、案例汇编、网站信息等）",
    Kind.SITE: "会改变公开网站的页面，可能是每一个页面",
    Kind.CODE: "会改变网站怎样生成、资料怎样检查，可能改变每一个页面",
    Kind.CI: "会改变自动检查和发布网站的方式",
}

_CI_PREFIXES = (".github/", ".gitlab/", ".gitee/", ".gitea/", ".forgejo/", ".ci/", ".woodpecker/")
_CI_FILES = {".gitlab-ci.yml", ".pre-commit-hooks.yaml", ".pre-commit-config.yaml", "dev", ".woodpecker.yml"}
_SITE_PREFIXES = ("overrides/", "content/")
_SITE_FILES = {"mkdocs.yml"}


@dataclass(frozen=True)
class Area:
    kind: Kind
    slug: str = ""  # the organization, for Kind.ORG

    @property
    def label(self) -> str:
        return f"组织 {self.slug} 的文件夹" if self.kind is Kind.ORG else LABELS[self.kind]


def area_of(path: str) -> Area:
    """The area a repository path (POSIX, relative to the root) belongs to. git's own files
    (.gitattributes, .gitignore, .gitmodules …) are the repository's configuration wherever
    they are: a .gitattributes in an organization's folder changes how git exports, compares
    and merges files, so it is never an organization's data."""
    parts = path.split("/")
    if parts[-1].startswith(".git"):
        return Area(Kind.CI)
    if parts[0] == ORGS_DIR and len(parts) > 2 and parts[1]:
        return Area(Kind.ORG, parts[1])
    if path in LOCATIONS.values():
        return Area(Kind.CODEOWNERS)
    if path.startswith(TOWN_DIR.as_posix() + "/"):
        return Area(Kind.TOWN)
    if path in _CI_FILES or path.startswith(_CI_PREFIXES):
        return Area(Kind.CI)
    if path in _SITE_FILES or path.startswith(_SITE_PREFIXES):
        return Area(Kind.SITE)
    return Area(Kind.CODE)  # generator/, pyproject.toml, tools/, tests/, a file directly in organizations/, anything else


def _login(name: str) -> str:
    """A forge user name as compared: without the `@`, case-insensitive (GitHub, GitLab and Gitee logins are)."""
    return name.removeprefix("@").casefold()


def _at(names: Iterable[str]) -> str:
    return "、".join(f"@{n.removeprefix('@')}" for n in names)


@dataclass(frozen=True)
class Owners:
    """Who may change what, as the base revision says."""

    office: tuple[str, ...]
    maintainers: dict[str, tuple[str, ...]]  # slug -> maintainers, for organizations valid at the base

    @classmethod
    def of(cls, base: Dataset) -> Owners:
        town = base.valid.town
        office = tuple(town.office.maintainers) if town is not None else ()
        maintainers = {slug: tuple(entry.model.maintainers) for slug, entry in base.valid.orgs.items()}
        return cls(office, maintainers)

    def approvers(self, area: Area) -> tuple[str, ...]:
        """Who may approve a change to `area`: an organization's maintainers and the town office;
        the town office alone for everything else (a new organization's folder included)."""
        own = self.maintainers.get(area.slug, ()) if area.kind is Kind.ORG else ()
        return tuple(dict.fromkeys([*own, *self.office]))

    def may_change(self, author: str | None, area: Area) -> bool:
        if area.kind is Kind.CODEOWNERS:
            return True  # derived from the data, compared exactly with what the data gives
        if author is None:
            return area.kind is Kind.ORG  # a local run: the clerk's own folder; CI knows the author
        return _login(author) in {_login(n) for n in self.approvers(area)}


@dataclass(frozen=True)
class AreaChange:
    """The changed paths of one area, and who reviews them."""

    area: Area
    paths: tuple[str, ...]
    approvers: tuple[str, ...]

    def shown_paths(self) -> str:
        shown = "、".join(self.paths[:SHOWN_PATHS])
        return shown + (f" 等 {len(self.paths)} 个文件" if len(self.paths) > SHOWN_PATHS else "")

    @property
    def affects_site(self) -> bool:
        """Town data, pages, templates, configuration, code and CI are never "不影响公开网站"."""
        return self.area.kind in EFFECTS

    def review_line(self) -> str:
        """What kind of change it is, what it does, and who reviews it."""
        who = _at(self.approvers) or "镇党委"
        return f"{self.area.label}的改动（{self.shown_paths()}）：{EFFECTS[self.area.kind]}；由 {who} 审核"


@dataclass
class PathJudgement:
    areas: list[AreaChange]
    blocking: list[Diagnostic]


def group(files: Sequence[str], owners: Owners) -> list[AreaChange]:
    by_area: dict[Area, list[str]] = {}
    for path in sorted(files):
        by_area.setdefault(area_of(path), []).append(path)
    order = [Kind.ORG, Kind.TOWN, Kind.SITE, Kind.CODE, Kind.CI, Kind.CODEOWNERS]
    areas = sorted(by_area, key=lambda a: (order.index(a.kind), a.slug))
    return [AreaChange(a, tuple(by_area[a]), owners.approvers(a)) for a in areas]


def judge(files: Sequence[str], owners: Owners, author: str | None) -> PathJudgement:
    """Every changed path against its owners: a path outside what the author may change blocks
    the pull request, naming the paths and who must approve them."""
    areas = group(files, owners)
    if author is not None and not MAINTAINER_RE.fullmatch(author):
        # Not a login the owners can name (a bot, an over-long name): it owns nothing. Never
        # judged as a local run, which would take every organization folder as the author's.
        blocking = [_unknown_author(a, author) for a in areas if a.area.kind is not Kind.CODEOWNERS]
        return PathJudgement(areas, blocking)
    blocking = [_not_yours(a, author, owners) for a in areas if not owners.may_change(author, a.area)]
    return PathJudgement(areas, blocking)


def _unknown_author(change: AreaChange, author: str) -> Diagnostic:
    who = _at(change.approvers) or "镇党委"
    message = f"提交人“{author[:60]}”不是能写进维护人名单的用户名，无法核对他能改哪些文件：{change.area.label}（{change.shown_paths()}）"
    fix = f"请 {who} 提交这些改动，或由他们批准"
    return Diagnostic(change.paths[0], 1, 1, Severity.ERROR, RULE_NOT_YOURS, message, "、".join(change.paths), fix)


def _not_yours(change: AreaChange, author: str | None, owners: Owners) -> Diagnostic:
    area = change.area
    who = _at(change.approvers) or "镇党委"
    restore = "把这些文件恢复原样（改过的运行 git checkout origin/main -- 文件名，新加的删掉），只改自己组织的文件夹 organizations/<代号>/"
    if author is None:
        message = f"这次改动修改了{area.label}（{change.shown_paths()}）：这不是一个组织的资料，只有镇党委（{who}）可以改"
        fix = f"{restore}；确实要改，请镇党委提交。镇党委的成员在本机检查时加上 --author 自己的用户名"
    elif area.kind is Kind.ORG and area.slug in owners.maintainers:
        message = f"@{author.removeprefix('@')} 不是{area.label}的维护人，却改动了它（{change.shown_paths()}）"
        fix = f"{restore}；确实要改，请 {who} 提交，或由他们批准"
    elif area.kind is Kind.ORG:
        message = f"这次改动新建了{area.label}（{change.shown_paths()}）：新组织由镇党委（{who}）建立"
        fix = f"请镇党委提交新组织的文件夹（party365 new），或由 {who} 批准；{restore}"
    else:
        message = f"这次改动修改了{area.label}（{change.shown_paths()}），只有 {who} 可以改"
        fix = f"{restore}；确实要改，请 {who} 提交或批准"
    return Diagnostic(change.paths[0], 1, 1, Severity.ERROR, RULE_NOT_YOURS, message, "、".join(change.paths), fix)
