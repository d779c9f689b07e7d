"""Render every generated page and data file of the public site, as {path in docs: content}.

No MkDocs here: the plugin adapter hands these to MkDocs as generated files. Pages are
Markdown with a front-matter title; their bodies are HTML rendered by autoescaping Jinja2
templates, so text from the data is always escaped, and Markdown fields come pre-cleaned.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from .. import manifest
from ..charts import bar_chart
from ..dates import quarter_label
from ..images import PhotoReport, PhotoSet
from ..progress import compute
from ..publication import brand_url, org_url, url_path
from ..schema import SHIQIANG, Basemap
from ..svgmap import BANKUAI_STYLE, BaseMap, MapLine, MapPlace, MapPoint, MapRoute, draw, legend
from ..templating import html_environment
from ..validate import Result
from . import exports
from .freshness import Day, newest, notice_dates, org_dates, profile_dates, town_dates
from .theme import REDIRECT_POLICY
from .tianditu import IMG_SOURCES, SHIPPED, Leaflet, map_data, tianditu_key
from .views import BANKUAI_ORDER, OrgView, build_org_views, closed_notices, figures, open_notices, upcoming_notices

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


@dataclass(frozen=True)
class Page:
    """A generated page: Markdown (front matter, title, section headings) with placeholders
    where finished HTML fragments go. The fragments never pass through Markdown: nothing a
    clerk wrote can be re-read as Markdown, and MkDocs does not re-parse large HTML."""

    markdown: str
    fragments: tuple[str, ...]
    lastmod: dt.date | None = None  # when what the page shows last changed (generator.site.freshness)
    img_src: tuple[str, ...] = ()  # hosts this page may load images from besides the site (the 天地图 tiles; generator.site.tianditu)

    def filled(self, html: str | None = None) -> str:
        """`html` (the Markdown rendered) or the Markdown itself, with the fragments put in."""
        return fill(self.markdown if html is None else html, self.fragments)


_PLACEHOLDER = re.compile(r"<!--p365:(\d+)-->")


def fill(html: str, fragments: tuple[str, ...]) -> str:
    return _PLACEHOLDER.sub(lambda m: fragments[int(m.group(1))], html)


class _Fragments:
    """Collects `{% call block() %}…{% endcall %}` regions of one page."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def __call__(self, caller: Callable[[], str]) -> Markup:
        self.items.append(caller().strip("\n"))
        return Markup(f"<!--p365:{len(self.items) - 1}-->")


@dataclass(frozen=True)
class SiteOptions:
    site_url: str
    site_name: str
    town_name: str
    demo: bool


