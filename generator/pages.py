"""Records in, Markdown pages out: what each page shows, what it depends on, and its text.

`plan_pages` lists every generated page with its template, the values the template lays out,
and its inputs: the records it shows (as ("claims", id)-style references, resolved to
fingerprints by generator/site.py) and any plain values, such as where a page stands in its
list. A list page's inputs are the records of the claims it lists, whose rows show them. A
page's text is a function of its template and those inputs alone, which is what lets a build
skip a page whose inputs did not change.

Each page's text starts with one line, `<!-- factcheck {...} -->`, holding its title and the
metadata the theme prints in the head (structured data, social tags), as JSON. Everything that
ends up in the page's HTML is therefore in its file: a page is rebuilt exactly when its file
changes.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from generator import escape, metadata, paths, templates
from generator.charts import claims_per_month
from generator.lookups import (
    FILTERS,
    Index,
    by_name,
    by_title,
    cited_sources,
    current_since,
    verdict_changes,
)
from generator.model import Claim, Rating, Source, field_reference
from generator.quotes import mark_quotes, paragraphs
from generator.structured import StructuredData

CLAIMS_PER_PAGE = 100
LATEST_CHECKS = 10
LATEST_CHANGES = 8
SOURCES_PER_PAGE = 200
CLAIMANTS_PER_PAGE = 200
CORRECTIONS_PER_PAGE = 100
PAGE_LINKS = 2
"""How many pages on either side of a page of a list it links to, besides the first and last."""
WITHDRAWN_TITLE = "Withdrawn and renamed fact checks"
META_START = "<!-- factcheck "
META_END = " -->\n"


@dataclass(frozen=True)
class Page:
    """A page to generate: where it goes, how it is made, and what it depends on."""

    path: str
    template: str
    title: str
    values: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    """What the template shows; a callable when that costs more than a build that renders
    few pages should pay for every page."""
    inputs: tuple[object, ...] | None
    """Records (as Ref) and plain values the page shows; None: render it every time."""
    meta: Callable[[], Mapping[str, Any]] | None = None
    """The page's head metadata, computed only when the page is rendered."""


class Ref(NamedTuple):
    """A record a page shows, by section and id: its fingerprint goes into the page's key."""

    section: str
    id: str


class Label(NamedTuple):
    """A rating, confidence level or claimant as a list row shows it."""

    id: str
    label: str


class ClaimRow(NamedTuple):
    """One claim as list pages show it."""

    id: str
    short: str
    verdict: Label
    verdict_value: int
    confidence: Label
    confidence_rank: int
    claimant: Label
    claimed: date
    qualifiers: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[str, ...]


class Pagination(NamedTuple):
    """Where a page stands in its list, with the paths of the list's pages."""

    number: int
    paths: tuple[str, ...]
    first_item: int
    last_item: int
    total: int

    def window(self) -> list[int | None]:
        """The numbers of the pages this page links to: the first and the last, and the
        PAGE_LINKS pages on either side of this one; None stands for pages left out, so that
        the links stay few whatever the list's length. Every page stays reachable through
        them, and through Previous and Next."""
        count = len(self.paths)
        near = range(max(1, self.number - PAGE_LINKS), min(count, self.number + PAGE_LINKS) + 1)
        numbers: list[int | None] = []
        last = 0
        for number in sorted({1, count, *near}):
            if number - last == 2:
                numbers.append(last + 1)  # a gap of one page: the page itself
            elif number - last > 2:
                numbers.append(None)
            numbers.append(number)
            last = number
        return numbers


SCALE = Ref("scale", "")
"""The input every page has: the publisher, the verdict scale, notes and confidence levels."""


def render_page(page: Page) -> str:
    """The page's text: the metadata line, then its Markdown."""
    meta = {"title": page.title, **(page.meta() if page.meta else {})}
    values = page.values() if callable(page.values) else page.values
    body = templates.render(page.template, page.path, title=page.title, **values)
    return f"{META_START}{escape.json_for_script(meta)}{META_END}{body}"


def read_meta(text: str) -> tuple[dict[str, Any], str]:
    """A generated page's metadata and its Markdown; a page without the line has no metadata."""
    if not text.startswith(META_START):
        return {}, text
    line, _, body = text.partition(META_END)
    meta: dict[str, Any] = json.loads(line.removeprefix(META_START))
    return meta, body


RAW_HTML = re.compile(r"^<!-- fc:html -->\n(.*?)\n<!-- fc:end -->$", re.MULTILINE | re.DOTALL)
ID_ATTRIBUTE = re.compile(r'\sid="([^"]+)"')


