"""Records in, Markdown pages out: a pure function shared by the MkDocs plugin and the CLI."""

from __future__ import annotations

import functools
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from pydantic import BaseModel

from generator import charts, escape
from generator.exports import add_machine_readable
from generator.model import (
    Appearance,
    Catalog,
    Claim,
    Claimant,
    Confidence,
    Evidence,
    HistoryEntry,
    Publisher,
    Qualifier,
    Rating,
    Source,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"


@dataclass
class Site:
    """Everything generated from one catalog."""

    pages: dict[str, str] = field(default_factory=dict)
    """Markdown pages by path relative to the docs folder."""
    titles: dict[str, str] = field(default_factory=dict)
    """Plain-text title of each generated page."""
    snippets: dict[str, str] = field(default_factory=dict)
    """Markdown that hand-written pages include with `<!-- factcheck:NAME -->`."""
    files: dict[str, str | bytes] = field(default_factory=dict)
    """Other files for the built site (data exports, feeds), by path relative to its root."""
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Extra page metadata for the theme templates, by page path; values are pre-escaped."""


@dataclass(frozen=True)
class Settings:
    """What the generator needs to know about where the site is published."""

    site_url: str
    """Absolute URL of the site's root, ending in '/'."""


@dataclass(frozen=True)
class Marked:
    """A span of seed text that a claim quotes."""

    start: int
    end: int
    claim: Claim


class Index:
    """Look-ups over a catalog, computed once."""

    def __init__(self, catalog: Catalog, seed_texts: Mapping[str, str]) -> None:
        self.catalog = catalog
        self.seed_texts = seed_texts
        self.ratings: dict[str, Rating] = {rating.id: rating for rating in catalog.ratings}
        self.qualifiers: dict[str, Qualifier] = {item.id: item for item in catalog.qualifiers}
        self.confidence: dict[str, Confidence] = {item.id: item for item in catalog.confidence}
        self.sources: dict[str, Source] = {source.id: source for source in catalog.sources}
        self.claimants: dict[str, Claimant] = {item.id: item for item in catalog.claimants}
        self.claims = sorted(
            catalog.claims, key=lambda claim: (-claim.claimed.toordinal(), claim.id)
        )

    @cached_property
    def claims_by_source(self) -> dict[str, list[Claim]]:
        """Claims that appeared in or cite each source, in listing order."""
        found: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.claims:
            cited = [item.source for item in claim.appearances] + [e.source for e in claim.evidence]
            for source_id in dict.fromkeys(cited):
                found[source_id].append(claim)
        return found

    @cached_property
    def claims_by_rating(self) -> dict[str, list[Claim]]:
        return _group(self.claims, lambda claim: claim.rating)

    @cached_property
    def claims_by_claimant(self) -> dict[str, list[Claim]]:
        return _group(self.claims, lambda claim: claim.claimant)

    @cached_property
    def latest_changes(self) -> list[tuple[HistoryEntry, Claim]]:
        """History entries, newest first: every verdict given or changed."""
        entries = [(entry, claim) for claim in self.claims for entry in claim.history]
        return sorted(entries, key=lambda pair: (pair[0].date, pair[1].id), reverse=True)

    @cached_property
    def corrections(self) -> list[tuple[HistoryEntry, Claim]]:
        """History entries marked as corrections, newest first."""
        entries = [(e, claim) for claim in self.claims for e in claim.history if e.correction]
        return sorted(entries, key=lambda pair: pair[0].date, reverse=True)

    @cached_property
    def filters(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The claims table's filters: field name, label, and (value, text) options."""
        used_qualifiers = {q for claim in self.claims for q in claim.qualifiers}
        used_tags = sorted({tag for claim in self.claims for tag in claim.tags})
        articles = [s for s in self.catalog.sources if s.kind == "seed-article"]
        return [
            ("verdict", "Verdict", [(r.id, r.label) for r in self.catalog.ratings]),
            ("confidence", "Confidence", [(c.id, c.label) for c in self.catalog.confidence]),
            (
                "claimant",
                "Claimant",
                sorted(((c.id, c.name) for c in self.catalog.claimants), key=lambda o: o[1]),
            ),
            (
                "qualifier",
                "Note",
                [(q.id, q.label) for q in self.catalog.qualifiers if q.id in used_qualifiers],
            ),
            ("tag", "Tag", [(tag, tag) for tag in used_tags]),
            ("source", "Article", [(s.id, s.title) for s in articles]),
        ]

    def appearance_sources(self, claim: Claim) -> list[str]:
        return list(dict.fromkeys(item.source for item in claim.appearances))

    def confidence_rank(self, level: Confidence) -> int:
        """Higher for more confident levels, for sorting."""
        return len(self.catalog.confidence) - self.catalog.confidence.index(level)

    def appearing_in(self, source: Source) -> list[Claim]:
        return [
            claim
            for claim in self.claims_by_source.get(source.id, [])
            if self.appeared_in(claim, source)
        ]

    def appeared_in(self, claim: Claim, source: Source) -> bool:
        return any(item.source == source.id for item in claim.appearances)

    def verdict_counts(self, claims: Iterable[Claim]) -> list[tuple[Rating, int]]:
        counts = Counter(claim.rating for claim in claims)
        return [(rating, counts[rating.id]) for rating in self.catalog.ratings]

    def initial_rating(self, claim: Claim) -> Rating:
        return self.ratings[claim.history[0].rating]

    def current_since(self, claim: Claim) -> date:
        """When the current verdict was first given: later entries may only add evidence."""
        since = claim.history[-1].date
        for entry in reversed(claim.history):
            if entry.rating != claim.rating:
                break
            since = entry.date
        return since


def _group(claims: list[Claim], key: Callable[[Claim], str]) -> dict[str, list[Claim]]:
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        groups[key(claim)].append(claim)
    return groups


def render_site(catalog: Catalog, seed_texts: Mapping[str, str], settings: Settings) -> Site:
    """Every generated page for `catalog`; `seed_texts` maps seed source ids to their text."""
    index = Index(catalog, seed_texts)
    site = Site()
    renderer = _Renderer(index, site)
    for claim in index.claims:
        renderer.page(f"claims/{claim.id}.md", "claim.md.j2", claim.short, claim=claim)
    renderer.page("claims/index.md", "claims.md.j2", "All claims")
    renderer.page("verdicts.md", "verdicts.md.j2", "Claims by verdict")
    renderer.page("claimants.md", "claimants.md.j2", "Claims by claimant")
    renderer.page("sources/index.md", "sources.md.j2", "Sources")
    for source in catalog.sources:
        marked = _mark_quotes(index, source) if source.id in seed_texts else []
        renderer.page(
            f"sources/{source.id}.md",
            "source.md.j2",
            source.title,
            source=source,
            paragraphs=_paragraphs(seed_texts.get(source.id, ""), marked),
        )
    renderer.page("scale.md", "scale.md.j2", "Verdicts, notes and confidence")
    renderer.page("corrections.md", "corrections.md.j2", "Corrections log")
    renderer.snippet("verdict-counts", "_verdict_counts.md.j2")
    renderer.snippet("latest-changes", "_latest_changes.md.j2")
    renderer.snippet("field-reference", "_field_reference.md.j2", models=schema_reference())
    add_machine_readable(site, index, settings)
    return site


def schema_reference() -> list[tuple[str, list[tuple[str, bool, str]]]]:
    """Each record type with its fields: name, whether required, and the field's docstring."""
    models: list[type[BaseModel]] = [
        Catalog, Publisher, Rating, Qualifier, Confidence, Source, Claimant, Claim,
        Appearance, Evidence, HistoryEntry,
    ]  # fmt: skip
    return [
        (
            model.__name__,
            [
                (name, info.is_required(), info.description or "")
                for name, info in model.model_fields.items()
            ],
        )
        for model in models
    ]


def read_seed_texts(catalog: Catalog, base_dir: Path) -> dict[str, str]:
    """The text of each seed article, by source id."""
    return {
        source.id: (base_dir / source.seed).read_text("utf-8")
        for source in catalog.sources
        if source.seed is not None
    }


class _Renderer:
    def __init__(self, index: Index, site: Site) -> None:
        self.index = index
        self.site = site
        self.environment = make_environment()

    def page(self, path: str, template: str, title: str, **values: Any) -> None:
        self.site.pages[path] = self._render(path, template, title, **values)
        self.site.titles[path] = title

    def snippet(self, name: str, template: str, **values: Any) -> None:
        # Snippets land in hand-written pages at the top of the docs folder.
        self.site.snippets[name] = self._render("index.md", template, name, **values)

    def _render(self, path: str, template: str, title: str, **values: Any) -> str:
        context = {
            "index": self.index,
            "catalog": self.index.catalog,
            "title": title,
            "page_path": path,
            "link": _linker(path, markdown=True),
            "href": _linker(path, markdown=False),
            **values,
        }
        return self.environment.get_template(template).render(context)


def make_environment() -> jinja2.Environment:
    """The Jinja environment for generated Markdown: strict, and escaping every value."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(
        verdict_bars=charts.verdict_bars,
        month_columns=charts.month_columns,
        verdict_timeline=charts.verdict_timeline,
        claims_per_month=charts.claims_per_month,
    )
    environment.filters.update(
        slug=_slug,
        slugs=lambda values: Markup(" ".join(_slug(value) for value in values)),
        url=escape.url,
        attr=escape.attribute,
        markdown=escape.analysis_html,
        long_date=long_date,
        short_date=short_date,
    )
    return environment


def _finalize(value: object) -> object:
    if isinstance(value, Markup | int | date):
        return value
    if isinstance(value, str):
        return escape.text(value)
    raise TypeError(f"templates print only text, numbers and dates, not {type(value).__name__}")


def _slug(value: str) -> Markup:
    if not re.fullmatch(r"[a-z0-9-]+", value):
        raise ValueError(f"not a slug: {value!r}")
    return Markup(value)


def long_date(value: date) -> str:
    """18 October 2024."""
    return f"{value.day} {value:%B %Y}"


def short_date(value: date) -> str:
    """18 Oct 2024: for table cells, where the date stays on one line."""
    return f"{value.day} {value:%b %Y}"


def _linker(from_path: str, *, markdown: bool) -> Callable[[str], Markup]:
    """Relative links from one generated page: to .md files, or to their directory URLs."""

    def link(to_path: str) -> Markup:
        to_path, _, anchor = to_path.partition("#")
        if markdown:
            target = _relative(to_path, posixpath.dirname(from_path) or ".")
        else:
            target = _relative(_url_dir(to_path), _url_dir(from_path))
            target = "./" if target == "." else target + "/"
        return Markup(target + (f"#{anchor}" if anchor else ""))

    return link


@functools.lru_cache(maxsize=65536)
def _relative(path: str, start: str) -> str:
    return posixpath.relpath(path, start)


def _url_dir(path: str) -> str:
    """The folder a page is served from: `a/b.md` at `a/b/`, `a/index.md` at `a/`."""
    stem = path.removesuffix(".md")
    if posixpath.basename(stem) == "index":
        return posixpath.dirname(stem) or "."
    return stem


def normalise(text: str) -> str:
    """Text with whitespace runs collapsed and typographic quotes made plain."""
    for fancy, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text)


def _mark_quotes(index: Index, source: Source) -> list[Marked]:
    """Where each claim's quote stands in the seed text, as spans of the original text."""
    text = index.seed_texts[source.id]
    marked = []
    for claim in index.claims_by_source.get(source.id, []):
        for appearance in claim.appearances:
            if appearance.source != source.id:
                continue
            match = re.search(_quote_pattern(appearance.quote), text)
            if match:
                marked.append(Marked(match.start(), match.end(), claim))
    return sorted(marked, key=lambda span: span.start)


def _quote_pattern(quote: str) -> str:
    """A regex matching `quote` in the original text, whatever its whitespace and quote marks."""
    classes = {"'": "['\u2018\u2019]", '"': '["\u201c\u201d]'}
    parts = []
    for character in normalise(quote).strip():
        if character == " ":
            parts.append(r"\s+")
        else:
            parts.append(classes.get(character, re.escape(character)))
    return "".join(parts)


@dataclass(frozen=True)
class Segment:
    """A run of seed text, marked with the claim it quotes or not."""

    text: str
    claim: Claim | None = None


def _paragraphs(text: str, marked: list[Marked]) -> list[list[Segment]]:
    """Seed text split into paragraphs of plain and quoted segments. Overlaps keep the first."""
    segments: list[Segment] = []
    position = 0
    for span in marked:
        if span.start < position:
            continue
        segments.append(Segment(text[position : span.start]))
        segments.append(Segment(text[span.start : span.end], span.claim))
        position = span.end
    segments.append(Segment(text[position:]))
    paragraphs: list[list[Segment]] = [[]]
    for segment in segments:
        pieces = segment.text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                paragraphs.append([])
            if piece.strip():
                paragraphs[-1].append(Segment(piece, segment.claim))
    return [paragraph for paragraph in paragraphs if paragraph]
