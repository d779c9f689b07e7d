"""The data contract: every file a clerk or the town office writes, as Pydantic models.

This module is the one source of truth. The JSON Schema that editors use (`party365 schema`)
is generated from these classes, field titles and descriptions included, and the
validator reads the same classes. Titles are Chinese because clerks read them in their
editor and in error messages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .dates import MAX_NOTICE_WORKDAYS, MIN_NOTICE_WORKDAYS

SLUG_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)

Sector = Literal["机关事业单位", "村", "社区", "企业"]
SECTORS: tuple[str, ...] = ("机关事业单位", "村", "社区", "企业")

# The three 板块 of the plan; 村 and 社区 form one.
BANKUAI: dict[str, str] = {
    "机关事业单位": "机关事业单位党组织板块",
    "村": "村（社区）党组织板块",
    "社区": "村（社区）党组织板块",
    "企业": "企业党组织板块",
}

OrgKind = Literal["党委", "党总支", "党支部", "联合党支部"]
Audience = Literal["向社会公开", "党内"]

# The 十上墙 items of task 3, in the plan's order.
SHIQIANG: tuple[str, ...] = (
    "党组织简介和任期工作目标",
    "两委联系工作网络",
    "两农组织情况",
    "党员两地报到",
    "两民工作",
    "两亮形象",
    "两务公开",
    "党员家规家训",
    "志愿服务活动",
    "两学一做学习教育",
)
DisclosureCategory = Literal[
    "党组织简介和任期工作目标",
    "两委联系工作网络",
    "两农组织情况",
    "党员两地报到",
    "两民工作",
    "两亮形象",
    "两务公开",
    "党员家规家训",
    "志愿服务活动",
    "两学一做学习教育",
    "党内通报",
    "重大决策征求意见",
    "重大事项报告",
    "党费",
    "三会一课",
    "其他",
]

NoticeKind = Literal["发展党员", "推荐优秀党员", "困难党员", "民主评议", "其他"]

LIUYOU: tuple[str, ...] = ("场所", "设施", "标志", "党旗", "书报", "制度")
LiuYou = Literal["场所", "设施", "标志", "党旗", "书报", "制度"]
LIUTONGYI: tuple[str, ...] = ("外观标识和LOGO", "服务承诺口号", "党员先锋岗", "功能室", "制度上墙", "党建宣传栏")
LiuTongYi = Literal["外观标识和LOGO", "服务承诺口号", "党员先锋岗", "功能室", "制度上墙", "党建宣传栏"]

BrandModel = Literal["服务效能型", "美丽和谐型", "同频共振型"]
BRAND_MODEL_BY_SECTOR: dict[str, str] = {
    "机关事业单位": "服务效能型",
    "村": "美丽和谐型",
    "社区": "美丽和谐型",
    "企业": "同频共振型",
}
Batch = Literal["一期", "二期"]
Level = Literal["镇级", "区级示范点"]

Slug = Annotated[
    str, Field(pattern=SLUG_PATTERN, title="组织代号", description="organizations/ 下的文件夹名：小写拼音和数字，用连字符分隔")
]
NONEMPTY_PATTERN = r"\S"
Text = Annotated[str, Field(pattern=NONEMPTY_PATTERN)]
"""A text that must say something: not empty, not only spaces."""
Markdown = Annotated[
    str, Field(pattern=NONEMPTY_PATTERN, description="可以使用 Markdown：段落、列表、加粗、链接（仅 http/https/mailto/tel）")
]

# A user name on GitHub, GitLab or Gitee, optionally with the leading @: letters, digits, and
# `-`, `_`, `.` inside. Nothing else can reach a CODEOWNERS line (no spaces, newlines, `/`, `#`, `*`).
MAINTAINER_PATTERN = r"^@?[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?$"
MAINTAINER_RE = re.compile(MAINTAINER_PATTERN, re.ASCII)
Maintainer = Annotated[str, Field(pattern=MAINTAINER_PATTERN, title="用户名", description="代码仓库（GitHub/GitLab/Gitee）的用户名")]

# A telephone number as it is dialled: digits, spaces, hyphens and parentheses for grouping, a
# leading + for the country code, and an extension after 转. Nothing else, so the number shown is
# the number the tel: link dials (no direction controls, no letters, no full-width digits).
PHONE_PATTERN = r"^\+?[0-9(][0-9 ()-]*[0-9](?: ?转 ?[0-9]{1,6})?$"
Phone = Annotated[
    str,
    Field(pattern=PHONE_PATTERN, description="只写半角数字，可用空格、连字符和括号分组，如 0519-88881234；分机写在“转”后面"),
]
# An e-mail address in plain ASCII: what a mailto: link and every mail server take.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$"
)
Email = Annotated[str, Field(pattern=EMAIL_PATTERN, description="半角英文字母、数字写的邮箱地址，如 dangjian@example.gov.cn")]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Dates come from the loader as text (YAML 1.2, as editors see them); only YYYY-MM-DD is a date."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_not_exist", "这一天不存在", {"found": value}) from None
    return value  # the strict date type refuses everything else, a date with a time included


Date = Annotated[dt.date, BeforeValidator(_iso_date)]


def _year_key(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}", value):
        return int(value)
    return value


YearKey = Annotated[int, BeforeValidator(_year_key), WithJsonSchema({"type": "string", "pattern": "^[0-9]{4}$"})]


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):  # Literal[1] would take True, which equals 1 in Python
        raise PydanticCustomError("literal_error", "只能填 1", {"expected": "1"})
    return value


SchemaVersion = Annotated[Literal[1], BeforeValidator(_not_bool)]


class _Model(BaseModel):
    # strict: no value changes type on the way in (no "186" for 186, no 1 for true).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)


class Contact(_Model):
    """对外公开的联系方式（会显示在网站上）。"""

    phone: Phone | None = Field(
        None, title="办公电话", description="座机如 0519-88881234，只写半角数字、空格、连字符和括号；手机号只能写在这里或异议渠道里"
    )
    address: str | None = Field(None, title="办公地址")
    hours: str | None = Field(None, title="办公时间", description="例如 周一至周五 8:30-17:00")
    email: Email | None = Field(None, title="电子邮箱")


class Location(_Model):
    """党群服务中心或活动场所的位置（WGS-84，保留 4 位小数）。"""

    lat: float = Field(title="纬度", ge=-90, le=90)
    lon: float = Field(title="经度", ge=-180, le=180)

    @field_validator("lat", "lon")
    @classmethod
    def _round(cls, value: float) -> float:
        return round(value, 4)


class Members(_Model):
    total: int = Field(title="党员总数", ge=0)
    probationary: int = Field(0, title="其中预备党员", ge=0)


class Secretary(_Model):
    """党组织书记（公开职务信息）。"""

    name: Text = Field(title="书记姓名")
    title: str = Field("书记", title="职务", description="例如 党委书记、支部书记")


class Space(_Model):
    """阵地建设（任务 1-2）。"""

    area: float | None = Field(None, title="活动场所面积（平方米）", ge=0, description="村不低于 120，社区不低于 300")
    hall_area: float | None = Field(None, title="党员群众服务中心大厅面积（平方米）", ge=0, description="社区填写，不低于 60")
    liuyou: list[LiuYou] = Field(
        default_factory=list, title="已具备的“六有”", description="机关、企业党员活动室：场所、设施、标志、党旗、书报、制度"
    )
    liutongyi: list[LiuTongYi] = Field(default_factory=list, title="已做到的“六统一”", description="村（社区）党群服务中心")
    shared_with: Slug | None = Field(None, title="联建共享的活动场所", description="企业与所在村（社区）共用场所时，写对方的组织代号")
    note: str | None = Field(None, title="说明")


class Photo(_Model):
    """一张照片：文件在本组织的 photos/ 文件夹里。"""

    file: Text = Field(title="文件", description="例如 photos/2026-volunteers.jpg")
    alt: str | None = Field(None, title="替代文字", description="给看不见图片的读者：一句话说清照片里是什么")
    caption: str | None = Field(None, title="图片说明")
    credit: str | None = Field(None, title="摄影/来源")
    consent: bool = Field(False, title="已获肖像使用同意", description="照片中可辨认的人已同意公开，写 true")


class Practice(_Model):
    title: Text = Field(title="做法标题")
    text: Markdown = Field(title="做法内容")


class Honor(_Model):
    year: int = Field(title="年份", ge=1921, le=2100)
    title: Text = Field(title="荣誉名称")
    by: str | None = Field(None, title="授予单位")


class Brand(_Model):
    """党建品牌（任务 11-12）。"""

    name: Text = Field(title="品牌名称")
    slogan: str | None = Field(None, title="品牌口号")
    model: BrandModel = Field(title="品牌类型", description="机关：服务效能型；村、社区：美丽和谐型；企业：同频共振型")
    batch: Batch = Field(title="批次", description="一期（2017 年，33 家）或 二期（50 家）")
    level: Level = Field("镇级", title="级别", description="区级示范点共 3 家，都在一期")
    year: int | None = Field(None, title="创建年份", ge=2000, le=2100)
    idea: Markdown | None = Field(None, title="品牌理念")
    practices: list[Practice] = Field(default_factory=list, title="主要做法")
    results: Markdown | None = Field(None, title="工作成效")
    honors: list[Honor] = Field(default_factory=list, title="所获荣誉")
    partners: list[Slug] = Field(default_factory=list, title="联建共创单位", description="对方也要在自己的 partners 里写上本组织")
    photos: list[Photo] = Field(default_factory=list, title="品牌照片")


class Org(_Model):
    """organizations/<代号>/org.yml：一个基层党组织的档案和党建品牌。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本", description="固定写 1")
    name: Text = Field(title="全称", description="例如 中共春江镇桃源村委员会")
    short_name: Text = Field(title="简称", description="例如 桃源村党委")
    kind: OrgKind = Field(title="组织类型")
    sector: Sector = Field(title="所属领域", description="机关事业单位、村、社区、企业")
    parent: Slug | None = Field(None, title="上级党组织代号", description="对方也要在自己的 children 里写上本组织")
    children: list[Slug] = Field(
        default_factory=list, title="下属党组织代号", description="对方也要写 parent: 本组织；双方都写了，页面上才显示上下级关系"
    )
    members: Members = Field(title="党员人数")
    secretary: Secretary = Field(title="书记")
    contact: Contact = Field(title="公开联系方式")
    location: Location | None = Field(None, title="位置")
    intro: Markdown | None = Field(None, title="党组织简介")
    space: Space = Field(default_factory=Space, title="阵地建设")
    brand: Brand | None = Field(None, title="党建品牌")
    maintainers: list[Maintainer] = Field(min_length=1, title="维护人", description="代码仓库里的用户名，可修改本文件夹")
    updated: Date = Field(title="最近核实日期", description="每次核实信息后更新，超过 90 天未核实会提示")


