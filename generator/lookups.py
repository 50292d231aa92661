"""Look-ups over a validated catalog, computed once: records by id, claims grouped and sorted."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Literal, NamedTuple

from generator.model import (
    Appearance,
    Catalog,
    Claim,
    Claimant,
    Confidence,
    HistoryEntry,
    Qualifier,
    Rating,
    ReconstructedVerdict,
    Source,
)

# The claims table's filters: the field (as claims-table.json's rows and the page's URL name it)
# and its label. Their choices grow with the archive, so pages do not carry them: the browser
# loads them from claims-filters.json.
FILTERS = {
    "verdict": "Verdict",
    "confidence": "Confidence",
    "claimant": "Claimant",
    "qualifier": "Note",
    "tag": "Tag",
    "source": "Article",
}

ChangeKind = Literal["published", "changed", "corrected", "reviewed"]


class Change(NamedTuple):
    """A history entry, with its claim and the verdict the claim had before it."""

    entry: HistoryEntry
    claim: Claim
    before: str | None
    """The verdict before this entry; None when this entry published the check."""

    @property
    def kind(self) -> ChangeKind:
        """Whether the entry published the check, changed the verdict, or kept it while
        correcting an error of ours or recording a review."""
        if self.before is None:
            return "published"
        if self.before != self.entry.rating:
            return "changed"
        return "corrected" if self.entry.correction else "reviewed"


def by_title(source: Source) -> tuple[str, str]:
    """The order in which sources are listed: by title, whatever its case."""
    return source.title.casefold(), source.id


def by_name(claimant: Claimant) -> tuple[str, str]:
    """The order in which claimants are listed: by name, whatever its case."""
    return claimant.name.casefold(), claimant.id


class Index:
    """Look-ups over a catalog; claims are listed newest first."""

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
            for source_id in cited_sources(claim):
                found[source_id].append(claim)
        return found

    # The lists below are newest first; on the same date, claims keep the listing order of
    # `claims` (sorting is stable), so that every list of the site orders ties alike.

    @cached_property
    def latest_changes(self) -> list[Change]:
        """Every history entry, newest first: publications, verdict changes, corrections and
        reviews."""
        changes: list[Change] = []
        for claim in self.claims:
            history = claim.history
            befores = [None, *(entry.rating for entry in history[:-1])]
            entries = zip(history, befores, strict=True)
            changes += reversed([Change(entry, claim, before) for entry, before in entries])
        return sorted(changes, key=lambda change: change.entry.date, reverse=True)

    @cached_property
    def latest_checks(self) -> list[Claim]:
        """Claims by the date the desk first published their check, newest first."""
        return sorted(self.claims, key=lambda claim: claim.published, reverse=True)

    @cached_property
    def corrections(self) -> list[tuple[HistoryEntry, Claim]]:
        """History entries marked as corrections, newest first."""
        return [(c.entry, c.claim) for c in self.latest_changes if c.entry.correction]

    @cached_property
    def filter_options(self) -> dict[str, list[tuple[str, str]]]:
        """The choices of each of the claims table's filters (FILTERS): (value, text) pairs."""
        used_qualifiers = {q for claim in self.claims for q in claim.qualifiers}
        used_tags = sorted({tag for claim in self.claims for tag in claim.tags})
        sources = sorted(self.catalog.sources, key=by_title)
        claimants = sorted(self.catalog.claimants, key=by_name)
        return {
            "verdict": [(r.id, r.label) for r in self.catalog.ratings],
            "confidence": [(c.id, c.label) for c in self.catalog.confidence],
            "claimant": [(c.id, c.name) for c in claimants],
            "qualifier": [
                (q.id, q.label) for q in self.catalog.qualifiers if q.id in used_qualifiers
            ],
            "tag": [(tag, tag) for tag in used_tags],
            "source": [(s.id, s.shown_title) for s in sources if s.kind == "seed-article"],
        }

    def confidence_rank(self, level: Confidence) -> int:
        """Higher for more confident levels, for sorting."""
        return len(self.catalog.confidence) - self.catalog.confidence.index(level)

    def appearing_in(self, source: Source) -> list[Claim]:
        return [
            claim
            for claim in self.claims_by_source.get(source.id, [])
            if appeared_in(claim, source.id)
        ]

    def verdict_counts(self, claims: Iterable[Claim]) -> list[tuple[Rating, int]]:
        counts = Counter(claim.rating for claim in claims)
        return [(rating, counts[rating.id]) for rating in self.catalog.ratings]

    def appearances_in(self, source: Source) -> list[tuple[Appearance, Claim]]:
        """What the source said of each claim, in listing order."""
        return [
            (appearance, claim)
            for claim in self.appearing_in(source)
            for appearance in claim.appearances
            if appearance.source == source.id
        ]

    def accuracy_counts(self, source: Source) -> list[tuple[Rating, int]]:
        """The source's scorecard: how accurately it reported each claim, by rating."""
        counts = Counter(appearance.accuracy for appearance, _ in self.appearances_in(source))
        return [(rating, counts[rating.id]) for rating in self.catalog.ratings]


def appearance_sources(claim: Claim) -> list[str]:
    """The sources a claim appeared in, once each, in order."""
    return list(dict.fromkeys(item.source for item in claim.appearances))


def cited_sources(claim: Claim) -> list[str]:
    """The sources a claim appeared in or cites as evidence, once each, in order."""
    cited = [item.source for item in claim.appearances] + [e.source for e in claim.evidence]
    return list(dict.fromkeys(cited))


def appeared_in(claim: Claim, source_id: str) -> bool:
    return any(item.source == source_id for item in claim.appearances)


def verdict_changes(entries: Sequence[HistoryEntry | ReconstructedVerdict]) -> bool:
    """Whether the verdict differs anywhere in `entries`: a review or a correction keeps it."""
    return any(entry.rating != entries[0].rating for entry in entries)


def current_since(claim: Claim) -> date:
    """When the current verdict was first given: later entries may only add evidence."""
    since = claim.history[-1].date
    for entry in reversed(claim.history):
        if entry.rating != claim.rating:
            break
        since = entry.date
    return since
