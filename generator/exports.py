"""Machine-readable output: claim-page structured data, and the JSON, CSV, DataFeed and Atom files.

Every file is built from claims.yaml alone, so the same data gives the same bytes: no clock, file
time or git date is read. Claims are listed as the site lists them, the newest claim first, and
sources and claimants by id, so that moving records between files changes no byte. The Atom
feed lists the latest changes, newest first, as feed readers expect.

claims.csv is meant to be opened in spreadsheets, which run a cell that starts with `=`, `+`,
`-` or `@` (or a tab or carriage return before one) as a formula. Such cells get a leading
apostrophe, as OWASP advises against CSV injection; the apostrophe is visible in the cell.

claimreview-feed.json follows the shape of Data Commons' fact-check feed: a schema.org DataFeed
whose DataFeedItems each carry one page's ClaimReview in `item`. It has no `sdLicense`, because
claims.yaml does not record a licence for the data.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from generator import metadata, schema
from generator.lookups import FILTERS, Index, appearance_sources, by_name
from generator.model import Claim, Claimant, Source
from generator.structured import SCHEMA_ORG, StructuredData, organization
from generator.templates import short_date

ATOM = "http://www.w3.org/2005/Atom"
CSV_COLUMNS = (
    "id", "claim", "claimant", "claimed", "verdict", "confidence", "qualifiers", "url",
    "last_reviewed", "title", "published",
)  # fmt: skip
# An Atom entry's title says what the entry records, then names the claim.
FEED_TITLES = {
    "published": "{verdict}: {claim}",
    "changed": "Verdict changed to {verdict}: {claim}",
    "corrected": "Correction, the verdict stays {verdict}: {claim}",
    "reviewed": "Reviewed, the verdict stays {verdict}: {claim}",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Feed readers poll the feed often: it carries the latest changes, not the whole archive.
FEED_ENTRIES = 100


@dataclass
class Reuse:
    """Per-record parts of the data files, kept between builds by the digest of their inputs.

    A record's JSON depends on the record alone (and the site's URL, part of every key); a
    claim's ClaimReview, and its rows of claims.csv and of the claims table, on the same inputs
    as its page, whose key `claim_keys` gives.
    """

    fingerprints: Mapping[str, Mapping[str, bytes]]
    claim_keys: Mapping[str, bytes]
    parts: dict[tuple[str, bytes], Any] = field(default_factory=dict)
    """The parts kept; shared with the caller, which keeps them for the next build."""
    used: set[tuple[str, bytes]] = field(default_factory=set)

    def get(self, kind: str, key: bytes | None, compute: Callable[[], Any]) -> Any:
        if key is None:
            return compute()
        found = self.parts.get((kind, key))
        if found is None:
            found = self.parts[(kind, key)] = compute()
        self.used.add((kind, key))
        return found

    def per_claim(
        self, kind: str, claims: list[Claim], compute: Callable[[Claim], Any]
    ) -> list[Any]:
        """Each claim's part of a data file that shows what its page does, kept by its page's
        key."""
        return [
            self.get(kind, self.claim_keys.get(claim.id), functools.partial(compute, claim))
            for claim in claims
        ]

    def forget_unused(self) -> None:
        for stale in self.parts.keys() - self.used:
            del self.parts[stale]
        self.used.clear()


def data_files(
    index: Index, structured: StructuredData, reuse: Reuse | None = None
) -> dict[str, str | bytes]:
    """The data files of the site, by path relative to its root."""
    reuse = reuse or Reuse({}, {})
    return {
        "robots.txt": metadata.robots_txt(structured.site_url),
        "claims.json": claims_json(index, structured, reuse),
        schema.EXPORT_SCHEMA_PATH: schema.export_schema_text(structured.site_url),
        "claims.csv": claims_csv(index, structured, reuse),
        "claimreview-feed.json": claimreview_feed(index, structured, reuse),
        "feed.xml": atom_feed(index, structured),
        "claims-table.json": claim_rows(index, reuse),
        "claims-filters.json": filter_options(index),
    }


def filter_options(index: Index) -> str:
    """The choices of the claims table's filters, which the browser adds to the page's form."""
    data = {
        "filters": [
            {"name": name, "options": [list(pair) for pair in index.filter_options[name]]}
            for name in FILTERS
        ]
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def claim_rows(index: Index, reuse: Reuse | None = None) -> str:
    """The claims table of the whole archive, for filtering and sorting in the browser.

    Compact: labels are listed once and rows refer to them by position; rows are newest first.
    """
    reuse = reuse or Reuse({}, {})
    catalog = index.catalog
    claimants = sorted(catalog.claimants, key=by_name)
    rating_at = {rating.id: number for number, rating in enumerate(catalog.ratings)}
    level_at = {level.id: number for number, level in enumerate(catalog.confidence)}
    claimant_at = {claimant.id: number for number, claimant in enumerate(claimants)}
    data = {
        "verdicts": [[r.id, r.label, r.value] for r in catalog.ratings],
        "confidence": [[c.id, c.label, index.confidence_rank(c)] for c in catalog.confidence],
        "claimants": [[c.id, c.name] for c in claimants],
        "columns": [
            "id",
            "short",
            "verdict",
            "confidence",
            "claimant",
            "claimed",
            "display_date",
            "qualifiers",
            "tags",
            "sources",
        ],
    }

    def row(claim: Claim, claimant: int) -> str:
        return _encode(
            [
                claim.id,
                claim.short,
                rating_at[claim.rating],
                level_at[claim.confidence],
                claimant,
                claim.claimed.isoformat(),
                short_date(claim.claimed),
                claim.qualifiers,
                claim.tags,
                appearance_sources(claim),
            ]
        )

    rows = []
    for claim in index.claims:
        # The row shows what the claim's page does, and its claimant by position in the list.
        claimant = claimant_at[claim.claimant]
        key = reuse.claim_keys.get(claim.id)
        at = None if key is None else key + claimant.to_bytes(4, "big")
        rows.append(reuse.get("table", at, functools.partial(row, claim, claimant)))
    return _json_with(data, {"rows": rows})


def claims_json(index: Index, structured: StructuredData, reuse: Reuse | None = None) -> str:
    """The whole validated catalog, with each claim's page URL."""
    reuse = reuse or Reuse({}, {})
    catalog = index.catalog
    data = catalog.model_dump(mode="json", exclude={"sources", "claimants", "claims"})
    # In an order that does not depend on how the records are spread over files: claims as
    # the site lists them, sources and claimants by id.
    records: dict[str, Sequence[Source | Claimant | Claim]] = {
        "sources": sorted(catalog.sources, key=lambda source: source.id),
        "claimants": sorted(catalog.claimants, key=lambda claimant: claimant.id),
        "claims": index.claims,
    }
    encoded: dict[str, list[str]] = {}
    for section, listed in records.items():
        fingerprints = reuse.fingerprints.get(section, {})
        encoded[section] = [
            reuse.get(section, fingerprints.get(record.id), _record_encoder(record, structured))
            for record in listed
        ]
    # schema_version numbers this file's layout; `version` is that of claims.yaml.
    return _json_with({"schema_version": schema.EXPORT_SCHEMA_VERSION, **data}, encoded)