def _md_text(value: str) -> Markup:
    """Plain text made safe for a Markdown heading: HTML-escaped and Markdown-escaped, once.
    Markup, so the template's autoescaping does not escape it a second time (a name with "&"
    showed "&amp;")."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # no quotes: "&#39;" has a "#"
    return Markup(_MD_SPECIAL.sub(r"\\\1", value))


def relative(from_dir: str, target: str) -> str:
    """A link (a percent-encoded URL) from a page at directory URL `from_dir` (e.g. "dangwu/a/")
    to the site path `target` (a file or a directory, never with a query or fragment)."""
    if target.endswith("/") or target == "":
        rel = posixpath.relpath(target.rstrip("/") or ".", from_dir.rstrip("/") or ".")
        return "./" if rel == "." else url_path(rel + "/")
    return url_path(posixpath.relpath(target, from_dir.rstrip("/") or "."))


def _environment() -> Environment:
    env = html_environment("site", keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}  # readable front matter
    env.filters["md"] = _md_text
    env.globals["BANKUAI_ORDER"] = BANKUAI_ORDER
    env.globals["SHIQIANG_IDS"] = {h: f"shiqiang-{n}" for n, h in enumerate(SHIQIANG, 1)}  # stable anchors for the ten headings
    env.globals["BANKUAI_IDS"] = dict(zip(BANKUAI_ORDER, ("jiguan", "cun-shequ", "qiye"), strict=True))
    return env


class SiteBuilder:
    """Renders pages for one validated town."""

    def __init__(
        self, result: Result, options: SiteOptions, photos: PhotoReport, booklets: dict[str, Path], leaflet: Leaflet | None = None
    ) -> None:
        self.result = result
        self.ds = result.dataset
        self.options = options
        self.env = _environment()
        self.views = build_org_views(self.ds)
        self.photos = photos
        self.booklets = booklets
        self.leaflet = leaflet  # the pinned map library, when the town set a 天地图 key and it is installed
        self.files: dict[str, str | bytes | Path | Page] = {}

    def _photo(self, slug: str, file: str) -> PhotoSet | None:
        return self.photos.sets.get((slug, file))

    def _render_page(
        self, template: str, page_dir: str, path: str, lastmod: Sequence[Day], img_src: tuple[str, ...] = (), **context: Any
    ) -> None:
        def url(target: str) -> str:
            return relative(page_dir, target)

        block = _Fragments()
        markdown = self.env.get_template(template).render(
            block=block,
            site=self.options,
            today=self.ds.today,
            url=url,
            views=self.views,
            photo=self._photo,
            org_url=org_url,
            brand_url=brand_url,
            **context,
        )
        self.files[path] = Page(markdown, tuple(block.items), newest(lastmod, self.ds.today), img_src)

    def build(self) -> dict[str, str | bytes | Path | Page]:
        for step in self._steps():
            step()
        return self.files

    def _steps(self) -> list[Callable[[], None]]:
        return [
            self._render_home,
            self._render_org_index,
            self._render_org_pages,
            self._render_notices,
            self._render_brand_index,
            self._render_brand_pages,
            self._render_map,
            self._render_progress,
            self._render_collections,
            self._render_open_data,
            self._render_redirects,
            self._add_photos,
            self._write_manifest,
        ]

    def _render_collections(self) -> None:
        collections = dict(self.ds.valid.collections)
        dates = [c.date for c in collections.values()]
        self._render_page("anli_index.md.j2", "anli/", "anli/index.md", dates, collections=collections, booklets=self.booklets)
        for cid, collection in collections.items():
            cases = [(case, self.views[case.org]) for case in collection.cases if case.org in self.views]
            self._render_page(
                "anli.md.j2",
                f"anli/{cid}/",
                f"anli/{cid}.md",
                [collection.date, *profile_dates(view for _, view in cases)],
                cid=cid,
                collection=collection,
                cases=cases,
                booklet=cid in self.booklets,
            )
            if cid in self.booklets:
                self.files[f"anli/{cid}.pdf"] = self.booklets[cid]

    def _render_progress(self) -> None:
        progress = compute(self.ds)
        measures = [m for t in progress.tasks for m in t.measures]
        self._render_page(
            "jindu.md.j2",
            "jindu/",
            "jindu/index.md",
            town_dates(self.views, self.ds.valid.assessments),
            progress=progress,
            overview=Markup(bar_chart(measures, "各项任务达标比例", "overview")),
        )

    def _render_map(self) -> None:
        page_dir = "fengjingxian/"
        points = [
            MapPoint(
                slug=v.slug,
                name=v.short_name,
                lat=location.lat,
                lon=location.lon,
                bankuai=v.bankuai,
                batch=v.brand.batch if v.brand else "",
                level=v.brand.level if v.brand else "",
                href=relative(page_dir, brand_url(v.slug) if v.brand else org_url(v.slug)),
            )
            for v in self.views.values()
            if (location := v.model.location) is not None
        ]
        town_routes = self.ds.valid.routes.routes if self.ds.valid.routes else []
        routes = [MapRoute(r.id, r.name, r.color, tuple(s for s in r.stops if s in self.views)) for r in town_routes]
        basemap = _basemap(self.ds.valid.routes.basemap if self.ds.valid.routes else None)
        key = tianditu_key(self.ds.valid.town)
        tianditu = None
        if key is not None and self.leaflet is not None:  # the reader's switch, and the files it loads
            tianditu = map_data(key, points, routes, relative(page_dir, SHIPPED))
            self.files.update(self.leaflet.files)
        self._render_page(
            "fengjingxian.md.j2",
            page_dir,
            "fengjingxian/index.md",
            profile_dates(self.views.values()),
            IMG_SOURCES if tianditu else (),
            tianditu=tianditu,
            svg=Markup(draw(points, routes, f"{self.options.town_name}红色风景线示意图", basemap)),
            legend=Markup(legend(routes, basemap)),
            map_css={bankuai: style[0] for bankuai, style in BANKUAI_STYLE.items()},
            routes=town_routes,
            demo_sites=[v for v in self.views.values() if v.brand and v.brand.level == "区级示范点"],
            groups={b: sorted((v for v in self.views.values() if v.bankuai == b), key=lambda v: v.short_name) for b in BANKUAI_ORDER},
        )

    def _add_photos(self) -> None:
        self.files.update(self.photos.files())

    def _write_manifest(self) -> None:
        """What this build publishes, for the next build to compare with (generator.manifest)."""
        urls = manifest.page_urls(self.files)
        shown = {url: page.filled() for url, path in urls.items() if isinstance(page := self.files[path], Page)}
        records = manifest.public_records(self.ds, shown)
        photos = sorted(self.photos.files())
        self.files[manifest.MANIFEST_PATH] = manifest.manifest_json(records, self.options.site_url, list(urls), photos)

    def _render_home(self) -> None:
        dates = town_dates(self.views, self.ds.valid.assessments)
        if newest(dates, self.ds.today) is None:  # a town without dated data yet: the page is as of today
            dates = [self.ds.today]
        self._render_page(
            "home.md.j2",
            "",
            "index.md",
            dates,
            figures=figures(self.ds, self.views),
            notices=open_notices(self.views),  # the page shows 5; the rest replace those that end before it is read
            upcoming=upcoming_notices(self.views),  # apart; each joins the open ones on its first day
            quarter=quarter_label(self.ds.today),
            plan=self.ds.valid.plan,
        )

    def _render_org_index(self) -> None:
        groups = {b: [v for v in self.views.values() if v.bankuai == b] for b in BANKUAI_ORDER}
        dates = [*profile_dates(self.views.values()), *(v.last_published for v in self.views.values())]  # it shows 最近公开
        self._render_page("dangwu_index.md.j2", "dangwu/", "dangwu/index.md", dates, groups=groups)

    def _render_org_pages(self) -> None:
        for slug, view in self.views.items():
            self._render_page("org.md.j2", org_url(slug), f"dangwu/{slug}.md", org_dates(view), org=view)

    def _render_notices(self) -> None:
        self._render_page(
            "gongshi.md.j2",
            "gongshi/",
            "gongshi/index.md",
            [d for v in self.views.values() for n in v.notices for d in notice_dates(n)],
            open=open_notices(self.views),
            upcoming=upcoming_notices(self.views),
            closed=closed_notices(self.views),
        )

    def _brand_views(self) -> list[OrgView]:
        return [v for v in self.views.values() if v.brand is not None]

    def _render_brand_index(self) -> None:
        brands = self._brand_views()
        pairs = [(v, b) for v in brands if (b := v.model.brand) is not None]
        facets = {
            "板块": [(x, [v for v in brands if v.bankuai == x]) for x in BANKUAI_ORDER],
            "批次": [(x, [v for v, b in pairs if b.batch == x]) for x in ("一期", "二期")],
            "类型": [(x, [v for v, b in pairs if b.model == x]) for x in ("服务效能型", "美丽和谐型", "同频共振型")],
            "级别": [(x, [v for v, b in pairs if b.level == x]) for x in ("区级示范点", "镇级")],
        }
        self._render_page("pinpai_index.md.j2", "pinpai/", "pinpai/index.md", profile_dates(brands), brands=brands, facets=facets)

    def _render_brand_pages(self) -> None:
        for view in self._brand_views():
            self._render_page("brand.md.j2", brand_url(view.slug), f"pinpai/{view.slug}.md", profile_dates([view]), org=view)

    def _render_open_data(self) -> None:
        self._render_page("data.md.j2", "data/", "data/index.md", profile_dates(self.views.values()))  # the files it offers
        self.files.update(exports.export_files(self.ds, self.views, self.options.site_url))

    def _render_redirects(self) -> None:
        renames = self.ds.valid.renames
        for rename in renames.renames if renames else []:
            for old_dir, new_dir in ((org_url(rename.old), org_url(rename.new)), (brand_url(rename.old), brand_url(rename.new))):
                if new_dir.startswith("pinpai/") and rename.new not in {v.slug for v in self._brand_views()}:
                    continue
                self.files[f"{old_dir}index.html"] = self.env.get_template("redirect.html.j2").render(
                    target=relative(old_dir, new_dir), absolute=self.options.site_url + new_dir, csp=Markup(REDIRECT_POLICY)
                )


def build_site(
    result: Result, options: SiteOptions, photos: PhotoReport | None = None, booklets: dict[str, Path] | None = None
) -> dict[str, str | bytes | Path | Page]:
    """Every generated file of the site. `result` must have no errors; photos and booklets come made."""
    return SiteBuilder(result, options, photos or PhotoReport(), booklets or {}).build()


def options_from_town(result: Result) -> SiteOptions:
    town = result.dataset.valid.settings
    return SiteOptions(site_url=town.site_url, site_name=town.site_name, town_name=town.name, demo=town.demo)


def _basemap(model: Basemap | None) -> BaseMap | None:
    """routes.yml `basemap:` (schema.Basemap) as the drawing's plain records."""
    if model is None:
        return None

    def lines(items: Any) -> tuple[MapLine, ...]:
        return tuple(MapLine(f.name, tuple((p.lat, p.lon) for p in f.line)) for f in items)

    centre = model.centre
    return BaseMap(
        rivers=lines(model.rivers),
        roads=lines(model.roads),
        centre=MapPlace(centre.name, centre.at.lat, centre.at.lon, centre.radius) if centre is not None else None,
        landmarks=tuple(MapPlace(m.name, m.at.lat, m.at.lon) for m in model.landmarks),
    )
