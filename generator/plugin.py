"""The MkDocs plugin: runs the generator on every build and serve (the only mkdocs import)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import cards, metadata, output, search
from generator.load import CatalogError, load_catalog
from generator.pages import TEMPLATES, Settings, Site, read_seed_texts, render_site

SNIPPET_MARKER = re.compile(r"<!-- factcheck:([a-z0-9-]+) -->")


class FactCheckConfig(Config):
    claims = config_options.Type(str, default="claims.yaml")
    """The claims file, relative to mkdocs.yml."""
    cache_dir = config_options.Type(str, default=".cache/factcheck")
    """Where generated Markdown is written, relative to mkdocs.yml; never inside docs_dir."""


class FactCheckPlugin(BasePlugin[FactCheckConfig]):
    def __init__(self) -> None:
        self.site = Site()
        self.root = Path()
        self.staging: output.Staging | None = None
        self.is_staged = False
        self.cards: dict[str, Path] = {}
        self.newest_change = metadata.EPOCH

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs build` writes into a staging folder that replaces site_dir only when the
        # build succeeds; serve and dirty builds write in place.
        self.is_staged = command in ("build", "gh-deploy") and not dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        if self.is_staged:
            self.staging = output.Staging(Path(config.site_dir))
            config.site_dir = str(self.staging.folder)
        if not config.use_directory_urls:
            raise PluginError(
                "factcheck: set use_directory_urls: true (generated links rely on it)"
            )
        if not config.site_url:
            raise PluginError("factcheck: set site_url in mkdocs.yml (structured data needs it)")
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs cleans site_dir, so a broken claims file leaves the old site alone.
        path = _as_typed(self.root / self.config.claims)
        try:
            catalog = load_catalog(path)
        except CatalogError as error:
            raise PluginError(f"{path.name} has problems; nothing was built:\n{error}") from None
        settings = Settings(site_url=_site_url(config))
        self.site = render_site(catalog, read_seed_texts(catalog, path.parent), settings)
        card_cache = self.root / self.config.cache_dir / "cards"
        try:
            self.cards = cards.build_cards(catalog, card_cache)
        except OSError as error:
            raise PluginError(f"factcheck: cannot write {card_cache}: {error.strerror}") from None
        self.newest_change = metadata.newest_change(self.site.meta)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        cache = self.root / self.config.cache_dir / "pages"
        try:
            written = output.sync_tree(cache, self.site.pages)
        except OSError as error:
            raise PluginError(f"factcheck: cannot write {cache}: {error.strerror}") from None
        for path in self.site.pages:
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"factcheck: content/{path} clashes with a generated page; rename it"
                )
            generated = File.generated(config, path, abs_src_path=str(written[path]))
            generated.edit_uri = None
            files.append(generated)
        for path, content in self.site.files.items():
            files.append(File.generated(config, path, content=content))
        for path, card in self.cards.items():
            files.append(File.generated(config, path, abs_src_path=str(card)))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        title = self.site.titles.get(page.file.src_uri)
        if title is not None:
            # Material prints page.meta.title unescaped in <title> and in the header.
            page.meta["title"] = html.escape(title)
        page.meta.update(self.site.meta.get(page.file.src_uri, {}))
        # MkDocs stamps sitemap.xml.gz with the newest update_date, which defaults to the build
        # date; the data's newest change keeps the build reproducible.
        page.update_date = self.newest_change
        return SNIPPET_MARKER.sub(lambda match: self._snippet(match.group(1), page), markdown)

    def _snippet(self, name: str, page: Page) -> str:
        if name not in self.site.snippets:
            known = ", ".join(sorted(self.site.snippets)) or "none"
            raise PluginError(f"{page.file.src_uri}: unknown snippet '{name}' (known: {known})")
        return self.site.snippets[name]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            search.index_site(Path(config.site_dir))
        except search.SearchIndexError as error:
            raise PluginError(str(error)) from None
        if self.staging is not None:
            self.staging.publish(is_strict=bool(config.strict))
            config.site_dir = str(self.staging.target)

    def on_build_error(self, *, error: Exception) -> None:
        if self.staging is not None:
            self.staging.discard()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        server.watch(str(self.root / self.config.claims))
        server.watch(str(TEMPLATES))
        return server


def _site_url(config: MkDocsConfig) -> str:
    url = str(config.site_url)
    return url if url.endswith("/") else url + "/"


def _as_typed(path: Path) -> Path:
    """The path relative to the working folder when it lies below it, as editors type it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
