"""Print: 典型案例汇编 booklets and 党务公开栏 bulletin boards, as HTML and as PDF (WeasyPrint).

The same data feeds the web and the wall. Boards are posted inside the organization, so they
carry 党内 items too; they are never part of the website. PDFs are cached by the hash of their
HTML (photos are named by content hash), so an unchanged booklet is not typeset again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from .chars import strip_hidden
from .filemodes import temp_file
from .images import PhotoReport, PhotoSet, is_rendition
from .machine import BuildEnvironmentError, environment_message
from .markup import render_markdown
from .project import Dataset
from .publication import INTERNAL, audience, is_hidden, org_url
from .schema import BANKUAI, REQUIRED_SHIQIANG, SHIQIANG, Collection, Disclosure, Org
from .templating import html_environment
from .valid import ValidItem, ValidOrg


class PrintUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (pango) are missing: a Chinese message."""


@lru_cache(maxsize=1)
def _env() -> Environment:
    return html_environment("print")


def _photo_uri(photos: PhotoReport, slug: str, file: str) -> tuple[str, PhotoSet] | None:
    photo = photos.sets.get((slug, file))
    if photo is None:
        return None
    jpgs = photo.of("jpg")
    best = next((r for r in jpgs if r.width >= 960), jpgs[-1])
    return best.file.resolve().as_uri(), photo


# ------------------------------------------------------------------ booklets


@dataclass(frozen=True)
class BookletCase:
    number: int
    anchor: str
    org: Org
    slug: str
    commentary: str | None
    photos: tuple[tuple[str, PhotoSet], ...]

    @property
    def heading(self) -> str:
        return self.org.brand.name if self.org.brand else self.org.short_name


def booklet_cases(ds: Dataset, collection: Collection, photos: PhotoReport) -> list[BookletCase]:
    cases = []
    for number, case in enumerate(collection.cases, start=1):
        entry = ds.valid.orgs[case.org]
        brand = entry.model.brand
        found = [_photo_uri(photos, case.org, p.file) for p in (brand.photos if brand else [])]
        cases.append(BookletCase(number, f"case-{number}", entry.model, case.org, case.commentary, tuple(f for f in found if f)))
    return cases


def booklet_title(collection: Collection) -> str:
    """The booklet's document title (the PDF's /Title, shown by viewers): the collection's name, which
    a subtitle completes (正题——副题), so a title that is a slogan still says what the booklet is."""
    return f"{collection.title}——{collection.subtitle}" if collection.subtitle else collection.title


def booklet_html(ds: Dataset, collection_id: str, photos: PhotoReport, *, demo: bool) -> str:
    """The booklet as one printable HTML document."""
    collection = ds.valid.collections[collection_id]
    return strip_hidden(
        _env()
        .get_template("booklet.html.j2")
        .render(
            collection=collection,
            title=booklet_title(collection),
            lang=PDF_LANGUAGE,
            cases=booklet_cases(ds, collection, photos),
            town=ds.valid.settings,
            demo=demo,
            BANKUAI=BANKUAI,
        )
    )


# ------------------------------------------------------------------ boards


@dataclass(frozen=True)
class BoardSection:
    heading: str
    items: tuple[Any, ...]  # (date, model, html, photos, internal)


def _item_photos(entry: ValidOrg, item: ValidItem[Disclosure], photos: PhotoReport | None) -> tuple[tuple[str, PhotoSet], ...]:
    if photos is None:
        return ()
    found = [_photo_uri(photos, entry.slug, p.file) for p in item.model.photos]
    return tuple(f for f in found if f)  # a photo that is not there leaves no hole


