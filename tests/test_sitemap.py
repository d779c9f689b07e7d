"""The sitemap's lastmod is when what a page shows last changed, from the data, not the build date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree

from conftest import REPO, TODAY, Town, disclosure_md, notice_md

from generator.site.build import Page, build_site, options_from_town

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _lastmods(town: Town) -> dict[str, dt.date | None]:
    result = town.validate()
    assert not result.errors, result.errors
    files = build_site(result, options_from_town(result))
    return {path: page.lastmod for path, page in files.items() if isinstance(page, Page)}


def test_each_page_is_dated_by_the_newest_data_it_shows(town: Town) -> None:
    town.add_org("a-cun")  # org.yml updated 2026-11-01, items in October
    town.write("organizations/a-cun/disclosures/2026-11-20-liangwu.md", disclosure_md("两务公开"))
    org_b = town.add_org("b-cun", current=False)
    org_b.write_text(org_b.read_text(encoding="utf-8").replace("updated: 2026-11-01", "updated: 2026-09-01"), encoding="utf-8")
    town.write("organizations/b-cun/disclosures/2026-12-01-later.md", disclosure_md("两务公开"))  # not shown before its day
    town.write("organizations/b-cun/notices/2026-08-17-fazhan.md", notice_md("2026-08-17", "2026-08-21"))
    dates = _lastmods(town)
    day = dt.date.fromisoformat
    assert dates["dangwu/a-cun.md"] == day("2026-11-20")  # its newest item
    assert dates["dangwu/b-cun.md"] == day("2026-09-01")  # org.yml's updated; the December item is not out yet
    assert dates["gongshi/index.md"] == day("2026-08-22")  # the day the notice closed
    assert dates["dangwu/index.md"] == day("2026-11-20")  # it shows each organization's 最近公开
    assert dates["data/index.md"] == day("2026-11-01")  # the organizations' files
    assert dates["index.md"] == dates["jindu/index.md"] == day("2026-11-20")  # the whole town
    assert all(d <= TODAY for d in dates.values() if d is not None), dates
    undated = {path for path, d in dates.items() if d is None}
    assert undated == {"pinpai/index.md", "anli/index.md"}  # no brands, no collections: nothing to date them by


def test_a_notice_dates_the_pages_on_the_day_it_opens_and_the_day_after_it_ends(town: Town) -> None:
    town.add_org("a-cun")
    town.write("organizations/a-cun/notices/2026-11-18-fazhan.md", notice_md("2026-11-18", "2026-11-24"))
    assert _lastmods(town)["gongshi/index.md"] == dt.date(2026, 11, 25)  # 已结束 from then on
    (town.root / "organizations/a-cun/notices/2026-11-18-fazhan.md").unlink()
    town.write("organizations/a-cun/notices/2026-11-23-fazhan.md", notice_md("2026-11-23", "2026-11-30"))
    dates = _lastmods(town)
    assert dates["gongshi/index.md"] == dt.date(2026, 11, 23)  # opened; the end is still to come
    assert dates["dangwu/a-cun.md"] == dt.date(2026, 11, 23)


def test_the_demo_sitemap_carries_the_data_dates(demo_site: Path) -> None:
    import yaml

    root = ElementTree.parse(demo_site / "sitemap.xml").getroot()
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}
    base = "https://dangjian.chunjiang.example.cn/"
    assert urls[base + "guide/"] is None  # hand-written: no data date, and not the build date either
    dated = {url: dt.date.fromisoformat(d) for url, d in urls.items() if d}
    assert len(dated) == len(urls) - 1
    assert len(set(dated.values())) >= 10  # was: the build date on every page
    assert max(dated.values()) <= TODAY and dated[base] == max(dated.values())  # the home page sums up the town
    for org in sorted((REPO / "organizations").iterdir()):
        if (org / "org.yml").is_file() and base + f"dangwu/{org.name}/" in dated:
            updated = yaml.safe_load((org / "org.yml").read_text(encoding="utf-8"))["updated"]
            assert dated[base + f"dangwu/{org.name}/"] >= dt.date.fromisoformat(str(updated)), org.name
    assert re.search(r"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>", (demo_site / "sitemap.xml").read_text(encoding="utf-8"))