def set_aside_html(markdown: str, nonce: str) -> tuple[str, list[str]]:
    """The Markdown with each raw HTML section replaced by a placeholder, and the sections.

    The sections are HTML already, which Markdown would pass through unchanged: setting them
    aside spares the Markdown processor from parsing them. `put_back_html` puts them back.
    """
    blocks: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        blocks.append(match.group(1))
        return f"fchtml{nonce}x{len(blocks) - 1}"

    return RAW_HTML.sub(placeholder, markdown), blocks


def put_back_html(html: str, blocks: list[str], nonce: str) -> str:
    """The converted page with each placeholder paragraph replaced by its HTML section."""
    return re.sub(
        rf"<p>fchtml{nonce}x([0-9]+)</p>", lambda match: blocks[int(match.group(1))], html
    )


def html_ids(blocks: list[str]) -> set[str]:
    """The ids that raw HTML sections give their elements, which links may point to."""
    return {match.group(1) for block in blocks for match in ID_ATTRIBUTE.finditer(block)}


def plan_pages(index: Index, structured: StructuredData) -> Iterator[Page]:
    """Every generated page of the site, claims first."""
    site_url = structured.site_url
    descriptions = metadata.list_descriptions(index)
    for claim in index.claims:
        yield claim_page(index, structured, claim)
    yield from _claims_list(index, site_url, descriptions[paths.CLAIMS])
    yield from _verdict_pages(index, site_url, descriptions[paths.VERDICTS])
    yield from _claimant_pages(index, site_url, descriptions[paths.CLAIMANTS])
    for source in sorted(index.catalog.sources, key=lambda source: source.id):
        yield from source_pages(index, site_url, source)
    yield from _sources_list(index, site_url, descriptions[paths.SOURCES])
    claims_by_id = {claim.id: claim for claim in index.catalog.claims}
    for entry in index.catalog.retired:
        successor = claims_by_id.get(entry.redirect) if entry.redirect else None
        title = "Fact check moved" if successor else "Fact check withdrawn"
        values: dict[str, Any] = {"entry": entry, "successor": successor}
        path = paths.claim(entry.id)
        meta = _meta(index, path, title, entry.note, site_url, entry.date)
        inputs = (
            SCALE,
            entry.model_dump_json(),
            *([Ref("claims", successor.id)] if successor else []),
        )
        yield Page(path, "retired.md.j2", title, values, inputs, meta)
    title = "Verdicts, notes and confidence"
    meta = _meta(index, paths.SCALE, title, descriptions[paths.SCALE], site_url, None)
    yield Page(paths.SCALE, "scale.md.j2", title, {"catalog": index.catalog}, None, meta)
    yield from _corrections(index, site_url, descriptions)


def _meta(
    index: Index,
    path: str,
    title: str,
    description: str,
    site_url: str,
    lastmod: date | None,
    *,
    is_list: bool = False,
) -> Callable[[], dict[str, Any]]:
    """A page's head metadata, computed when the page is rendered."""
    return functools.partial(
        metadata.page_meta,
        index,
        path,
        title,
        description,
        site_url,
        lastmod=lastmod,
        is_list=is_list,
    )


def _page_description(title: str, pagination: Pagination, order: str = "newest first") -> str:
    return (
        f"{title}: {pagination.first_item} to {pagination.last_item} of {pagination.total}, "
        f"{order}."
    )


def _rows_meta(
    index: Index, path: str, title: str, description: str, site_url: str, claims: list[Claim]
) -> Callable[[], dict[str, Any]]:
    """The head metadata of a page listing `claims`: it last changed when the newest did."""

    def meta() -> dict[str, Any]:
        lastmod = metadata.claims_lastmod(claims)
        return metadata.page_meta(
            index, path, title, description, site_url, lastmod=lastmod, is_list=True
        )

    return meta


def _rows_shown(claims: list[Claim]) -> Iterator[Ref]:
    """The records whose fields the rows of `claims` show (`claim_row`): each claim, and its
    claimant's name. Every other field of a row comes from the scale, every page's input."""
    for claim in claims:
        yield Ref("claims", claim.id)
        yield Ref("claimants", claim.claimant)


def _rows_values(index: Index, claims: list[Claim], **values: object) -> dict[str, object]:
    """What a list page shows: `values`, and the rows of `claims`, made only if it is rendered."""
    return {"rows": [claim_row(index, claim) for claim in claims], **values}


