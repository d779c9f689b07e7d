"""The MkDocs adapter: the only module that imports MkDocs.

It translates MkDocs events into calls to the core:
- `on_config`: the site's identity from town.yml, the party365 CSS and JS;
- `on_pre_build`: validate the town, render photos and PDFs, render every page (before MkDocs
  cleans the site directory, so invalid data leaves the last good site untouched);
- `on_files`: the generated pages, data files, photos and booklets as `File.generated`, and the
  web editor's pages under admin/ (`generator.cms`; plain HTML files, so MkDocs copies them as they are);
- `on_env`: mark the inline scripts of the theme's templates (see `site.theme`);
- `on_page_content`: the finished HTML fragments into the pages' Markdown skeletons, the
  page's front matter escaped for the theme, and its sitemap date from the data (`Page.lastmod`);
- `on_nav`, `on_page_markdown`, `on_post_page`: a generated page whose inputs did not change since
  the last build comes from the page cache (`generator.pagecache`): its Markdown is not converted
  and the theme renders an empty template for it; the cached HTML is put back in `on_post_page`;
- `on_post_page`, `on_post_template`: every HTML page sealed with its Content-Security-Policy;
- `on_post_build`: Pagefind indexes the finished pages (`site.search`: the templates decide what is
  indexed, the adapter only runs the indexer; a rebuild under `mkdocs serve` reuses the previous
  bundle, since Pagefind has no incremental mode); last of all, the finished site is switched into
  place (`generator.staging`: MkDocs writes into a staging directory, so a
  killed or failed build never leaves a half-written site);
- `on_build_error`: the staging directory is dropped, the previous site stays;
- `on_serve`: watch organizations/ and content/_town/.
A DataError becomes a PluginError here and nowhere else.

The theme's templates do not autoescape: everything this adapter hands them from data (site
name, footer numbers, page titles and descriptions) is escaped text made by `site.theme`; the
templates in overrides/ print it as it is.
"""

from __future__ import annotations

import html as html_module
import json
import logging
import os
import shutil
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage

from . import cache
from .cms import Skipped, site_files
from .diagnostics import DataError, format_text
from .machine import BuildEnvironmentError, environment_message
from .pagecache import Entry, PageCache, page_key
from .project import ORGS_DIR, TOWN_DIR
from .site import generate, read_town
from .site.build import Page
from .site.search import INDEX_DIR, SearchIndexError, index_site
from .site.theme import mark_inline_scripts, new_token, seal, theme_meta, theme_text
from .staging import Staging, StagingError

log = get_plugin_logger("party365")

ASSETS = ("party365.css", "party365.js")
CACHED_TEMPLATE = "party365-cached-page.html"  # an empty template: a cached page's HTML is put back in on_post_page
# What every page's HTML depends on besides its own source: these libraries, this code, the config, the navigation.
_RENDERING_LIBRARIES = ("mkdocs", "properdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe", "pygments")
_CONFIG_KEYS = (
    "site_name", "site_url", "site_description", "site_author", "copyright", "repo_url", "repo_name", "edit_uri",
    "extra", "extra_css", "extra_javascript", "use_directory_urls", "markdown_extensions", "mdx_configs",
)  # fmt: skip


class Party365Config(base.Config):
    root = c.Optional(c.Dir(exists=True))
    """The town repository (holds organizations/ and content/_town/). Default: the folder of mkdocs.yml."""

    compliance_as_warnings = c.Type(bool, default=False)
    """Log compliance findings (space, 十上墙 coverage …) as warnings, so `--strict` fails on them.
    Off by default: they are progress data for the dashboard, not defects of the build."""