class Vote(_Model):
    """票决结果（重大事项报告）。"""

    agree: int = Field(alias="for", title="赞成", ge=0)
    against: int = Field(0, title="反对", ge=0)
    abstain: int = Field(0, title="弃权", ge=0)


class Withdrawal(_Model):
    """撤回：页面保留“已撤回：原因”，不会悄悄消失。"""

    date: Date = Field(title="撤回日期")
    reason: Text = Field(title="撤回原因", min_length=2)


class Disclosure(_Model):
    """disclosures/YYYY-MM-DD-名称.md 的字段区：一条党务公开事项。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    title: Text = Field(title="标题")
    category: DisclosureCategory = Field(
        title="栏目", description="“十上墙”栏目或 党内通报、重大决策征求意见、重大事项报告、党费、三会一课、其他"
    )
    audience: Audience = Field("向社会公开", title="公开范围", description="党内事项只出现在公开栏上，不上网站")
    date: Date | None = Field(None, title="发布日期", description="不写时取文件名开头的日期")
    vote: Vote | None = Field(None, title="票决结果")
    photos: list[Photo] = Field(default_factory=list, title="照片")
    withdrawn: Withdrawal | None = Field(None, title="撤回")
    redact: bool = Field(False, title="删除内容", description="误发了个人信息时写 true：只保留“已撤回”标记")


class Objection(_Model):
    """公示期间反映意见的渠道（至少填一种）。"""

    phone: Phone | None = Field(None, title="电话")
    address: str | None = Field(None, title="地址或信箱")
    email: Email | None = Field(None, title="电子邮箱")
    contact: str | None = Field(None, title="联系人")


class Notice(_Model):
    """notices/YYYY-MM-DD-名称.md 的字段区：一条公示。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    title: Text = Field(title="标题")
    kind: NoticeKind = Field(title="公示类型")
    start: Date = Field(title="公示开始日期")
    end: Date = Field(title="公示结束日期", description="含当天；开始到结束至少 5 个工作日")
    audience: Audience = Field("向社会公开", title="公开范围", description="困难党员公示一律为党内")
    objection: Objection = Field(title="异议渠道")
    withdrawn: Withdrawal | None = Field(None, title="撤回")
    redact: bool = Field(False, title="删除内容")

    @model_validator(mode="before")
    @classmethod
    def _hardship_is_internal(cls, data: Any) -> Any:
        """困难党员 notices are 党内 unless the file says otherwise (which the notice rule refuses)."""
        if isinstance(data, dict) and data.get("kind") == "困难党员" and "audience" not in data:
            return {**data, "audience": "党内"}
        return data


