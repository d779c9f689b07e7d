"""`party365 new`: a commented org.yml whose unknown facts are placeholders. It validates only
after the clerk has filled them in: the `template-placeholder` rule refuses each one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from .project import ORGS_DIR
from .rules.placeholders import PLACEHOLDER_MAINTAINER, PLACEHOLDER_PHONE, PLACEHOLDER_TEXT
from .schema import BRAND_MODEL_BY_SECTOR, SLUG_RE

_KIND = {"村": "党委", "社区": "党委", "机关事业单位": "党支部", "企业": "党支部"}
_SECRETARY = {"党委": "党委书记", "党总支": "党总支书记", "党支部": "支部书记", "联合党支部": "联合支部书记"}


class ScaffoldError(Exception):
    """A Chinese message telling why the scaffold was not written."""


def render_org(slug: str, sector: str, today: dt.date, maintainer: str = PLACEHOLDER_MAINTAINER) -> str:
    env = Environment(
        loader=PackageLoader("generator", "templates"), undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    kind = _KIND[sector]
    return env.get_template("org.yml.j2").render(
        slug=slug,
        sector=sector,
        name=f"{PLACEHOLDER_TEXT}（{sector}党组织全称）",
        short_name=PLACEHOLDER_TEXT,
        placeholder=PLACEHOLDER_TEXT,
        phone=PLACEHOLDER_PHONE,
        kind=kind,
        secretary_title=_SECRETARY[kind],
        model=BRAND_MODEL_BY_SECTOR[sector],
        maintainer=maintainer,
        today=today.isoformat(),
    )


def create_org(root: Path, slug: str, sector: str, today: dt.date, maintainer: str = PLACEHOLDER_MAINTAINER) -> Path:
    """Write organizations/<slug>/ with org.yml and empty item folders; never overwrite."""
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"代号“{slug}”不合法：只能用小写拼音、数字和连字符，以字母开头，例如 taoyuan-cun")
    folder = root / ORGS_DIR / slug
    if folder.exists():
        raise ScaffoldError(f"{folder.relative_to(root).as_posix()}/ 已经存在，没有改动任何文件；换一个代号，或直接编辑已有的 org.yml")
    for sub in ("disclosures", "notices", "photos"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / ".gitkeep").write_text("", encoding="utf-8")
    org_file = folder / "org.yml"
    org_file.write_text(render_org(slug, sector, today, maintainer), encoding="utf-8")
    return org_file