def claim_page(index: Index, structured: StructuredData, claim: Claim) -> Page:
    sources = {source_id: index.sources[source_id] for source_id in cited_sources(claim)}
    inputs = (
        SCALE,
        Ref("claims", claim.id),
        Ref("claimants", claim.claimant),
        *(Ref("sources", source_id) for source_id in sources),
    )
    values = functools.partial(_claim_values, index, claim, sources)

    def meta() -> dict[str, Any]:
        return {
            **structured.page_meta(claim),
            **metadata.claim_meta(index, claim, structured.site_url),
        }

    return Page(paths.claim(claim.id), "claim.md.j2", claim.short, values, inputs, meta)


def _claim_values(index: Index, claim: Claim, sources: dict[str, Source]) -> dict[str, Any]:
    """What a claim page shows, made only when it is rendered: a preview plans every page."""
    return {
        "claim": claim,
        "claimant": index.claimants[claim.claimant],
        "sources": sources,
        "ratings": index.ratings,
        "qualifiers": index.qualifiers,
        "level": index.confidence[claim.confidence],
        "since": current_since(claim),
        "history_changes": verdict_changes(claim.history),
        "corrections": [entry for entry in claim.history if entry.correction],
        "reconstruction_changes": verdict_changes(claim.reconstruction),
    }


def source_pages(index: Index, site_url: str, source: Source) -> Iterator[Page]:
    """A source's page, and the later pages of the claims citing it when they are more than
    one page lists: a source cited by thousands of claims keeps pages of the usual size."""
    cited = index.claims_by_source.get(source.id, [])
    has_text = source.id in index.seed_texts
    for pagination, chunk in _paginate(paths.source(source.id), cited, CLAIMS_PER_PAGE):
        if pagination.number == 1:
            yield _source_page(index, site_url, source, pagination, chunk)
            continue
        path = pagination.paths[pagination.number - 1]
        title = f"Claims citing {source.shown_title}, page {pagination.number}"
        values = {
            "source": source,
            "cited": chunk,
            "pagination": pagination,
            "ratings": index.ratings,
            "has_text": has_text,
        }
        records = (Ref("claims", claim.id) for claim in chunk)
        inputs = (SCALE, Ref("sources", source.id), has_text, pagination, *records)
        lastmod = max(metadata.claim_lastmod(claim) for claim in chunk)
        description = _page_description(title, pagination)
        meta = _meta(index, path, title, description, site_url, lastmod, is_list=True)
        yield Page(path, "source_claims.md.j2", title, values, inputs, meta)


def _source_page(
    index: Index, site_url: str, source: Source, pagination: Pagination, listed: list[Claim]
) -> Page:
    """The source's own page, which lists the first of the claims citing it."""
    inputs: list[object] = [SCALE, Ref("sources", source.id), pagination]
    if source.id in index.seed_texts:
        inputs.append(Ref("seeds", source.id))
    inputs.extend(Ref("claims", claim.id) for claim in listed)
    if len(pagination.paths) > 1:
        # The scorecard, the errors and the annotated text show every claim the source
        # carries, and the description and the last change count every claim citing it:
        # later pages list some of those.
        shown = {claim.id for claim in listed}
        carried = index.appearing_in(source)
        inputs.extend(Ref("claims", claim.id) for claim in carried if claim.id not in shown)
        inputs.append(metadata.source_lastmod(index, source))
    values = functools.partial(_source_values, index, source, listed, pagination)
    meta = functools.partial(metadata.source_meta, index, source, site_url)
    path = paths.source(source.id)
    return Page(path, "source.md.j2", source.shown_title, values, tuple(inputs), meta)


def _source_values(
    index: Index, source: Source, cited: list[Claim], pagination: Pagination
) -> dict[str, Any]:
    """What a source page shows: its scorecard and its annotated text cost the most."""
    appearing = index.appearing_in(source)
    text = index.seed_texts.get(source.id)
    marked = mark_quotes(text, source.id, appearing) if text is not None else []
    return {
        "source": source,
        "cited": cited,
        "pagination": pagination,
        "has_text": text is not None,
        "appearing": appearing,
        "counts": index.accuracy_counts(source),
        "appearances": index.appearances_in(source),
        "ratings": index.ratings,
        "paragraphs": paragraphs(text, marked) if text is not None else [],
    }


