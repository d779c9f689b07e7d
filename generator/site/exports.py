"""Open data: organizations as JSON, CSV and GeoJSON, and an Atom feed of new public items.

Only what the public pages show is exported: no 党内 items, no assessments of named people.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ..dates import CHINA
from ..markup import render_markdown
from ..project import Dataset
from ..publication import brand_url, is_hidden, is_published, item_url, org_url
from .views import OrgView

FEED_ENTRIES = 50
CSV_FIELDS = (
    "slug", "name", "short_name", "kind", "sector", "bankuai", "members", "secretary", "phone", "address",
    "lat", "lon", "brand", "brand_batch", "brand_level", "brand_model", "updated", "url",
)  # fmt: skip


def _org_record(view: OrgView, site_url: str) -> dict[str, Any]:
    m = view.model
    brand = m.brand
    return {
        "slug": view.slug,
        "name": m.name,
        "short_name": m.short_name,
        "kind": m.kind,
        "sector": m.sector,
        "bankuai": view.bankuai,
        "members": m.members.total,
        "secretary": f"{m.secretary.title} {m.secretary.name}",
        "phone": m.contact.phone or "",
        "address": m.contact.address or "",
        "lat": m.location.lat if m.location else None,
        "lon": m.location.lon if m.location else None,
        "brand": brand.name if brand else "",
        "brand_batch": brand.batch if brand else "",
        "brand_level": brand.level if brand else "",
        "brand_model": brand.model if brand else "",
        "updated": m.updated.isoformat(),
        "url": site_url + org_url(view.slug),
        "brand_url": site_url + brand_url(view.slug) if brand else "",
        "partners": view.partners,
    }


def _json(records: list[dict[str, Any]]) -> str:
    return json.dumps({"organizations": records}, ensure_ascii=False, indent=1) + "\n"


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection");
# the full-width forms too, since an input method may type them and some spreadsheets fold them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> Any:
    """A value safe to put in a CSV cell: text that would start a formula gets a leading `'`
    (shown by spreadsheets as text); numbers stay numbers, so a negative longitude is still -0.5."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = str(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def _csv(records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: csv_cell(record[k]) for k in CSV_FIELDS})
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")  # BOM: Excel opens it as UTF-8


def _geojson(ds: Dataset, records: list[dict[str, Any]]) -> str:
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {k: r[k] for k in ("slug", "short_name", "sector", "bankuai", "brand", "brand_batch", "brand_level", "url")},
        }
        for r in records
        if r["lat"] is not None
    ]
    by_slug = {r["slug"]: r for r in records}
    routes = ds.valid.routes
    for route in routes.routes if routes else []:
        points = [by_slug[s] for s in route.stops if s in by_slug and by_slug[s]["lat"] is not None]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[p["lon"], p["lat"]] for p in points]},
                "properties": {"route": route.id, "name": route.name, "color": route.color, "stops": route.stops},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n"


def _timestamp(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CHINA).isoformat()


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Text for the feed: characters XML cannot hold dropped, then escaped (quotes too, for attributes)."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


SUMMARY_CHARS = 120
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def summary(markup: str) -> str:
    """The first words of an item as plain text, for a feed reader's list."""
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rstrip() + "……"


def _atom(ds: Dataset, views: dict[str, OrgView], site_url: str) -> str:
    entries: list[tuple[dt.date, str, str, str, str]] = []  # date, title, path, category, summary
    for slug, view in views.items():
        entry = ds.valid.orgs[slug]
        for item in entry.disclosures:
            if is_published(item, ds.today) and not is_hidden(item):
                m = item.model
                about = summary(render_markdown(item.doc.body))
                entries.append((item.date, f"{view.short_name}：{m.title}", item_url(slug, item.file.stem), m.category, about))
        for notice in view.notices:
            if notice.withdrawn is None and notice.start <= ds.today:
                about = f"公示期 {notice.start.isoformat()} 至 {notice.end.isoformat()}。{summary(notice.html)}"
                entries.append((notice.start, f"【公示】{view.short_name}：{notice.title}", item_url(slug, notice.anchor), "公示", about))
    entries.sort(key=lambda e: (e[0], e[2]), reverse=True)
    town = ds.valid.settings
    updated = _timestamp(entries[0][0]) if entries else _timestamp(ds.today)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <title>{_text(town.site_name)}：党务公开和公示</title>",
        f'  <link href="{_text(site_url)}" />',
        f'  <link rel="self" href="{_text(site_url)}feed.xml" />',
        f"  <id>{_text(site_url)}</id>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{_text(town.party_committee)}</name></author>",
    ]
    for day, title, path, category, about in entries[:FEED_ENTRIES]:
        url = site_url + path
        lines += [
            "  <entry>",
            f"    <title>{_text(title)}</title>",
            f'    <link href="{_text(url)}" />',
            f"    <id>{_text(url)}</id>",
            f"    <published>{_timestamp(day)}</published>",
            f"    <updated>{_timestamp(day)}</updated>",
            f'    <category term="{_text(category)}" />',
            *([f"    <summary>{_text(about)}</summary>"] if about else []),
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def export_files(ds: Dataset, views: dict[str, OrgView], site_url: str) -> dict[str, str | bytes]:
    records = [_org_record(v, site_url) for v in views.values()]
    return {
        "data/organizations.json": _json(records),
        "data/organizations.csv": _csv(records),
        "data/organizations.geojson": _geojson(ds, records),
        "feed.xml": _atom(ds, views, site_url),
        "robots.txt": robots(site_url),
    }


def robots(site_url: str) -> str:
    """Crawlers may read the public site, not the web editor (whose pages also say noindex).
    Crawlers read robots.txt only at a host's root: a site in a subfolder relies on noindex."""
    base = urlsplit(site_url).path or "/"
    return f"User-agent: *\nDisallow: {base}admin/\nSitemap: {site_url}sitemap.xml\n"
