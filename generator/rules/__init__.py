"""Validation rules, one module per concern. Each module has `RULES` (id -> what it checks)
and `check(dataset)` yielding diagnostics. The models are built before any rule runs
(`schema.build_models`, called by `validate`), so rules only read them and their order is free."""

from __future__ import annotations

from types import ModuleType

from . import (
    audience,
    basemap,
    brands,
    compliance,
    content,
    hidden,
    notices,
    photos,
    placeholders,
    privacy,
    refs,
    schema,
    withdrawal,
)

MODULES: tuple[ModuleType, ...] = (
    schema, hidden, privacy, content, photos, notices, withdrawal, audience, refs, basemap, brands, compliance, placeholders
)  # fmt: skip

LOADER_RULES = {
    "yaml-syntax": "YAML 语法错误",
    "yaml-tab": "缩进里有 Tab",
    "yaml-duplicate-key": "字段重复",
    "yaml-alias": "使用了锚点、别名或合并键",
    "yaml-depth": "字段或列表嵌套超过 32 层",
    "yaml-hash-comment": "值以 # 开头，被当成了注释（字段实际是空的）",
    "file-encoding": "文件不是 UTF-8 编码（如 GBK）",
    "file-too-large": "文本文件超过 512 KB",
    "file-front-matter": "Markdown 缺少字段区",
    "file-name": "公开事项文件名格式不对",
    "file-missing": "缺少必需的文件",
    "file-outside": "链接文件指向本组织文件夹以外",
    "file-symlink": "文件或文件夹是链接（symlink），一律不读取",
    "file-unreadable": "无法读取文件",
}

# Rules of `party365 diff`: what a change may not do to the published site.
DIFF_RULES = {
    "diff-item-removed": "已发布的公开事项或公示被删除（应保留并标记撤回）",
    "diff-page-removed": "已发布的组织页面被删除且没有登记改名（旧网址会失效）",
    "diff-notice-period": (
        "已开始的公示改了开始日期、已结束的公示改了日期、正在进行的公示提前结束，或还没开始的公示开始日期改到今天以前（应撤回并另发更正的公示）"
    ),
    "codeowners-stale": "CODEOWNERS 不是最新的（新组织或维护人变动后要重新生成）",
    "path-not-yours": "合并请求改了提交人不负责的文件：别的组织的文件夹、新组织、镇级数据、网站的页面/模板/配置/程序或自动检查流程",
}

# Rules of the build's comparison with the deployed site's manifest (generator.manifest).
MANIFEST_RULES = {
    "manifest-record-dropped": "已上线网站上的组织、公开事项或公示在这次构建中消失（应保留并标记撤回，或登记改名）",
    "manifest-unavailable": "读不到已上线网站的清单（published_manifest），没能核对已发布的记录",
}


def all_rules() -> dict[str, str]:
    """Every rule id with a one-line description, for docs and tests."""
    rules = {**LOADER_RULES, **DIFF_RULES, **MANIFEST_RULES}
    for module in MODULES:
        rules.update(module.RULES)
    return rules