def _record_encoder(record: BaseModel, structured: StructuredData) -> Callable[[], str]:
    """A record as JSON; a claim with its page's URL."""

    def encode() -> str:
        value = record.model_dump(mode="json")
        if isinstance(record, Claim):
            value["url"] = structured.claim_url(record)
        return _encode(value)

    return encode


def claims_csv(index: Index, structured: StructuredData, reuse: Reuse | None = None) -> str:
    """One row per claim, for spreadsheets."""
    reuse = reuse or Reuse({}, {})
    rows = reuse.per_claim("csv", index.claims, functools.partial(_csv_row, index, structured))
    return _csv_line(CSV_COLUMNS) + "".join(rows)


def _csv_row(index: Index, structured: StructuredData, claim: Claim) -> str:
    """A claim's row of claims.csv."""
    row = [
        claim.id,
        claim.claim,
        index.claimants[claim.claimant].name,
        claim.claimed.isoformat(),
        index.ratings[claim.rating].label,
        index.confidence[claim.confidence].label,
        "; ".join(index.qualifiers[item].label for item in claim.qualifiers),
        structured.claim_url(claim),
        claim.reviewed.isoformat(),
        claim.short,
        claim.published.isoformat(),
    ]
    return _csv_line([defuse_formula(cell) for cell in row])


def _csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def defuse_formula(cell: str) -> str:
    """A cell that a spreadsheet would run as a formula, made plain text. Some spreadsheets
    trim the spaces and line breaks before a cell's text, so those do not make it safe."""
    return (
        "'" + cell
        if cell.lstrip().startswith(FORMULA_STARTS) or cell.startswith(FORMULA_STARTS)
        else cell
    )