# ---------------------------------------------------------------- town-owned data


class BBox(_Model):
    """全镇范围：坐标必须落在这个方框内。"""

    south: float = Field(title="南纬界", ge=-90, le=90)
    west: float = Field(title="西经界", ge=-180, le=180)
    north: float = Field(title="北纬界", ge=-90, le=90)
    east: float = Field(title="东经界", ge=-180, le=180)


class Quotas(_Model):
    batch1: int = Field(33, title="一期品牌数")
    batch2: int = Field(50, title="二期品牌数")
    demo_sites: int = Field(3, title="区级示范点数")


class Office(_Model):
    name: Text = Field(title="镇级负责部门")
    maintainers: list[Maintainer] = Field(min_length=1, title="镇级维护人")


class Editor(_Model):
    """网页编辑器（/admin/）保存到哪个代码仓库：每次保存都是一个合并请求（GitLab、GitHub）。"""

    backend: Literal["gitlab", "github", "gitea"] = Field(
        title="代码托管平台", description="gitlab（含自建）、github 或 gitea（含 Forgejo，没有合并请求流程）；Gitee 不支持网页编辑"
    )
    repo: str = Field(title="仓库", pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", description="例如 chunjiang/dangjian")
    branch: str = Field("main", title="分支", pattern=r"^[A-Za-z0-9_./-]+$")
    base_url: str | None = Field(
        None,
        title="平台网址",
        pattern=r"^https://[A-Za-z0-9.-]+(:[0-9]+)?/?$",
        description="自建 GitLab 或 Gitea/Forgejo 的网址，如 https://git.example.gov.cn",
    )
    app_id: str | None = Field(None, title="登录应用 ID", pattern=r"^\S+$", description="在代码托管平台登记的 OAuth 应用的 Application ID")


TIANDITU_KEY_PATTERN = r"^[0-9A-Fa-f]{32}$"  # a 天地图 browser key (浏览器端 tk): 32 hexadecimal characters


class TownMap(_Model):
    """红色风景线页面的地图。不填时只有镇里自己画的示意图，读者的浏览器不会访问任何第三方网站。"""

    tianditu_key: str = Field(
        title="天地图密钥",
        pattern=TIANDITU_KEY_PATTERN,
        description=(
            "在天地图开发者中心申请的“浏览器端”密钥（32 位字母数字）。填写后，红色风景线页面多一个开关"
            "“显示天地图底图”：读者打开它，浏览器才会向天地图服务器请求地图图片（读者的 IP 地址、看的区域和这个密钥）；"
            "默认关闭，仍显示示意图"
        ),
    )


class Town(_Model):
    """content/_town/town.yml：全镇信息（镇党委所有）。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    name: Text = Field(title="镇名")
    party_committee: Text = Field(title="镇党委全称")
    site_name: Text = Field(title="网站名称")
    site_url: str = Field(title="网站地址", pattern=r"^https?://\S+/$", description="以 / 结尾，二维码和订阅链接都用它")
    demo: bool = Field(False, title="示例数据", description="true 时每页显示“示例数据”横幅")
    icp: str | None = Field(None, title="ICP 备案号")
    police_record: str | None = Field(None, title="公安备案号")
    site_code: str | None = Field(None, title="网站标识码")
    bbox: BBox = Field(title="全镇范围")
    quotas: Quotas = Field(default_factory=Quotas, title="品牌指标")
    publish_assessments: bool = Field(False, title="公开考核评价", description="红黄绿牌原因和书记 5A 档是否在网站上公开")
    notice_max_workdays: int = Field(
        MAX_NOTICE_WORKDAYS,
        title="公示最长工作日数",
        ge=MIN_NOTICE_WORKDAYS,
        le=250,
        description=f"公示期最多多少个工作日（不写为 {MAX_NOTICE_WORKDAYS}）；超过的公示多半是年份或月份写错了，检查会报错",
    )
    office: Office = Field(title="镇级负责部门")
    published_manifest: str | None = Field(
        None,
        title="已发布网站的清单",
        description=(
            "已上线网站的 data/manifest.json 的网址（如 https://dangjian.example.gov.cn/data/manifest.json）或本机路径；"
            "每次构建都和它比较，已发布的记录不能无故消失。网站第一次发布以后再填写"
        ),
        pattern=r"^\S+$",
    )
    editor: Editor | None = Field(None, title="网页编辑器", description="填写后，构建会生成各组织的网页编辑页面 /admin/<代号>/")
    map: TownMap | None = Field(None, title="地图", description="可选：天地图底图。不填则红色风景线页面只有示意图，不向任何第三方发送请求")


class Phase(_Model):
    name: Text = Field(title="阶段")
    start: Date = Field(title="开始")
    end: Date = Field(title="截止")
    goal: Text = Field(title="目标")


class Task(_Model):
    no: int = Field(title="序号", ge=1)
    project: Text = Field(title="所属工程")
    title: Text = Field(title="任务")
    owner: Text = Field(title="责任单位")
    deadline: Date = Field(title="达标时间")
    standard: str | None = Field(None, title="标准")


class Plan(_Model):
    """content/_town/plan.yml：三年行动计划（阶段与 12 项任务）。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    title: Text = Field(title="计划名称")
    phases: list[Phase] = Field(title="实施步骤")
    tasks: list[Task] = Field(title="主要任务")


class Assessment(_Model):
    org: Slug = Field(title="组织代号")
    date: Date = Field(title="评定日期")
    card: Literal["绿牌", "黄牌", "红牌"] | None = Field(None, title="红黄绿牌")
    reason: str | None = Field(None, title="原因")
    deadline: Date | None = Field(None, title="整改期限")
    stars: int | None = Field(None, title="星级", ge=1, le=5)
    grade: Literal["1A", "2A", "3A", "4A", "5A"] | None = Field(None, title="书记“5A”档次")


class Assessments(_Model):
    """content/_town/assessments.yml：镇党委的考核评价。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    entries: list[Assessment] = Field(default_factory=list, title="评价记录")


class Route(_Model):
    id: Slug = Field(title="线路代号")
    name: Text = Field(title="线路名称")
    color: str = Field(title="颜色", pattern=r"^#[0-9A-Fa-f]{6}$")
    description: Text = Field(title="简介")
    stops: list[Slug] = Field(min_length=2, title="途经站点（组织代号，按顺序）")


class BaseLine(_Model):
    """底图上的一条河流或道路：按顺序的几个点连成的线（示意，不必精确）。"""

    name: Text = Field(title="名称", description="例如 春江、人民路")
    line: list[Location] = Field(min_length=2, title="走向", description="按顺序列出的点，每点写 {lat: 纬度, lon: 经度}")


class BasePlace(_Model):
    """底图上的一个地标（桥、车站、广场、公园等）。"""

    name: Text = Field(title="名称", description="例如 春江大桥")
    at: Location = Field(title="位置")


class TownCentre(_Model):
    """镇区：画成一片浅色的圆形区域，不画边界线。"""

    name: Text = Field(title="名称", description="例如 春江镇区")
    at: Location = Field(title="中心位置")
    radius: int = Field(800, title="半径（米）", ge=100, le=5000)


class Basemap(_Model):
    """示意图底图：镇里自己画的河流、主要道路、镇区和地标，让读者认出地方。只画这几类，不画任何行政区划界线。"""

    rivers: list[BaseLine] = Field(default_factory=list, title="河流")
    roads: list[BaseLine] = Field(default_factory=list, title="主要道路")
    centre: TownCentre | None = Field(None, title="镇区")
    landmarks: list[BasePlace] = Field(default_factory=list, title="地标")


class Routes(_Model):
    """content/_town/routes.yml：红色风景线、精品示范带，以及示意图的底图。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    routes: list[Route] = Field(default_factory=list, title="线路")
    basemap: Basemap | None = Field(None, title="示意图底图", description="河流、主要道路、镇区和地标；不画行政区划界线")


class HolidayYear(_Model):
    holidays: list[Date] = Field(title="法定节假日（放假日）")
    workdays: list[Date] = Field(default_factory=list, title="调休上班日")


class Holidays(_Model):
    """content/_town/holidays.yml：节假日和调休，用于计算公示的工作日。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    years: dict[YearKey, HolidayYear] = Field(title="按年份", json_schema_extra={"additionalProperties": False})


class Rename(_Model):
    old: Slug = Field(alias="from", title="原代号")
    new: Slug = Field(alias="to", title="新代号")
    date: Date = Field(title="日期")
    reason: str | None = Field(None, title="原因")


class Renames(_Model):
    """content/_town/renames.yml：改名或合并的组织，旧网址会跳转到新网址。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    renames: list[Rename] = Field(default_factory=list, title="改名记录")


class Case(_Model):
    org: Slug = Field(title="组织代号")
    commentary: Markdown | None = Field(None, title="镇党委点评")


class Collection(_Model):
    """content/_town/collections/<代号>.yml：一本典型案例汇编（网页和 PDF 小册子）。"""

    schema_: SchemaVersion = Field(alias="schema", title="格式版本")
    title: Text = Field(title="汇编名称")
    subtitle: str | None = Field(None, title="副标题")
    date: Date = Field(title="编印日期")
    editor: str | None = Field(None, title="编印单位")
    intro: Markdown = Field(title="编者按")
    cases: list[Case] = Field(min_length=1, title="案例（按顺序）")


# Required fields beyond the model's own, by sector. Used by the schema rule and written
# into the JSON Schema as if/then clauses, so editors and the validator agree.
REQUIRED_BY_SECTOR: dict[str, tuple[str, ...]] = {
    "村": ("space.area", "space.liutongyi"),
    "社区": ("space.area", "space.hall_area", "space.liutongyi"),
    "机关事业单位": ("space.liuyou",),
    "企业": (),  # 企业: either its own room (liuyou) or shared_with a host; see rules.schema
}

# Every file kind: name of the JSON Schema file, model, title.
FILE_MODELS: dict[str, type[_Model]] = {
    "org": Org,
    "disclosure": Disclosure,
    "notice": Notice,
    "town": Town,
    "plan": Plan,
    "assessments": Assessments,
    "routes": Routes,
    "holidays": Holidays,
    "renames": Renames,
    "collection": Collection,
}


def _present(field_name: str) -> dict[str, Any]:
    """JSON Schema for "filled in": present, not null, not an empty list (the validator's `_has`)."""
    return {"required": [field_name], "properties": {field_name: {"not": {"enum": [None, "", []]}}}}


def _sector_clauses() -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for sector, fields in REQUIRED_BY_SECTOR.items():
        space_required = [f.split(".", 1)[1] for f in fields if f.startswith("space.")]
        if not space_required:
            continue
        clauses.append(
            {
                "if": {"properties": {"sector": {"const": sector}}, "required": ["sector"]},
                "then": {"required": ["space"], "properties": {"space": {"allOf": [_present(f) for f in space_required]}}},
            }
        )
    # The brand rule (rules/brands.py) says the same with its own messages: model by sector, and
    # a 区级示范点 is always 一期.
    for sector, model in BRAND_MODEL_BY_SECTOR.items():
        clauses.append(
            {
                "if": {"properties": {"sector": {"const": sector}}, "required": ["sector"]},
                "then": {"properties": {"brand": {"properties": {"model": {"const": model}}}}},
            }
        )
    clauses.append(
        {
            "properties": {
                "brand": {
                    "if": {"properties": {"level": {"const": "区级示范点"}}, "required": ["level"]},
                    "then": {"properties": {"batch": {"const": "一期"}}},
                }
            }
        }
    )
    clauses.append(
        {
            "if": {"properties": {"sector": {"const": "企业"}}, "required": ["sector"]},
            "then": {"required": ["space"], "properties": {"space": {"anyOf": [_present("liuyou"), _present("shared_with")]}}},
        }
    )
    return clauses


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind, generated from the model."""
    model = FILE_MODELS[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    if kind == "org":
        schema["allOf"] = _sector_clauses()
    return schema


# 十上墙 headings each sector must keep current (DESIGN.md, Decisions: content rules).
_CORE_SHIQIANG = ("党组织简介和任期工作目标", "党员两地报到", "两亮形象", "两务公开", "党员家规家训", "志愿服务活动", "两学一做学习教育")
REQUIRED_SHIQIANG: dict[str, tuple[str, ...]] = {
    "村": SHIQIANG,
    "社区": tuple(h for h in SHIQIANG if h != "两农组织情况"),
    "机关事业单位": _CORE_SHIQIANG,
    "企业": _CORE_SHIQIANG,
}

# Activity space standards of task 1, in m².
SPACE_MINIMUM: dict[str, float] = {"村": 120, "社区": 300}
HALL_MINIMUM = 60
