"""Machine-readable output: claim-page structured data, and the JSON, CSV, DataFeed and Atom files.

Every file is built from claims.yaml alone, so the same data gives the same bytes: no clock, file
time or git date is read. Lists keep the order of claims.yaml, except the Atom feed, which is
newest first as feed readers expect.

claims.csv is meant to be opened in spreadsheets, which run a cell that starts with `=`, `+`,
`-` or `@` (or a tab or carriage return before one) as a formula. Such cells get a leading
apostrophe, as OWASP advises against CSV injection; the apostrophe is visible in the cell.

claimreview-feed.json follows the shape of Data Commons' fact-check feed: a schema.org DataFeed
whose DataFeedItems each carry one page's ClaimReview in `item`. It has no `sdLicense`, because
claims.yaml does not record a licence for the data.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from typing import TYPE_CHECKING, Any

from generator import metadata
from generator.structured import SCHEMA_ORG, StructuredData, organization

if TYPE_CHECKING:
    # pages.py calls add_machine_readable at the end of render_site.
    from generator.pages import Index, Settings, Site

ATOM = "http://www.w3.org/2005/Atom"
EXPORT_SCHEMA_VERSION = 1
CSV_COLUMNS = (
    "id", "claim", "claimant", "claimed", "verdict", "confidence", "qualifiers", "url",
    "last_reviewed",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def add_machine_readable(site: Site, index: Index, settings: Settings) -> None:
    """Add structured data and metadata to the generated pages, and the data files to the site."""
    structured = StructuredData(index, settings.site_url)
    for claim in index.catalog.claims:
        site.meta.setdefault(f"claims/{claim.id}.md", {}).update(structured.page_meta(claim))
    metadata.add_page_meta(site, index, settings.site_url)
    site.files["robots.txt"] = metadata.robots_txt(settings.site_url)
    site.files["claims.json"] = claims_json(index, structured)
    site.files["claims.csv"] = claims_csv(index, structured)
    site.files["claimreview-feed.json"] = claimreview_feed(index, structured)
    site.files["feed.xml"] = atom_feed(index, structured)


def claims_json(index: Index, structured: StructuredData) -> str:
    """The whole validated catalog, with each claim's page URL."""
    data = index.catalog.model_dump(mode="json")
    for claim, record in zip(index.catalog.claims, data["claims"], strict=True):
        record["url"] = structured.claim_url(claim)
    # schema_version numbers this file's layout; `version` is that of claims.yaml.
    return _json({"schema_version": EXPORT_SCHEMA_VERSION, **data})


def claims_csv(index: Index, structured: StructuredData) -> str:
    """One row per claim, for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for claim in index.catalog.claims:
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
        ]
        writer.writerow([defuse_formula(cell) for cell in row])
    return buffer.getvalue()


def defuse_formula(cell: str) -> str:
    """A cell that a spreadsheet would run as a formula, made plain text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def claimreview_feed(index: Index, structured: StructuredData) -> str:
    """Every ClaimReview in one schema.org DataFeed."""
    elements = []
    for claim in index.catalog.claims:
        review = structured.claim_review(claim)
        elements.append(
            {
                "@type": "DataFeedItem",
                "dateCreated": review["datePublished"],
                "dateModified": review["dateModified"],
                "url": review["url"],
                "item": [review],
            }
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
    feed["dataFeedElement"] = elements
    return _json(feed)


def atom_feed(index: Index, structured: StructuredData) -> bytes:
    """An Atom 1.0 feed with one entry for each verdict given or changed, newest first."""
    ET.register_namespace("", ATOM)
    publisher = index.catalog.publisher
    feed = ET.Element(_atom("feed"))
    _add(feed, "title", f"{publisher.name}: verdict updates")
    _add(feed, "subtitle", "Every verdict given or changed, newest first.")
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
    for entry, claim in index.latest_changes:
        rating = index.ratings[entry.rating]
        url = structured.claim_url(claim)
        item = _add(feed, "entry")
        _add(item, "id", f"{url}#update-{entry.date.isoformat()}")
        _add(item, "title", f"{rating.label}: {claim.short}")
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


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
