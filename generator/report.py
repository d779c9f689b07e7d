"""The town office's internal report: assessments of named people and every compliance finding.

The public dashboard shows assessments only in aggregate unless the town publishes them; this
report has them all. It is written to a file for the office, never into the site.
"""

from __future__ import annotations

from collections import defaultdict

from .progress import compute
from .validate import Result


def render(result: Result) -> str:
    ds = result.dataset
    progress = compute(ds)
    names = {slug: e.model.short_name for slug, e in ds.valid.orgs.items()}
    lines = [
        f"# 内部报告：基层党建“365”提质升级工程（{progress.today.isoformat()}，{progress.quarter}）",
        "",
        "> 内部资料：含对具体组织和书记的考核评价，不在网站公开。",
        "",
        "## 考核评价（最近一次）",
        "",
        "| 党组织 | 评定日期 | 红黄绿牌 | 原因 | 整改期限 | 星级 | 书记档次 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a in progress.assessments:
        deadline = a.deadline.isoformat() if a.deadline else ""
        cells = [names.get(a.org, a.org), a.date.isoformat(), a.card or "", a.reason or "", deadline, str(a.stars or ""), a.grade or ""]
        lines.append("| " + " | ".join(cells) + " |")
    findings: dict[str, list[str]] = defaultdict(list)
    for d in result.warnings:
        slug = d.path.split("/")[1] if d.path.startswith("organizations/") else "镇级数据"
        findings[slug].append(f"{d.message}（{d.found}）" if d.found else d.message)
    lines += ["", f"## 达标提醒（{sum(len(v) for v in findings.values())} 条）", ""]
    for slug in sorted(findings):
        lines.append(f"- **{names.get(slug, slug)}**（{slug}）：" + "；".join(findings[slug]))
    lines += ["", "## 超过 90 天未核实", ""]
    lines += [f"- {r.name}（{r.slug}）：最近核实 {r.updated.isoformat()}，已 {r.stale_days} 天" for r in progress.stale] or ["- 无"]
    return "\n".join(lines) + "\n"
