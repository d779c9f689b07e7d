"""Feed readers get each item's own time and a summary; crawlers are kept out of the web editor."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from generator.site.exports import robots, summary

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_entries_have_their_own_time_and_a_summary(demo_site: Path) -> None:
    feed = ElementTree.parse(demo_site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50
    for entry in entries:
        published = entry.findtext(f"{ATOM}published")
        assert published and published == entry.findtext(f"{ATOM}updated") and published.endswith("+08:00")
    summaries = [e.findtext(f"{ATOM}summary") or "" for e in entries]
    assert sum(1 for s in summaries if s) >= 45
    assert all("<p>" not in s and "</" not in s and len(s) <= 160 for s in summaries)  # plain text, short
    notices = [e for e in entries if (e.findtext(f"{ATOM}title") or "").startswith("【公示】")]
    assert notices and all((e.findtext(f"{ATOM}summary") or "").startswith("公示期 ") for e in notices)


def test_summary_is_plain_text_cut_at_a_length() -> None:
    assert summary("<p>甲&amp;乙</p>\n<p>丙</p>") == "甲&乙 丙"
    assert summary("<p>" + "字" * 200 + "</p>") == "字" * 120 + "……"


def test_robots_keeps_crawlers_out_of_the_editor(demo_site: Path) -> None:
    text = (demo_site / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /admin/" in text and "Sitemap: https://" in text
    assert robots("https://example.gov.cn/town/") == (
        "User-agent: *\nDisallow: /town/admin/\nSitemap: https://example.gov.cn/town/sitemap.xml\n"
    )
