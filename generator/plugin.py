"""The MkDocs plugin: runs the generator on every build and serve (the only mkdocs import).

Work is kept between builds in `.cache/factcheck/`, keyed by content: parsed records
(generator/storage.py), generated pages (generator/site.py), each generated page's HTML and
table of contents, by the digest of its Markdown, and compiled Jinja templates, by their
source. Under `mkdocs serve` the same objects stay in memory from one rebuild to the next.
Within a build, generated pages whose Markdown is the same once their raw HTML is set aside
(claim pages with the same sections) share one conversion. MkDocs converts every page before
it writes any: generated pages keep their HTML compressed until it is written, so another
plugin that reads their HTML must do so from `on_page_context` on (in `on_page_content` it is
empty). `mkdocs build` builds into a staging folder; the social cards and the search index,
when they would be the same as the published site's, move over from it when it is replaced.
It builds generated pages in the order of the search index's shards, and each shard is indexed
as soon as its pages are written (`search.IndexWhileWriting`).

With `--dirty`, MkDocs rebuilds only pages whose source file is newer than their output. The
generator rewrites a page's file exactly when its text changes, so that holds for generated
pages. The plugin makes it hold for the rest too: a hand-written page whose snippets changed,
and every page when the theme, mkdocs.yml or the navigation changed, lose their output so that
MkDocs builds them again; the output of pages that no longer exist is removed. When only
generated pages change, MkDocs is told only of those (generated pages link to each other in
HTML, which MkDocs does not resolve), so that a rebuild costs the same at any archive size.
"""

from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import html
import importlib.metadata
import json
import logging
import multiprocessing
import secrets
import shutil
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import mkdocs
import mkdocs.plugins
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from generator import (
    cards,
    escape,
    lastbuild,
    metadata,
    output,
    pages,
    paths,
    search,
    sitemap,
    templates,
)
from generator.fragments import SharedFragments, SharedTocs
from generator.htmlcache import HtmlCache
from generator.load import Project, load_project
from generator.problems import CatalogError
from generator.rules import SeedError
from generator.site import PageStore, Settings, Stored, read_seed_texts
from generator.storage import ParseCache
from generator.templates import TEMPLATES
from generator.version import code_digest

# The packages whose upgrade can change what a build makes of the same sources: a change to
# any of them converts every page again, and rebuilds every page of a dirty build.
PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material")
HTML_CACHE_VERSION = " ".join(
    [code_digest(), *(importlib.metadata.version(package) for package in PACKAGES)]
).encode()
FULL_COLLECTIONS_EVERY = 1000
"""Collections of the middle generation between two full ones (Python's default is 10)."""
log = logging.getLogger("mkdocs.plugins.factcheck")

PREVIEW_PROBLEMS = "preview-problems.json"
"""Under serve, the problems of the claims files, which assets/preview.js shows on every page:
an empty object while they have none."""
PREVIEW_SCRIPT = "assets/preview.js"
"""In the theme's folder (site_templates/overrides); builds leave it out."""

SEARCH_INDEX_BUILT = "Search index built in"
"""What the preview logs when its search index, built in the background, is ready."""


class FactCheckConfig(Config):
    claims = config_options.Type(str, default="claims.yaml")
    """The claims file, relative to mkdocs.yml."""
    cache_dir = config_options.Type(str, default=".cache/factcheck")
    """Where generated Markdown and caches are kept, relative to mkdocs.yml; never in docs_dir."""


@dataclass
class _Memory:
    """What one project keeps between the rebuilds of one process."""

    parse_cache: ParseCache
    store: PageStore
    html: HtmlCache
    builds: int = 0
    card_files: set[Path] = field(default_factory=set)
    """Cards known to be in the cache, drawn or found by an earlier build."""
    linked: dict[Path, dict[str, Path]] = field(default_factory=dict)
    """The cards linked into each output folder by the last build there."""
    pagefind: threading.Thread | None = None
    last_good: tuple[Project, dict[str, str]] | None = None
    """The records and seed texts of the last build that read them without problems: what the
    preview shows while they have some."""


# By project folder and site URL: `mkdocs serve` publishes at its own address, so its pages
# differ from a build's, and each keeps its own pages.
_MEMORY: dict[tuple[Path, str], _Memory] = {}


