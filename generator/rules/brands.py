"""Brand rule: the brand model fits the sector, 区级示范点 are 一期, quotas are not exceeded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..diagnostics import Diagnostic, Severity
from ..loader import position
from ..project import Dataset
from ..schema import BRAND_MODEL_BY_SECTOR

RULES = {
    "brand-model": "品牌类型与所属领域不符",
    "brand-level": "区级示范点必须是一期品牌",
    "brand-quota": "品牌数超过镇里的指标（仅警告）",
}


def counts(ds: Dataset) -> Counter[str]:
    """Brand projects by batch, and 区级示范点."""
    tally: Counter[str] = Counter()
    for entry in ds.valid.orgs.values():
        brand = entry.model.brand
        if brand is not None:
            tally[brand.batch] += 1
            tally[brand.level] += 1
    return tally


def check(ds: Dataset) -> Iterator[Diagnostic]:
    for entry in ds.valid.orgs.values():
        org = entry.model
        if org.brand is None:
            continue
        expected = BRAND_MODEL_BY_SECTOR[org.sector]
        if org.brand.model != expected:
            pos = position(entry.doc.data, ("brand", "model"))
            yield Diagnostic.at(
                entry.doc.path,
                pos,
                rule="brand-model",
                message=f"{org.sector}党组织的品牌类型应为“{expected}”",
                found=org.brand.model,
                fix=f"改为 model: {expected}",
            )
        if org.brand.level == "区级示范点" and org.brand.batch != "一期":
            pos = position(entry.doc.data, ("brand", "level"))
            yield Diagnostic.at(
                entry.doc.path,
                pos,
                rule="brand-level",
                message="区级示范点都在一期品牌里",
                found=f"{org.brand.batch}·{org.brand.level}",
                fix="如果确是区级示范点，批次改为 一期；否则 level 改为 镇级",
            )
    town = ds.valid.town
    if town is None:
        return
    tally = counts(ds)
    doc = ds.town_docs["town"]
    for key, label, have in (
        ("batch1", "一期品牌", tally["一期"]),
        ("batch2", "二期品牌", tally["二期"]),
        ("demo_sites", "区级示范点", tally["区级示范点"]),
    ):
        quota = getattr(town.quotas, key)
        if have > quota:
            pos = position(doc.data, ("quotas", key))
            yield Diagnostic.at(
                doc.path,
                pos,
                severity=Severity.WARNING,
                rule="brand-quota",
                message=f"{label}有 {have} 个，超过指标 {quota} 个",
                found=str(have),
                fix="核对各组织 org.yml 里 brand 的 batch 和 level，或调整指标",
            )