def board_sections(entry: ValidOrg, today: dt.date, photos: PhotoReport | None = None) -> list[BoardSection]:
    """The 十上墙 headings that apply to the organization, each with this year's items (newest
    first; at least the latest one), then any other items of this year. 党内 items included."""
    sector = entry.model.sector
    required = REQUIRED_SHIQIANG[sector]
    live = [i for i in entry.disclosures if i.date <= today and not is_hidden(i)]
    live.sort(key=lambda i: (i.date, i.name), reverse=True)
    since = dt.date(today.year, 1, 1)
    sections = []
    for heading in SHIQIANG:
        if heading == "两农组织情况" and sector != "村":  # 仅农村
            continue
        items = [i for i in live if i.model.category == heading]
        if not items and heading not in required:
            continue
        current = [i for i in items if i.date >= since] or items[:1]
        sections.append(BoardSection(heading, tuple(_board_item(entry, i, photos) for i in current)))
    others = [i for i in live if i.model.category not in SHIQIANG and i.date >= since]
    if others:
        sections.append(BoardSection("其他公开事项", tuple(_board_item(entry, i, photos) for i in others)))
    return sections


def _board_item(entry: ValidOrg, item: ValidItem[Disclosure], photos: PhotoReport | None) -> tuple[Any, ...]:
    return (item.date, item.model, Markup(render_markdown(item.doc.body)), _item_photos(entry, item, photos), audience(item) == INTERNAL)


def qr_svg(url: str, title: str | None = None) -> Markup:
    """An inline SVG QR code for `url` (segno; medium error correction survives a worn print); its
    <title> is the text alternative a tagged PDF gives the figure."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=4, border=2, dark="#000", light="#fff", title=title))


def board_title(org: Any) -> str:
    """The board's document title: the organization's full name and the board's heading."""
    return f"{org.name}党务公开栏"


QR_TITLE = "二维码：扫码查看网上党务公开"  # the QR code's text alternative (with the address) in the tagged PDF


def board_html(ds: Dataset, slug: str, size: str = "A3", photos: PhotoReport | None = None) -> str:
    entry = ds.valid.orgs[slug]
    town = ds.valid.settings
    url = town.site_url + org_url(slug)
    notices = [
        n for n in entry.notices
        if not is_hidden(n) and n.model.start <= ds.today <= n.model.end
    ]  # fmt: skip
    notices.sort(key=lambda n: (n.model.end, n.name))
    return strip_hidden(
        _env()
        .get_template("board.html.j2")
        .render(
            org=entry.model,
            title=board_title(entry.model),
            lang=PDF_LANGUAGE,
            bankuai=BANKUAI[entry.model.sector],
            sections=board_sections(entry, ds.today, photos),
            notices=[(n.model, Markup(render_markdown(n.doc.body)), audience(n) == INTERNAL) for n in notices],
            url=url,
            qr=qr_svg(url, f"{QR_TITLE} {url}"),
            today=ds.today,
            size=size,
            town=town,
        )
    )


# ------------------------------------------------------------------ PDF


#: How every PDF is written: tagged PDF/UA-1 (a structure tree of the HTML, /MarkInfo, the document's
#: /Lang and title shown by viewers, XMP metadata, images as Figures with their alt text). WeasyPrint
#: takes the title from <title>, the language from <html lang> and the bookmarks from the headings
#: (`bookmark-level` in the print templates). Part of the PDF cache key (`typesetting_inputs`).
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}
PDF_LANGUAGE = "zh-CN"  # the templates' <html lang>, also written into the XMP metadata as dc:language
PDF_REVISION = 2  # what render_pdf does beyond PDF_OPTIONS (2: dc:language in the XMP); in the cache key