class FactCheckPlugin(BasePlugin[FactCheckConfig]):
    def __init__(self) -> None:
        self.stored: Stored | None = None
        self.root = Path()
        self.cache = Path()
        self.records = lastbuild.Records(Path())
        self.staging: output.Staging | None = None
        self.is_staged = False
        self.is_dirty = False
        self.is_serve = False
        self.converted: dict[str, Any] = {}
        """Pages whose HTML comes from the cache or from a page of the same shape, by source
        path, until MkDocs asks for it."""
        self.packed: dict[str, bytes] = {}
        """The HTML of generated pages, compressed, by source path, from their conversion until
        MkDocs writes them: MkDocs converts every page before it writes any, and a large
        archive's HTML would otherwise be held whole (120 MiB at 10,000 claims)."""
        self.watched: tuple[Path, ...] = ()
        """The claims files the last build read, the root file first."""
        self.server: LiveReloadServer | None = None
        self.watching: set[Path] = set()
        """What the preview watches."""
        self.cards: dict[str, Path] = {}
        self.drawing: concurrent.futures.Future[None] | None = None
        self.site_url = ""
        # Raw HTML sections of the page being converted stand in the Markdown as placeholders
        # that no text from claims.yaml can spell: they hold this build's random nonce.
        self.nonce = secrets.token_hex(16)
        self.raw_blocks: list[str] = []
        self.shapes: dict[str, tuple[str, Any, frozenset[str]]] = {}
        """Converted Markdown of this build, by its text once raw HTML is set aside: pages
        of the same shape (a claim page is its headings and placeholders) convert once."""
        self.newest_change = metadata.EPOCH
        self.state: dict[str, Any] = {}
        self.published: dict[str, str] = {}
        """What the published site's folders that are not pages were made from, by folder."""
        self.nav_urls: set[str] = set()
        self.search_index: search.IndexWhileWriting | None = None
        """A full build's search index, made while the pages are written."""
        self.problems: dict[str, str] = {}
        """Under serve, what is wrong with the claims files or seeds, while the preview shows
        the last version that built (PREVIEW_PROBLEMS)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs build` writes into a staging folder that replaces site_dir only when the
        # build succeeds; serve and dirty builds write in place.
        self.is_staged = command in ("build", "gh-deploy") and not dirty
        self.is_dirty = dirty
        self.is_serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        self.cache = self.root / self.config.cache_dir
        self.records = lastbuild.Records(self.cache / "built")
        self.staging = output.Staging(Path(config.site_dir)) if self.is_staged else None
        if self.staging is not None:
            config.site_dir = str(self.staging.folder)
        if not config.use_directory_urls:
            raise PluginError(
                "factcheck: set use_directory_urls: true (generated links rely on it)"
            )
        if not config.site_url:
            raise PluginError("factcheck: set site_url in mkdocs.yml (structured data needs it)")
        if self.is_serve:
            # The preview has no use for a sitemap, which lists every page on every rebuild.
            config.theme.static_templates.discard("sitemap.xml")
            config.extra["factcheck_preview_script"] = PREVIEW_SCRIPT
        return config

    def _memory(self) -> _Memory:
        memory = _MEMORY.get((self.root, self.site_url))
        if memory is None:
            pages_folder = self.cache / "pages" / _digest(self.site_url.encode()).hex()[:12]
            memory = _Memory(
                ParseCache(self.cache / "parsed"),
                PageStore(pages_folder),
                HtmlCache(self.cache / "html.sqlite"),
            )
            _MEMORY[(self.root, self.site_url)] = memory
        return memory

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs cleans site_dir, so a broken claims file leaves the old site alone.
        path = _as_typed(self.root / self.config.claims)
        settings = Settings.at(str(config.site_url))
        self.site_url = settings.site_url
        memory = self._memory()
        # The preview keeps parsed records in memory: it writes them to disk once, at start.
        memory.parse_cache.is_saving = not (self.is_serve and memory.builds)
        self.shapes = {}
        self.converted.clear()  # left over only by a build that failed half-way
        self.packed.clear()
        memory.builds += 1
        project, seeds = self._read_sources(path, memory)
        # Records and caches live as long as the process: keep the garbage collector from
        # walking through them again and again during the build (seconds on a large archive).
        # Nothing thaws them, which would have the next rebuild's collections walk every record
        # again: what a preview leaves frozen after its last use is about a dozen objects a
        # rebuild.
        gc.freeze()
        # The collector makes a full collection when the objects that survived earlier ones have
        # grown by a quarter. Once the records are frozen, those are only the build's own pages,
        # so it walked all of them again and again: 0.6 to 1 s of the 17 s of CPU of a warm build
        # of 10,000 claims.
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTIONS_EVERY)
        templates.environment().bytecode_cache = self._compiled_templates("pages")
        try:
            # Cards are drawn in another process while the pages are rendered and built, and
            # join the site when the build is done. A store with no pages renders every claim
            # page: that process first helps to convert their analyses.
            prefetched = None
            if memory.store.is_empty():
                analyses = [claim.analysis for claim in project.catalog.claims]
                prefetched = escape.Prefetched(_DRAWING, analyses)
            self.cards, missing = cards.plan_cards(
                project.catalog, self.cache / "cards", memory.card_files
            )
            self.drawing = _DRAWING.submit(cards.draw_cards, missing) if missing else None
            with escape.prefetching(prefetched):
                self.stored = memory.store.render(project, seeds, settings)
            output.sync_tree(self.cache / "files", self.stored.files)
        except OSError as error:
            raise PluginError(f"factcheck: cannot write {self.cache}: {error.strerror}") from None
        self.watched = project.files
        self._watch()  # `split`, or a new pattern under `include:`, adds files to watch
        self.newest_change = metadata.newest_change(project.catalog.claims)

    def _read_sources(self, path: Path, memory: _Memory) -> tuple[Project, dict[str, str]]:
        """The records and the seed texts. When they have problems, a build stops; the preview
        goes on showing what it showed, says what is wrong on every page (`on_post_build`),
        and so stays at hand until the problems are fixed."""
        try:
            project = load_project(path, cache=memory.parse_cache)
            seeds = read_seed_texts(project.catalog, path.parent)
        except (CatalogError, SeedError) as error:
            headline, problems = _problems(error)
            if not self.is_serve or memory.last_good is None:
                raise PluginError(_message(headline, "nothing was built", problems)) from None
            shown = "the preview shows the last version that built until they are fixed"
            log.error(_message(headline, shown, problems))
            self.problems = {"headline": f"{headline}; {shown}.", "details": problems}
            return memory.last_good
        self.problems = {}
        memory.last_good = (project, seeds)
        return project, seeds

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.stored is not None
        script = files.get_file_from_path(PREVIEW_SCRIPT)
        if script is not None and not self.is_serve:
            files.remove(script)
        self.state = self._output_state(config, files)
        if self.staging is not None:
            self.published = self.records.read(self.staging.target).get("folders", {})
        register = self.stored.pages
        in_nav = _nav_paths(config.nav)
        if self.is_dirty:
            site = Path(config.site_dir)
            if not self._invalidate_stale_output(site, files):
                # Every other page keeps its output, and no page to build links to one in
                # Markdown (generated pages link in HTML): MkDocs need not know of them.
                named = [path for path in self.stored.pages if path in in_nav]
                register = list(dict.fromkeys([*self.stored.written, *named]))
            self.records.save(site, self.state)
        folder = self._memory().store.folder
        generated = []
        for path in register:
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"factcheck: content/{path} clashes with a generated page; rename it"
                )
            file = File.generated(config, path, abs_src_path=str(folder / path))
            file.edit_uri = None
            generated.append(file)
            if path not in in_nav:
                # Pages that the nav names get their title from it when MkDocs makes them.
                _GeneratedPage(None, file, config)
        self.search_index = None
        if self.staging is not None:
            index = self.search_index = self._plan_search_index(config, files, generated)
            # MkDocs writes pages in this order: each shard of the index can start once its
            # pages are written.
            generated.sort(key=lambda file: index.shard(file.dest_uri))
        for file in generated:
            files.append(file)
        for path in self.stored.files:
            files.append(
                File.generated(config, path, abs_src_path=str(self.cache / "files" / path))
            )
        return files

    def _plan_search_index(
        self, config: MkDocsConfig, files: Files, generated: list[File]
    ) -> search.IndexWhileWriting:
        """Index the pages of a full build as MkDocs writes them (`search.IndexWhileWriting`)."""
        pages = [file.dest_uri for file in [*files.documentation_pages(), *generated]]
        templates = [*config.theme.static_templates, *config.extra_templates]
        others = [file.dest_uri for file in files.static_pages() if _is_html(file.dest_uri)]
        others += [name for name in templates if _is_html(name)]
        return search.IndexWhileWriting(
            Path(config.site_dir), self.cache / "pagefind", pages, others
        )

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav_urls = {page.url for page in nav.pages}
        return nav

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        env.globals["shared"] = SharedFragments(self.nav_urls, (file.dest_uri for file in files))
        env.globals["shared_toc"] = SharedTocs()
        env.bytecode_cache = self._compiled_templates(f"theme-{mkdocs.__version__}")
        if self.search_index is not None:
            self._start_search_index(self.search_index, files, config)
        return env

    def _start_search_index(
        self, index: search.IndexWhileWriting, files: Files, config: MkDocsConfig
    ) -> None:
        """Give the search index the words of every page's article, as the theme will write
        it: the page's HTML, after its title when the HTML has no <h1> (Material's content
        partial)."""
        built = [file.page for file in files.documentation_pages() if file.page is not None]

        def title(page: Page) -> bytes:
            return str(page.title or config.site_name).encode()

        def content(page: Page, *, is_packed: bool) -> bytes:
            packed = self.packed.get(page.file.src_uri)
            if packed is not None:
                return packed if is_packed else zlib.decompress(packed)
            return (page.content or "").encode()

        hasher = hashlib.blake2b(digest_size=16)
        for page in built:
            text = content(page, is_packed=True)
            hasher.update(f"{len(title(page))} {len(text)} ".encode() + title(page) + text)

        def gather(words: search.Words) -> None:
            for page in built:
                text = content(page, is_packed=False)
                if b"<h1" not in text:
                    words.add(b">" + title(page) + b"<")
                words.add(b">" + text + b"<")

        index.start(hasher.hexdigest(), gather)

    def _compiled_templates(self, name: str) -> jinja2.BytecodeCache:
        """Compiled Jinja templates kept between builds, by the template's source: MkDocs makes
        a new environment for every build, which would compile the theme's templates again."""
        folder = self.cache / "templates" / f"{name}-{jinja2.__version__}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PluginError(f"factcheck: cannot write {folder}: {error.strerror}") from None
        return jinja2.FileSystemBytecodeCache(str(folder))

    def _output_state(self, config: MkDocsConfig, files: Files) -> dict[str, Any]:
        """What the output of this build depends on beyond each page's own source file."""
        assert self.stored is not None
        theme = lastbuild.theme_digest(
            Path(config.config_file_path), config.theme.dirs, HTML_CACHE_VERSION
        )
        handwritten = sorted(file.src_uri for file in files.documentation_pages())
        pages = (paths.output(path) for path in self.stored.pages)
        return lastbuild.state([theme, repr(config.nav), handwritten], self.stored.snippets, pages)

    def _invalidate_stale_output(self, site: Path, files: Files) -> bool:
        """Remove the output that a dirty build would otherwise keep although it is out of date.

        MkDocs then builds those pages again, because their output is missing. Returns whether
        any page beside the generated pages that changed is built: then every page must be
        known to MkDocs, for the links of hand-written pages.
        """
        before = self.records.read(site)
        if lastbuild.is_layout_changed(before, self.state):
            shutil.rmtree(site, ignore_errors=True)
            self._memory().linked.pop(site, None)  # the cards went with the folder
            return True
        handwritten = [file for file in files.documentation_pages() if file.abs_src_path]
        built = [(Path(str(file.abs_src_path)), Path(file.abs_dest_path)) for file in handwritten]
        lastbuild.remove_stale(site, before, self.state, built)
        return any(file.is_modified() for file in handwritten)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        # MkDocs stamps sitemap.xml.gz with the newest update_date, which defaults to the build
        # date; the data's newest change keeps the build reproducible.
        page.update_date = self.newest_change
        if not page.file.generated_by:
            return lastbuild.SNIPPET_MARKER.sub(
                lambda match: self._snippet(match.group(1), page), markdown
            )
        meta, body = pages.read_meta(markdown)
        # Material prints page.meta.title unescaped in <title> and in the header.
        page.meta["title"] = html.escape(meta.pop("title", ""))
        page.meta.update(meta)
        key = _html_key(body, page.file.src_uri, config)
        cached = self._memory().html.get(key)
        if cached is None:
            markdown, self.raw_blocks = pages.set_aside_html(body, self.nonce)
            shape = self.shapes.get(markdown)
            if shape is None:
                page.meta["factcheck_html_new"] = (key, markdown)
                return markdown
            cached = self._put_back(*shape)
            self._memory().html.put(key, cached)
        self.converted[page.file.src_uri] = cached
        return ""

    def on_page_content(
        self, content: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        cached = self.converted.pop(page.file.src_uri, None)
        new = page.meta.pop("factcheck_html_new", None)
        if new is not None:
            key, markdown = new
            shape = (content, page.toc, frozenset(page.present_anchor_ids or ()))
            if _is_shareable(markdown):
                self.shapes[markdown] = shape
            cached = self._put_back(*shape)
            self._memory().html.put(key, cached)
        if cached is None:
            return content
        self.packed[page.file.src_uri], page.toc, anchors = cached
        page.present_anchor_ids = set(anchors)
        return ""

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        packed = self.packed.pop(page.file.src_uri, None)
        if packed is not None:
            page.content = zlib.decompress(packed).decode("utf-8")
        return context

    @mkdocs.plugins.event_priority(-100)  # after other plugins: the output as it is written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.search_index is not None:
            self.search_index.written(page.file.dest_uri, output, page.content or "")
        if page.file.generated_by:
            page.content = None  # written: nothing reads it again
        return output

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if template_name != "sitemap.xml":
            return output_content
        return sitemap.split(output_content, Path(config.site_dir), self.site_url)

    def _put_back(
        self, content: str, toc: Any, anchors: frozenset[str]
    ) -> tuple[bytes, Any, list[str]]:
        """A page's HTML (compressed), table of contents and anchors, from its converted
        placeholders."""
        content = pages.put_back_html(content, self.raw_blocks, self.nonce)
        packed = zlib.compress(content.encode("utf-8"), 1)
        return packed, toc, sorted(anchors | pages.html_ids(self.raw_blocks))

    def _snippet(self, name: str, page: Page) -> str:
        assert self.stored is not None
        if name not in self.stored.snippets:
            known = ", ".join(sorted(self.stored.snippets)) or "none"
            problem = f"{page.file.src_uri}: unknown snippet '{name}' (known: {known})"
            if not self.is_serve:
                raise PluginError(problem)
            # The preview goes on, and the page shows the problem where the snippet would be
            # until its source changes and it is built again.
            log.error(problem)
            notice = f"<p>{html.escape(problem)}</p>"
            return f'<div class="fc-preview-problems" role="alert">{notice}</div>'
        return self.stored.snippets[name]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.drawing is not None:
            self.drawing.result()
        site = Path(config.site_dir)
        memory = self._memory()
        # The cards and the search index are thousands of files, which a staged build takes
        # from the published site when they would be the same (`_is_published`).
        folders = {cards.FOLDER: _digest(repr(sorted(self.cards.items())).encode()).hex()}
        carried = []
        if self._is_published(cards.FOLDER, folders[cards.FOLDER]):
            carried.append(cards.FOLDER)
        else:
            # A dirty build keeps its output folder: only cards that changed are linked again.
            before = memory.linked.get(site, {}) if self.is_dirty else {}
            output.link_tree(self.cards, site / cards.FOLDER, before)
            memory.linked[site] = dict(self.cards)
        memory.card_files = set(self.cards.values())
        memory.html.save(prune=not self.is_dirty)
        if not self.is_dirty:
            cards.prune_cards(self.cache / "cards", set(self.cards.values()))
        if self.is_serve:
            output.write_atomically(site / PREVIEW_PROBLEMS, json.dumps(self.problems).encode())
            self._index_in_background(site)
        else:
            try:
                if self.search_index is not None:
                    kept = self.search_index.finish()
                else:
                    kept = search.index_shards(site, self.cache / "pagefind")
            except search.SearchIndexError as error:
                raise PluginError(str(error)) from None
            folders[search.FOLDER] = _digest(repr([k.name for k in kept]).encode()).hex()
            if self._is_published(search.FOLDER, folders[search.FOLDER]):
                carried.append(search.FOLDER)
            else:
                search.assemble(site / search.FOLDER, kept)
        if self.staging is not None:
            if self.staging.publish(is_strict=bool(config.strict), carried=carried):
                self.state["folders"] = folders
                self.records.save(self.staging.target, self.state)
            config.site_dir = str(self.staging.target)

    def _is_published(self, name: str, digest: str) -> bool:
        """Whether a staged build's folder `name` would hold what the published site's does,
        as the build that published it recorded (`digest`, of what made the folder)."""
        if self.staging is None or (self.staging.folder / name).exists():
            return False
        return self.published.get(name) == digest and (self.staging.target / name).is_dir()

    def _index_in_background(self, site: Path) -> None:
        """Under serve, the search index is built after the first build, without waiting, and
        again only when a rebuild had to start from an empty folder."""
        memory = self._memory()
        running = memory.pagefind is not None and memory.pagefind.is_alive()
        if not running and not (site / search.FOLDER).is_dir():
            memory.pagefind = threading.Thread(
                target=_index_quietly, args=(site,), name="pagefind", daemon=True
            )
            memory.pagefind.start()

    def on_build_error(self, *, error: Exception) -> None:
        if self.search_index is not None:
            self.search_index.cancel()
        if self.staging is not None:
            self.staging.discard()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        # MkDocs keeps this plugin object from one rebuild to the next (it has on_startup):
        # each rebuild watches the files that its claims file includes by then.
        self.server = server
        self._watch()
        return server

    def _watch(self) -> None:
        """Have the preview watch the claims files read last, and the folders they are in."""
        if self.server is None:
            return
        claims = (self.root / self.config.claims).resolve()
        wanted = {claims, TEMPLATES}
        if (claims.parent / "seeds").is_dir():
            wanted.add(claims.parent / "seeds")
        for path in self.watched[1:]:
            # An included file's folder, so that new files there are seen; never the project's
            # own folder, where every build writes its caches.
            folder = path.resolve().parent
            wanted.add(path.resolve() if folder == claims.parent else folder)
        for path in sorted(wanted - self.watching):
            self.server.watch(str(path))
        self.watching |= wanted


class _GeneratedPage(Page):
    """A generated page outside the navigation.

    Its HTML usually comes from the cache or from a page of the same shape, which leaves its
    Markdown empty (on_page_markdown): then Python-Markdown, which costs more to set up than to
    convert nothing, is not set up.
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown:
            super().render(config, files)
        else:
            self.content, self.toc, self.present_anchor_ids = "", get_toc([]), set()
            self.links_to_anchors = {}


# The helper process, which draws cards (and converts analyses for a cold build). A fresh
# process (from a fork server), not a fork of the build's: `mkdocs serve` runs threads, and a
# forked child could inherit a lock one of them held.
_DRAWING = concurrent.futures.ProcessPoolExecutor(
    max_workers=1, mp_context=multiprocessing.get_context("forkserver")
)


def _problems(error: CatalogError | SeedError) -> tuple[str, str]:
    """What is wrong, in a few words, and the problems one a line (a seed file's is the first)."""
    if isinstance(error, SeedError):
        return str(error), ""
    files = list(dict.fromkeys(problem.file for problem in error.problems))
    has = "has" if len(files) == 1 else "have"
    return f"{', '.join(files)} {has} problems", str(error)


def _message(headline: str, outcome: str, problems: str) -> str:
    return f"{headline}; {outcome}:\n{problems}" if problems else f"{headline}; {outcome}"


def _nav_paths(nav: object) -> set[str]:
    """The pages that the `nav` of mkdocs.yml names."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        nav = list(nav.values())
    if isinstance(nav, list):
        return set().union(*(_nav_paths(item) for item in nav))
    return set()


def _is_html(path: str) -> bool:
    return path.endswith((".html", ".htm"))


def _index_quietly(site: Path) -> None:
    start = time.perf_counter()
    try:
        search.index_site(site, is_background=True)
    except search.SearchIndexError as error:
        log.warning("search index not built: %s", error)
        return
    # Until this line, search in the preview finds nothing, and rebuilds share the machine.
    log.info("%s %.2f seconds", SEARCH_INDEX_BUILT, time.perf_counter() - start)


def _is_shareable(markdown: str) -> bool:
    """Whether Markdown converts the same on any page: without links or raw HTML, MkDocs has
    nothing to rewrite for the page's place in the site."""
    return "[" not in markdown and "<" not in markdown


def _html_key(markdown: str, src_uri: str, config: MkDocsConfig) -> str:
    extensions = repr((config.markdown_extensions, config.mdx_configs)).encode("utf-8")
    return _digest(
        HTML_CACHE_VERSION + extensions + src_uri.encode("utf-8") + b"\0" + markdown.encode("utf-8")
    ).hex()


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _as_typed(path: Path) -> Path:
    """The path relative to the working folder when it lies below it, as editors type it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