def claim_row(index: Index, claim: Claim) -> ClaimRow:
    rating = index.ratings[claim.rating]
    level = index.confidence[claim.confidence]
    claimant = index.claimants[claim.claimant]
    return ClaimRow(
        claim.id,
        claim.short,
        Label(rating.id, rating.label),
        rating.value,
        Label(level.id, level.label),
        index.confidence_rank(level),
        Label(claimant.id, claimant.name),
        claim.claimed,
        tuple(claim.qualifiers),
        tuple(claim.tags),
        tuple(dict.fromkeys(item.source for item in claim.appearances)),
    )


def _paginate(first: str, items: list[Any], size: int) -> Iterator[tuple[Pagination, list[Any]]]:
    count = max(1, -(-len(items) // size))
    all_paths = tuple(paths.list_page(first, number) for number in range(1, count + 1))
    for number in range(1, count + 1):
        chunk = items[(number - 1) * size : number * size]
        start = (number - 1) * size
        yield Pagination(number, all_paths, start + 1, start + len(chunk), len(items)), chunk


def _claims_list(index: Index, site_url: str, first: str) -> Iterator[Page]:
    months = claims_per_month(index.claims)
    for pagination, chunk in _paginate(paths.CLAIMS, index.claims, CLAIMS_PER_PAGE):
        title = "All claims" if pagination.number == 1 else f"All claims, page {pagination.number}"
        values = functools.partial(
            _rows_values,
            index,
            chunk,
            pagination=pagination,
            months=months,
            filters=FILTERS,
            verdict_column=True,
            claimant_column=True,
        )
        inputs = (SCALE, pagination, tuple(months), first, *_rows_shown(chunk))
        path = pagination.paths[pagination.number - 1]
        description = first if pagination.number == 1 else _page_description(title, pagination)
        meta = _rows_meta(index, path, title, description, site_url, chunk)
        yield Page(path, "claims.md.j2", title, values, inputs, meta)


def _verdict_pages(index: Index, site_url: str, description: str) -> Iterator[Page]:
    counts = index.verdict_counts(index.claims)
    title = "Claims by verdict"
    meta = _rows_meta(index, paths.VERDICTS, title, description, site_url, index.claims)
    yield Page(paths.VERDICTS, "verdicts.md.j2", title, {"counts": counts}, None, meta)
    by_rating: dict[str, list[Claim]] = {rating.id: [] for rating in index.catalog.ratings}
    for claim in index.claims:
        by_rating[claim.rating].append(claim)
    for rating in index.catalog.ratings:
        heading = f"Claims rated {rating.label}"
        first = paths.verdict(rating.id)
        yield from _row_pages(index, site_url, first, heading, by_rating[rating.id], rating)


def _claimant_pages(index: Index, site_url: str, description: str) -> Iterator[Page]:
    claimants = sorted(index.catalog.claimants, key=by_name)
    claims_of: dict[str, list[Claim]] = {claimant.id: [] for claimant in claimants}
    for claim in index.claims:
        claims_of[claim.claimant].append(claim)
    counts = {claimant_id: len(listed) for claimant_id, listed in claims_of.items()}
    for pagination, chunk in _paginate(paths.CLAIMANTS, claimants, CLAIMANTS_PER_PAGE):
        title = "Claims by claimant"
        if pagination.number == 1:
            summary = description
        else:
            title = f"{title}, page {pagination.number}"
            summary = _page_description(title, pagination, "by name")
        values = {"claimants": chunk, "counts": counts, "pagination": pagination}
        shown = tuple(counts[claimant.id] for claimant in chunk)
        changed = metadata.claims_lastmod(claim for c in chunk for claim in claims_of[c.id])
        records = (Ref("claimants", claimant.id) for claimant in chunk)
        inputs = (SCALE, pagination, summary, changed, shown, *records)
        path = pagination.paths[pagination.number - 1]
        meta = _meta(index, path, title, summary, site_url, changed, is_list=True)
        yield Page(path, "claimants.md.j2", title, values, inputs, meta)
    for claimant in claimants:
        heading = f"Claims by {claimant.name}"
        first = paths.claimant(claimant.id)
        about = {
            "claimant": claimant,
            "kind": metadata.CLAIMANT_KIND_NAMES[claimant.kind],
            "counts": index.verdict_counts(claims_of[claimant.id]),
        }
        yield from _row_pages(index, site_url, first, heading, claims_of[claimant.id], about)


def _row_pages(
    index: Index,
    site_url: str,
    first: str,
    heading: str,
    claims: list[Claim],
    about: Rating | dict[str, object],
) -> Iterator[Page]:
    """A list of claims: those with a verdict (`about` is the rating), or those of a claimant
    (`about` gives the claimant, their kind and the verdicts their claims got)."""
    rating = about if isinstance(about, Rating) else None
    claimant = None if isinstance(about, Rating) else about
    for pagination, chunk in _paginate(first, claims, CLAIMS_PER_PAGE):
        title = heading if pagination.number == 1 else f"{heading}, page {pagination.number}"
        values = functools.partial(
            _rows_values,
            index,
            chunk,
            pagination=pagination,
            heading=heading,
            rating=rating,
            about=claimant,
            verdict_column=rating is None,
            claimant_column=claimant is None,
        )
        inputs = (SCALE, pagination, heading, repr(about), *_rows_shown(chunk))
        path = pagination.paths[pagination.number - 1]
        meta = _rows_meta(index, path, title, _page_description(title, pagination), site_url, chunk)
        yield Page(path, "claim_list.md.j2", title, values, inputs, meta)


def _sources_list(index: Index, site_url: str, first: str) -> Iterator[Page]:
    sources = sorted(index.catalog.sources, key=by_title)
    for pagination, chunk in _paginate(paths.SOURCES, sources, SOURCES_PER_PAGE):
        title = "Sources" if pagination.number == 1 else f"Sources, page {pagination.number}"
        values = {"sources": chunk, "pagination": pagination}
        inputs = (SCALE, pagination, first, *(Ref("sources", source.id) for source in chunk))
        path = pagination.paths[pagination.number - 1]
        if pagination.number == 1:
            description = first
        else:
            description = _page_description(title, pagination, "by title")
        # No last change: the sources' own dates are not changes of this page, and the page
        # keeps no record of when a source's entry was edited.
        meta = _meta(index, path, title, description, site_url, None, is_list=True)
        yield Page(path, "sources.md.j2", title, values, inputs, meta)


def _corrections(index: Index, site_url: str, descriptions: dict[str, str]) -> Iterator[Page]:
    """The corrections log, and the list of withdrawn and renamed fact checks that it links to
    when there are any: both newest first, in pages, as both grow with the archive."""
    retired = index.catalog.retired[::-1]
    corrections = [(entry.date, (entry, claim)) for entry, claim in index.corrections]
    logs: list[tuple[str, str, str, list[tuple[date, Any]]]] = [
        (paths.CORRECTIONS, "Corrections log", "corrections.md.j2", corrections)
    ]
    if retired:
        withdrawn = [(entry.date, entry) for entry in retired]
        logs.append((paths.WITHDRAWN, WITHDRAWN_TITLE, "withdrawn.md.j2", withdrawn))
    for first, heading, template, entries in logs:
        for pagination, chunk in _paginate(first, entries, CORRECTIONS_PER_PAGE):
            title = heading if pagination.number == 1 else f"{heading}, page {pagination.number}"
            summary = descriptions[first]
            if pagination.number > 1:
                summary = _page_description(title, pagination)
            values = {
                "entries": [entry for _, entry in chunk],
                "pagination": pagination,
                "retired": len(retired),
            }
            lastmod = max((day for day, _ in chunk), default=None)
            path = pagination.paths[pagination.number - 1]
            meta = _meta(index, path, title, summary, site_url, lastmod)
            yield Page(path, template, title, values, None, meta)


def snippets(index: Index) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Markdown that hand-written pages include with `<!-- factcheck:NAME -->`: template, values."""
    return {
        "verdict-counts": (
            "_verdict_counts.md.j2",
            {"total": len(index.claims), "counts": index.verdict_counts(index.claims)},
        ),
        "latest-changes": (
            "_latest_changes.md.j2",
            {"changes": index.latest_changes[:LATEST_CHANGES], "ratings": index.ratings},
        ),
        "field-reference": ("_field_reference.md.j2", {"models": field_reference()}),
        "publisher": ("_publisher.md.j2", {"publisher": index.catalog.publisher}),
        "contact": ("_contact.md.j2", {"publisher": index.catalog.publisher}),
        "latest-checks": (
            "_latest_checks.md.j2",
            {
                "latest": index.latest_checks[:LATEST_CHECKS],
                "ratings": index.ratings,
                "total": len(index.claims),
            },
        ),
    }


def render_snippet(template: str, values: Mapping[str, Any]) -> str:
    # Snippets land in hand-written pages at the top of the docs folder.
    return templates.render(template, "index.md", **values)