def render_pdf(html: str) -> bytes:
    """Typeset with WeasyPrint; fonts come from the system (Debian: fonts-noto-cjk) and are embedded.

    The validator refuses direction controls, control and invisible characters in the data; the
    HTML is cleaned of them here once more (`chars.strip_hidden`), so whatever reaches this
    function never puts a character into the PDF's XML metadata (XMP) that XML cannot hold, and a
    printed board never shows text in another order than it was written."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PrintUnavailable(
            f"无法生成 PDF：WeasyPrint 或其依赖的 pango 库不可用（{exc}）。"
            "Debian/Ubuntu：apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
        ) from exc
    document = HTML(string=strip_hidden(html), base_url=str(Path.cwd()), url_fetcher=_rendition_fetcher()).render(**PDF_OPTIONS)
    _xmp_language(document.metadata)
    return document.write_pdf(**PDF_OPTIONS)


def _xmp_language(metadata: Any) -> None:
    """WeasyPrint's XMP packet has the title but not the language: add dc:language to the same
    rdf:RDF (one packet, one RDF, as XMP wants) when the document names one."""
    from xml.etree import ElementTree

    if not metadata.lang:
        return
    generate = metadata.generate_rdf_metadata
    rdf_ns, dc_ns = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/"

    def with_language(*args: Any, **kwargs: Any) -> bytes:
        for name in ("title", "description", "generator", "lang"):
            if isinstance(getattr(metadata, name, None), str):
                setattr(metadata, name, strip_hidden(getattr(metadata, name)))
        for name in ("authors", "keywords"):
            if isinstance(getattr(metadata, name, None), list):
                setattr(metadata, name, [strip_hidden(v) if isinstance(v, str) else v for v in getattr(metadata, name)])
        rdf = ElementTree.fromstring(generate(*args, **kwargs))
        description = ElementTree.SubElement(rdf, f"{{{rdf_ns}}}Description", {f"{{{rdf_ns}}}about": ""})
        bag = ElementTree.SubElement(ElementTree.SubElement(description, f"{{{dc_ns}}}language"), f"{{{rdf_ns}}}Bag")
        ElementTree.SubElement(bag, f"{{{rdf_ns}}}li").text = metadata.lang
        return ElementTree.tostring(rdf, encoding="utf-8")

    metadata.generate_rdf_metadata = with_language


def _rendition_fetcher() -> Any:
    """A WeasyPrint fetcher that loads only our renditions from the photo cache (decoded,
    re-encoded, no metadata): never a source photo, another file on the machine, or the network."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    class RenditionFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not is_rendition(Path(unquote(parts.path))):
                raise ValueError(f"not a photo rendition: {url[:200]}")
            return super().fetch(url, headers)

    return RenditionFetcher(allowed_protocols=("file",))


@lru_cache(maxsize=1)
def typesetting_inputs() -> str:
    """Everything besides the HTML that changes a PDF's bytes: the options WeasyPrint is called with
    (tagged PDF/UA, XMP), the typesetting libraries' versions and the fonts fontconfig would give them
    (file, version, size)."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"options={sorted(PDF_OPTIONS.items())}|revision={PDF_REVISION}"]
    for package in ("weasyprint", "pydyf", "fonttools", "pillow"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=none")
    if shutil.which("fc-list"):
        listed = subprocess.run(
            ["fc-list", "--format", "%{file}|%{fontversion}|%{family}\n", ":lang=zh"], capture_output=True, text=True, check=False
        )
        for line in sorted(set(listed.stdout.splitlines())):
            file = line.split("|", 1)[0]
            size = os.path.getsize(file) if os.path.isfile(file) else -1
            parts.append(f"{line}|{size}")
    return "\n".join(parts)


def cached_pdf(html: str, cache_dir: Path) -> tuple[Path, bool]:
    """The PDF of `html` in the cache, typeset only when missing. Returns (path, typeset now).
    The key holds the HTML and every other input of the bytes (`typesetting_inputs`)."""
    key = hashlib.sha256((typesetting_inputs() + "\0" + html).encode()).hexdigest()
    target = cache_dir / key[:2] / f"{key}.pdf"
    if target.is_file():
        return target, False
    data = render_pdf(html)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_file(target.parent, suffix=".pdf")  # the mode of open(), not mkstemp's 0600: the site links it
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, target)  # atomic: concurrent builds never see half a file
    except OSError as exc:  # the machine (disk full, read-only cache), not the data
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise BuildEnvironmentError(environment_message(exc.errno, str(exc.filename or target.parent), exc.strerror or "")) from exc
    return target, True