def claimreview_feed(index: Index, structured: StructuredData, reuse: Reuse | None = None) -> str:
    """Every ClaimReview in one schema.org DataFeed."""
    reuse = reuse or Reuse({}, {})
    elements = reuse.per_claim(
        "claimreview", index.claims, functools.partial(_feed_item, structured)
    )
    feed: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "DataFeed",
        "name": f"{index.catalog.publisher.name}: ClaimReview feed",
        "url": f"{structured.site_url}claimreview-feed.json",
        "publisher": organization(index.catalog.publisher),
    }
    newest = _newest_date(index)
    if newest is not None:
        feed["dateModified"] = newest.isoformat()
    return _json_with(feed, {"dataFeedElement": elements})


def _feed_item(structured: StructuredData, claim: Claim) -> str:
    """A claim's ClaimReview as a DataFeedItem, encoded."""
    review = structured.claim_review(claim)
    return _encode(
        {
            "@type": "DataFeedItem",
            "dateCreated": review["datePublished"],
            "dateModified": review["dateModified"],
            "url": review["url"],
            "item": [review],
        }
    )


def atom_feed(index: Index, structured: StructuredData) -> bytes:
    """An Atom 1.0 feed of the latest published verdicts and changes, newest first.

    Entries come from `history` only, so they are dated when the desk published them; the
    reconstruction of earlier dates is not a publication and never reaches the feed.
    """
    ET.register_namespace("", ATOM)
    publisher = index.catalog.publisher
    feed = ET.Element(_atom("feed"))
    _add(feed, "title", f"{publisher.name}: verdict updates")
    _add(
        feed, "subtitle", "Every verdict published or changed, newest first, dated when published."
    )
    _add(feed, "id", f"{structured.site_url}feed.xml")
    _add(
        feed, "link", rel="self", type="application/atom+xml", href=f"{structured.site_url}feed.xml"
    )
    _add(feed, "link", rel="alternate", type="text/html", href=structured.site_url)
    # A feed without entries still needs <updated>: the epoch says "never", not "now".
    _add(feed, "updated", _timestamp(_newest_date(index) or date(1970, 1, 1)))
    author = _add(feed, "author")
    _add(author, "name", publisher.name)
    _add(author, "uri", publisher.url)
    for change in index.latest_changes[:FEED_ENTRIES]:
        entry, claim = change.entry, change.claim
        rating = index.ratings[entry.rating]
        url = structured.claim_url(claim)
        item = _add(feed, "entry")
        _add(item, "id", f"{url}#update-{entry.date.isoformat()}")
        title = FEED_TITLES[change.kind].format(verdict=rating.label, claim=claim.short)
        _add(item, "title", title)
        _add(item, "link", rel="alternate", type="text/html", href=url)
        _add(item, "published", _timestamp(entry.date))
        _add(item, "updated", _timestamp(entry.date))
        _add(item, "category", term=rating.id, label=rating.label)
        if entry.correction:
            _add(item, "category", term="correction", label="Correction")
        _add(item, "summary", entry.note)
    ET.indent(feed)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _atom(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, _atom(tag), attributes)
    element.text = text
    return element


def _timestamp(day: date) -> str:
    """A YAML date as an RFC 3339 date-time, which Atom requires: midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def _newest_date(index: Index) -> date | None:
    dates = [entry.date for claim in index.catalog.claims for entry in claim.history]
    return max(dates, default=None)


def _encode(value: Any) -> str:
    # Compact: with `indent`, json.dumps falls back from its C encoder to pure Python, which
    # costs seconds on a large archive.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_with(value: dict[str, Any], lists: dict[str, list[str]]) -> str:
    """`value` as JSON, followed by lists whose items are JSON already (kept from earlier builds).

    Each list goes in as a placeholder string that no data can spell (claims files hold no
    U+0000), and the text is then joined once from the pieces between the placeholders and
    the items: the file may be tens of megabytes, and a preview makes it after every edit.
    """
    text = _encode({**value, **{key: f"\0{key}\0" for key in lists}})
    placeholders = {key: _encode(f"\0{key}\0") for key in lists}
    pieces: list[str] = []
    for key in sorted(lists, key=lambda key: text.index(placeholders[key])):
        before, _, text = text.partition(placeholders[key])
        pieces += [before, "[", *_separated(lists[key]), "]"]
    pieces += [text, "\n"]
    return "".join(pieces)


def _separated(items: list[str]) -> Iterator[str]:
    """The items, with a comma between each two."""
    for number, item in enumerate(items):
        if number:
            yield ","
        yield item
