"""Site assembly: the pages, snippets and data files of a catalog, rendered whole or incrementally.

`render_site` renders everything in memory; it is the reference. `PageStore` writes the same
pages into a folder and renders a page again only when the digest of its inputs changed (its
template, the settings, and the fingerprints of the records it shows), so that after an edit
only the pages showing the edited record are rendered. A page that renders to the same text is
not rewritten, so its modification time says when it last really changed.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import exports, output, pages, paths, rules, templates, version
from generator.load import Project
from generator.lookups import Index
from generator.model import Catalog
from generator.structured import StructuredData

KEYS_FILE = ".factcheck-keys.pickle"


@dataclass(frozen=True)
class Settings:
    """What the generator needs to know about where the site is published."""

    site_url: str
    """Absolute URL of the site's root, ending in '/'."""

    @classmethod
    def at(cls, url: str) -> Settings:
        """The settings of a site published at `url`, written with or without its final '/'."""
        return cls(url if url.endswith("/") else url + "/")


@dataclass
class Site:
    """Everything generated from one catalog."""

    pages: dict[str, str] = field(default_factory=dict)
    """Markdown pages by path relative to the docs folder, each with its metadata line."""
    snippets: dict[str, str] = field(default_factory=dict)
    """Markdown that hand-written pages include with `<!-- factcheck:NAME -->`."""
    files: dict[str, str | bytes] = field(default_factory=dict)
    """Other files for the built site (data exports, feeds), by path relative to its root."""


def read_seed_texts(catalog: Catalog, base_dir: Path) -> dict[str, str]:
    """The text of each seed article, by source id, checked as `check` checks it: the file may
    have changed since (rules.SeedError)."""
    return {
        source.id: rules.read_seed(base_dir, source.seed)
        for source in catalog.sources
        if source.seed is not None
    }


def render_site(catalog: Catalog, seed_texts: Mapping[str, str], settings: Settings) -> Site:
    """Every generated page, snippet and data file for `catalog`, rendered in memory."""
    index = Index(catalog, seed_texts)
    structured = StructuredData(index, settings.site_url)
    return Site(
        pages={page.path: pages.render_page(page) for page in pages.plan_pages(index, structured)},
        snippets=render_snippets(index),
        files=exports.data_files(index, structured),
    )


def render_snippets(index: Index) -> dict[str, str]:
    return {
        name: pages.render_snippet(template, values)
        for name, (template, values) in pages.snippets(index).items()
    }


@dataclass
class Stored:
    """What `PageStore.render` produced: the pages in the folder, and the rest in memory."""

    pages: list[str]
    snippets: dict[str, str]
    files: dict[str, str | bytes]
    rendered: list[str]
    """The pages rendered this time (their inputs changed), whether or not their text did."""
    written: list[str]
    """The pages whose text changed, and so their file."""


class PageStore:
    """Generated pages in a folder, rendered again only when their inputs change."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.keys: dict[str, bytes] | None = None
        self.export_parts: dict[tuple[str, bytes], object] = {}
        self.base = b""

    def render(self, project: Project, seed_texts: Mapping[str, str], settings: Settings) -> Stored:
        """Bring the folder up to date with `project`; remove pages that no longer exist."""
        index = Index(project.catalog, seed_texts)
        structured = StructuredData(index, settings.site_url)
        base = self._base_digest(project, settings)
        resolve = _resolver(project, seed_texts)
        new_keys: dict[str, bytes] = {}
        claim_keys: dict[str, bytes] = {}
        rendered: list[str] = []
        written: list[str] = []
        # Keys read from the folder are trusted only for files that are there; keys this
        # object wrote describe the folder as it left it.
        is_checked = self.keys is not None
        keys = self._load_keys()
        claim_at = {paths.claim(claim.id): claim.id for claim in index.claims}
        for page in pages.plan_pages(index, structured):
            key = _key(base, page, resolve)
            if page.path in claim_at and key is not None:
                claim_keys[claim_at[page.path]] = key
            old = keys.get(page.path)
            if key is None or old != key or not (is_checked or self._exists(page.path)):
                target = self.folder / output.checked(page.path)
                if output.write_if_changed(target, pages.render_page(page).encode("utf-8")):
                    written.append(page.path)
                rendered.append(page.path)
            new_keys[page.path] = b"" if key is None else key
        if is_checked:
            for gone in keys.keys() - new_keys.keys():
                (self.folder / output.checked(gone)).unlink(missing_ok=True)
        else:
            output.remove_others(self.folder, [*new_keys, KEYS_FILE])
        self._save_keys(new_keys)
        if base != self.base:
            self.export_parts.clear()  # the site's URL is in every part
            self.base = base
        reuse = exports.Reuse(project.fingerprints, claim_keys, self.export_parts)
        files = exports.data_files(index, structured, reuse)
        reuse.forget_unused()
        return Stored(
            pages=list(new_keys),
            snippets=render_snippets(index),
            files=files,
            rendered=rendered,
            written=written,
        )

    def is_empty(self) -> bool:
        """Whether the folder holds no pages yet, so that the next render renders them all."""
        return not self._load_keys()

    def _base_digest(self, project: Project, settings: Settings) -> bytes:
        # As JSON, not pickled: a pickled model holds sets, whose order changes between runs.
        scale = project.catalog.model_dump_json(
            include={"publisher", "ratings", "qualifiers", "confidence"}
        )
        return hashlib.blake2b(
            version.code_digest().encode("ascii")
            + templates.digest()
            + settings.site_url.encode("utf-8")
            + scale.encode("utf-8"),
            digest_size=16,
        ).digest()

    def _exists(self, path: str) -> bool:
        return (self.folder / path).is_file()

    def _load_keys(self) -> dict[str, bytes]:
        if self.keys is None:
            try:
                with (self.folder / KEYS_FILE).open("rb") as stream:
                    self.keys = dict(pickle.load(stream))
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
                self.keys = {}
        return self.keys

    def _save_keys(self, keys: dict[str, bytes]) -> None:
        if keys != self.keys:
            output.write_atomically(self.folder / KEYS_FILE, pickle.dumps(keys, protocol=5))
        self.keys = keys


Resolver = dict[pages.Ref, bytes]


def _resolver(project: Project, seed_texts: Mapping[str, str]) -> Resolver:
    resolved: Resolver = {
        pages.Ref(section, record_id): value
        for section, by_id in project.fingerprints.items()
        for record_id, value in by_id.items()
    }
    for source_id, text in seed_texts.items():
        resolved[pages.Ref("seeds", source_id)] = hashlib.blake2b(
            text.encode("utf-8"), digest_size=16
        ).digest()
    return resolved


def _key(base: bytes, page: pages.Page, resolve: Resolver) -> bytes | None:
    """The digest of everything the page shows; None for pages rendered every time."""
    if page.inputs is None:
        return None
    parts: list[object] = [page.path, page.template, page.title]
    parts.extend(_resolved(page.inputs, resolve))
    return hashlib.blake2b(base + pickle.dumps(parts, protocol=5), digest_size=16).digest()


def _resolved(inputs: Iterable[object], resolve: Resolver) -> Iterable[object]:
    for item in inputs:
        if item == pages.SCALE:
            yield item  # the scale is part of the base digest
        elif isinstance(item, pages.Ref):
            yield resolve[item]  # a reference that does not resolve is a bug: fail loudly
        else:
            yield item
