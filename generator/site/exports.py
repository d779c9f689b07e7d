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


FeedEntry = tuple[dt.date, str, str, str, str]  # date, title, path, category, summary


def _feed_entries(ds: Dataset, views: dict[str, OrgView]) -> list[FeedEntry]:
    """The feed's entries, newest first: published public items and notices that have started."""
    entries: list[FeedEntry] = []
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
    return entries


def _atom(ds: Dataset, entries: list[FeedEntry], site_url: str) -> str:
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
    entries = _feed_entries(ds, views)
    return {
        "data/organizations.json": _json(records),
        "data/organizations.csv": _csv(records),
        "data/organizations.geojson": _geojson(ds, records),
        "feed.xml": _atom(ds, entries, site_url),
        "robots.txt": robots(site_url),
        CATALOG_PATH: catalog(ds, records, entries, site_url),
    }


# The open-data catalog: DCAT-US 1.1 (Project Open Data "data.json"). Chosen over DCAT-AP JSON-LD
# because it is plain JSON with a fixed shape and a published JSON Schema: harvesters (CKAN's
# DCAT and data.json harvesters) and the county builder (generator/county.py) read it without a
# JSON-LD processor, and the file name `data.json` at the site's root is where they look for it.
# US-federal-only fields (bureauCode, programCode) are left out; `hasEmail` too, since the town
# data has no e-mail address (the contact point names the town's office).
CATALOG_PATH = "data.json"
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
ORGANIZATIONS_PATH = "data/organizations.json"  # what the county builder reads from each town


def _distribution(site_url: str, path: str, media_type: str, fmt: str, title: str, description: str) -> dict[str, str]:
    return {
        "@type": "dcat:Distribution",
        "title": title,
        "description": description,
        "downloadURL": site_url + path,
        "mediaType": media_type,
        "format": fmt,
    }


def catalog(ds: Dataset, records: list[dict[str, Any]], entries: list[FeedEntry], site_url: str) -> str:
    """data.json: the town's open data as a DCAT-US 1.1 catalog, dates taken from the data."""
    town = ds.valid.settings
    publisher = {"@type": "org:Organization", "name": town.party_committee}
    contact = {"@type": "vcard:Contact", "fn": town.office.name}
    common = {"publisher": publisher, "contactPoint": contact, "accessLevel": "public", "language": ["zh-CN"]}
    updated = max((r["updated"] for r in records), default=ds.today.isoformat())
    fed = entries[0][0].isoformat() if entries else ds.today.isoformat()
    datasets = [
        {
            "@type": "dcat:Dataset",
            "identifier": site_url + ORGANIZATIONS_PATH,
            "title": f"{town.name}基层党组织名单",
            "description": f"{town.name}全部 {len(records)} 个基层党组织：名称、领域、板块、党员人数、书记、联系方式、位置、党建品牌和网址"
            "。只含网站上公开的内容。",
            "keyword": ["基层党组织", "党建品牌", town.name],
            "modified": updated,
            **common,
            "landingPage": site_url + "data/",
            "distribution": [
                _distribution(site_url, ORGANIZATIONS_PATH, "application/json", "JSON", "组织名单（JSON）", "每个组织一条记录"),
                _distribution(site_url, "data/organizations.csv", "text/csv", "CSV", "组织名单（CSV）", "UTF-8 表格，可用 Excel 打开"),
                _distribution(
                    site_url, "data/organizations.geojson", "application/geo+json", "GeoJSON", "位置和红色风景线", "WGS-84 坐标的点和线路"
                ),
            ],
        },
        {
            "@type": "dcat:Dataset",
            "identifier": site_url + "feed.xml",
            "title": f"{town.name}党务公开和公示更新",
            "description": f"最新的 {FEED_ENTRIES} 条党务公开事项和公示（Atom 订阅）。",
            "keyword": ["党务公开", "公示", town.name],
            "modified": fed,
            **common,
            "landingPage": site_url + "data/#dingyue",
            "distribution": [_distribution(site_url, "feed.xml", "application/atom+xml", "Atom", "更新订阅（Atom）", "RSS 阅读器可订阅")],
        },
    ]
    data = {
        "@context": POD_SCHEMA + "/catalog.jsonld",
        "@id": site_url + CATALOG_PATH,
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": POD_SCHEMA + "/catalog.json",
        "dataset": datasets,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def robots(site_url: str) -> str:
    """Crawlers may read the public site, not the web editor (whose pages also say noindex).
    Crawlers read robots.txt only at a host's root: a site in a subfolder relies on noindex."""
    base = urlsplit(site_url).path or "/"
    return f"User-agent: *\nDisallow: {base}admin/\nSitemap: {site_url}sitemap.xml\n"