class _WarningCount(logging.Handler):
    """Counts the warnings of a build, as MkDocs does for `--strict` (which aborts after
    on_post_build): a build that strict mode will refuse is never switched in."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _MarkingLoader(jinja2.BaseLoader):
    """The theme's template loader, with the inline scripts of every template source marked."""

    def __init__(self, inner: jinja2.BaseLoader, token: str) -> None:
        self.inner = inner
        self.token = token

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template == CACHED_TEMPLATE:
            return "", None, lambda: True
        source, filename, uptodate = self.inner.get_source(environment, template)
        return mark_inline_scripts(source, self.token), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class _LinkedFile(File):
    """A file copied from a cache into the site as a hard link (a copy where links cannot be
    made): photo renditions, booklets and the editor's bundle, thousands of files in a large
    town, which MkDocs would copy byte by byte into every new staging directory. Safe because
    the caches never change a file in place (a new entry is written beside and renamed in)."""

    def copy_file(self, dirty: bool = False) -> None:
        if self.abs_src_path is None or (dirty and not self.is_modified()):
            return super().copy_file(dirty)
        target = self.abs_dest_path
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.lexists(target):
            os.unlink(target)
        _link_or_copy(self.abs_src_path, target)
        return None


class Party365Plugin(BasePlugin[Party365Config]):
    def __init__(self) -> None:
        self._generated: dict[str, str | bytes | Path | Page] = {}
        self._root = Path()
        self._staging: Staging | None = None
        self._warnings = _WarningCount()
        self._token = new_token()
        self._serving = False
        self._pages: PageCache | None = None
        self._common = ""  # the part of every page's cache key that all pages share ("" = no page cache this build)
        self._keys: dict[str, str] = {}  # src_uri: cache key of a page rendered in this build
        self._cached: dict[str, Entry] = {}  # src_uri: a page served from the cache, until on_post_page

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        town = read_town(self._root)
        if town is not None:  # town.yml is the one source of the site's identity
            config.site_name = theme_text(town.site_name)
            config.site_url = town.site_url
            config.extra.update(
                demo=town.demo,
                **{key: theme_text(value) if value else value for key, value in
                   (("icp", town.icp), ("police_record", town.police_record), ("site_code", town.site_code))},
            )  # fmt: skip
        for asset in ASSETS:
            target = config.extra_css if asset.endswith(".css") else config.extra_javascript
            if f"assets/{asset}" not in target:
                target.append(f"assets/{asset}")
        self._stage(config)
        return config

    def _stage(self, config: MkDocsConfig) -> None:
        """Send MkDocs's output to a fresh staging directory (switched in by `_publish`)."""
        self._staging = Staging(Path(config.site_dir).resolve())
        try:
            config.site_dir = str(self._staging.start())
        except StagingError as exc:
            raise PluginError(str(exc)) from exc
        logger = logging.getLogger("mkdocs")
        logger.removeHandler(self._warnings)
        self._warnings = _WarningCount()
        if config.strict:
            logger.addHandler(self._warnings)

    @event_priority(-100)  # after every other plugin has written its files
    def _publish(self, *, config: MkDocsConfig) -> None:
        staging, self._staging = self._staging, None
        if staging is None or self._warnings.count:  # strict mode aborts next: on_build_error cleans up
            self._staging = staging
            return
        try:
            staging.finish()
        except StagingError as exc:
            staging.abandon()
            raise PluginError(str(exc)) from exc
        config.site_dir = str(staging.site_dir)  # for commands that go on with it (gh-deploy)
        if self._pages is not None and self._common:
            self._pages.prune()  # entries of pages this complete build did not show
            log.info(f"页面缓存：沿用 {self._pages.hits} 个页面，重新生成 {len(self._keys)} 个")
        log.info(f"网站已完整生成，并整体替换了 {staging.site_dir}")
        logging.getLogger("mkdocs").removeHandler(self._warnings)

    def on_build_error(self, *, error: Exception) -> None:
        if self._staging is not None:
            self._staging.abandon()
            self._staging = None
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        if isinstance(error, OSError):  # the machine's fault, not the data's: say so, without a traceback
            detail = error.strerror or ""
            raise Abort(
                environment_message(error.errno, str(error.filename or "网站目录"), detail, consequence="原有网站没有改动")
            ) from error

    def on_pre_build(self, config: MkDocsConfig) -> None:
        try:
            generated = generate(self._root)
        except BuildEnvironmentError as exc:
            raise PluginError(exc.message) from exc
        except DataError as exc:
            errors = [d for d in exc.diagnostics if d.is_error]
            raise PluginError(f"数据有 {len(errors)} 个错误，网站没有生成（原有网站目录未改动）：\n{exc}") from exc
        self._generated = generated.files
        log.info(f"照片：新处理 {generated.photos_processed} 张，使用缓存 {generated.photos_reused} 张")
        if generated.print_problem:
            log.info(f"案例汇编的 PDF 小册子没有生成：{generated.print_problem}")
        if generated.map_problem:
            log.info(generated.map_problem)
        warnings = generated.warnings
        compliance = [d for d in warnings if d.rule.startswith("compliance-")]
        for d in warnings:
            if d in compliance and not self.config.compliance_as_warnings:
                continue
            log.warning(format_text(d))
        if compliance and not self.config.compliance_as_warnings:
            log.info(f"{len(compliance)} 条达标提醒（场地、“十上墙”更新等），运行 party365 validate 查看")
        for asset in ASSETS:
            self._generated[f"assets/{asset}"] = resources.files("generator").joinpath("assets", asset).read_text(encoding="utf-8")
        editor = site_files(self._root, dataset=generated.dataset)  # /admin/: static files with their own policy, never sealed or indexed
        if isinstance(editor, Skipped):
            log.info(editor.reason)
        else:
            self._generated.update(editor)
            log.info(f"网页编辑器：已生成 {sum(p.endswith('/index.html') for p in editor)} 个编辑页面（/admin/）")

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path, content in sorted(self._generated.items()):
            existing = files.get_file_from_path(path)
            if existing is not None:
                log.warning(f"content/{path} 与自动生成的页面同名，已使用自动生成的版本；请删除或改名该文件")
                files.remove(existing)
            if isinstance(content, Path):  # a photo rendition in the cache: linked, never held in memory
                files.append(_LinkedFile.generated(config, path, abs_src_path=str(content)))
            elif isinstance(content, Page):
                files.append(File.generated(config, path, content=content.markdown))
            else:
                files.append(File.generated(config, path, content=content))
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._pages, self._keys, self._cached = PageCache.open(self._root), {}, {}
        self._common = self._common_key(config, nav) if self._pages is not None else ""
        return nav

    def _common_key(self, config: MkDocsConfig, nav: Navigation) -> str:
        """What every page's HTML depends on besides its own source (see generator.pagecache):
        the adapter's code, the rendering libraries and the host, the config, the theme's own
        templates, and the navigation with its titles (each page shows them all)."""
        parts: list[str | bytes] = [cache.source_of("plugin", "pagecache", "site/theme", "cjk"), type(config).__module__]
        parts += [f"{name}={cache.package_version(name)}" for name in _RENDERING_LIBRARIES]
        providers = metadata.packages_distributions()  # every plugin of the config, by the version of its package
        for name, plugin in config.plugins.items():
            module = type(plugin).__module__.split(".")[0]
            parts.append(f"{name}:{module}={','.join(cache.package_version(d) for d in providers.get(module, []))}")
        if config.config_file_path:
            parts.append(Path(config.config_file_path).read_text(encoding="utf-8"))
        settings = {key: config.get(key) for key in _CONFIG_KEYS}
        parts.append(json.dumps({**settings, "theme": dict(config.theme)}, sort_keys=True, ensure_ascii=False, default=str))
        if config.theme.custom_dir:  # the town's own templates (Material's come with its version)
            custom = Path(config.theme.custom_dir)
            for path in sorted(custom.rglob("*")):
                if path.is_file():
                    parts += [path.relative_to(custom).as_posix(), path.read_bytes()]
        for page in nav.pages:
            page.read_source(config)  # its title, as every page's navigation will show it
            parts += [page.url, str(page.title)]
            if "title" not in page.meta:  # a title from the first heading: the rendered heading may differ
                parts.append(page.markdown or "")
        parts.append(json.dumps([(type(item).__name__, item.title) for item in nav], ensure_ascii=False, default=str))
        return cache.digest(*parts)

    def on_page_markdown(self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        generated = self._generated.get(page.file.src_uri)
        if not isinstance(generated, Page) or self._pages is None or not self._common:
            return markdown
        key = page_key(self._common, page.file.src_uri, page.url, generated.markdown, *generated.fragments)
        cached = self._pages.get(key)
        if cached is None:
            self._keys[page.file.src_uri] = key
            return markdown
        self._cached[page.file.src_uri] = cached
        return ""  # nothing to convert: on_post_page puts the cached page back

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self._token = new_token()  # a new one for every build: data can never guess it
        env.loader = _MarkingLoader(env.loader, self._token)  # type: ignore[arg-type]
        return env

    def on_page_content(self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        # Front matter is plain text; the theme prints it as HTML. Every page passes here before
        # any template is rendered, so no title reaches the header, the nav or the search unescaped.
        # A page without a front-matter title (the guide) gets one from its nav entry or its
        # "# heading" (HTML, made plain first), so the theme never prints an unescaped title.
        title = page.meta.get("title")
        page.meta = theme_meta({**page.meta, "title": html_module.unescape(page.title or "") if title is None else title})
        generated = self._generated.get(page.file.src_uri)
        # The sitemap's lastmod: when the data the page shows last changed, not the build date. A
        # hand-written page (the guide) has no such date and gets no lastmod; the home page always has one.
        page.update_date = generated.lastmod.isoformat() if isinstance(generated, Page) and generated.lastmod else ""
        if page.file.src_uri in self._cached:
            page.meta["template"] = CACHED_TEMPLATE
            return ""
        return generated.filled(html) if isinstance(generated, Page) else html

    def _seal(self, output: str, where: str, img_src: tuple[str, ...] = ()) -> str:
        output, problems = seal(output, self._token, allow_inline=self._serving, img_src=img_src)
        for problem in problems:
            log.warning(f"{where}：未经允许的内联脚本会被内容安全策略阻止：{problem}")
        return output

    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        generated = self._generated.get(page.file.src_uri)  # the map page of a keyed town may show 天地图 tiles
        cached = self._cached.pop(page.file.src_uri, None)
        if cached is not None:
            output = cached.with_token(self._token)
        elif self._pages is not None and (key := self._keys.get(page.file.src_uri)) is not None:
            self._pages.put(key, self._token, output)
        return self._seal(output, page.file.dest_uri, generated.img_src if isinstance(generated, Page) else ())

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        return self._seal(output_content, template_name) if template_name.endswith(".html") else output_content

    @event_priority(-90)  # after the other plugins' files, before `_publish` switches the site in
    def _index_search(self, *, config: MkDocsConfig) -> None:
        """Pagefind indexes the pages in the staging directory, so the published site and its
        search bundle always come from the same build."""
        if self._staging is None or self._warnings.count:  # strict mode aborts next: nothing to publish
            return
        if self._serving and self._reuse_search(Path(config.site_dir)):
            return
        try:
            report = index_site(Path(config.site_dir))
        except SearchIndexError as exc:
            raise PluginError(f"{exc}（原有网站没有改动）") from exc
        log.info(f"站内搜索：已为 {report.pages} 个页面建立索引")

    def _reuse_search(self, site_dir: Path) -> bool:
        """In `mkdocs serve`, a rebuild keeps the search bundle of the previous build (hard links)
        instead of running Pagefind over the whole site again (it has no incremental mode): the
        changed page shows at once; search finds it after `party365 build` or a restart of serve."""
        previous = self._staging.site_dir / INDEX_DIR if self._staging is not None else None
        if previous is None or not previous.is_dir():
            return False  # the first build of serve indexes, so search works in the preview
        try:
            shutil.copytree(previous, site_dir / INDEX_DIR, copy_function=_link_or_copy)
        except OSError:
            return False
        log.info("预览模式：页面已更新；站内搜索沿用上一次的索引，暂不包含本次修改（正式生成网站或重新启动预览时会重建索引）")
        return True

    on_post_build = CombinedEvent(_index_search, _publish)

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        for folder in (self._root / ORGS_DIR, self._root / TOWN_DIR):
            if folder.is_dir():
                server.watch(str(folder))
        return server
