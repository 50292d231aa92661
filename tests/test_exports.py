"""Data files in the built site: claims.json, claims.csv, the ClaimReview DataFeed and feed.xml."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import lxml.html
import pytest

from generator.load import load_catalog
from generator.model import Catalog, Claim
from generator.site import Settings, read_seed_texts, render_site
from tests.conftest import GOLDEN, REPO

SITE_URL = "https://factcheck.example.org/"
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "claims.yaml")


def fixture_files(**claim_changes: str) -> dict[str, str | bytes]:
    """The data files of the golden fixture, with fields of its first claim replaced."""
    catalog = load_catalog(GOLDEN / "claims.yaml", today=TODAY)
    first = catalog.claims[0].model_copy(update=claim_changes)
    catalog = catalog.model_copy(update={"claims": [first, *catalog.claims[1:]]})
    site = render_site(catalog, read_seed_texts(catalog, GOLDEN), Settings(SITE_URL))
    return site.files


def listed(catalog: Catalog) -> list[Claim]:
    """Claims as the site and its exports list them, whatever file holds each: newest first."""
    return sorted(catalog.claims, key=lambda claim: (-claim.claimed.toordinal(), claim.id))


def test_feed_has_one_entry_per_published_verdict_with_the_yaml_dates(
    real_site: Path, catalog: Catalog
) -> None:
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    # Newest first; entries of one day in the order of the claims table: the newest claim
    # first, then by id.
    listing = sorted(catalog.claims, key=lambda claim: (-claim.claimed.toordinal(), claim.id))
    changes = sorted(
        ((entry.date, claim.id, entry.note) for claim in listing for entry in claim.history),
        key=lambda change: change[0],
        reverse=True,
    )
    expected = [(day, f"{SITE_URL}claims/{claim_id}/", note) for day, claim_id, note in changes]
    found = [(date(*entry.updated_parsed[:3]), entry.link, entry.summary) for entry in feed.entries]
    assert found == expected
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    newest = max(entry.date for claim in catalog.claims for entry in claim.history)
    assert date(*feed.feed.updated_parsed[:3]) == newest
    assert feed.feed.author == catalog.publisher.name


def test_feed_entry_titles_say_what_happened_and_the_verdict_given_then(
    real_site: Path, catalog: Catalog
) -> None:
    ratings = {rating.id: rating.label for rating in catalog.ratings}
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    titles = {(entry.link, date(*entry.updated_parsed[:3])): entry.title for entry in feed.entries}
    kinds = set()
    for claim in catalog.claims:
        for before, entry in zip([None, *claim.history], claim.history, strict=False):
            verdict = ratings[entry.rating]
            if before is None:
                kind, expected = "published", f"{verdict}: {claim.short}"
            elif before.rating != entry.rating:
                kind, expected = "changed", f"Verdict changed to {verdict}: {claim.short}"
            elif entry.correction:
                kind = "corrected"
                expected = f"Correction, the verdict stays {verdict}: {claim.short}"
            else:
                kind, expected = "reviewed", f"Reviewed, the verdict stays {verdict}: {claim.short}"
            kinds.add(kind)
            assert titles[(f"{SITE_URL}claims/{claim.id}/", entry.date)] == expected
    assert {"published", "corrected"} <= kinds


def test_feed_keeps_markup_in_titles_and_summaries_as_text() -> None:
    short = 'Officials say <b>500</b> & "more" </title><entry>'
    feed = feedparser.parse(fixture_files(short=short)["feed.xml"])
    assert feed.bozo == 0
    assert len(feed.entries) == 4
    assert {entry.title for entry in feed.entries if "Officials" in entry.title} == {
        f"Unproven: {short}",
        f"Verdict changed to False: {short}",
        f"Correction, the verdict stays False: {short}",
    }


def test_claims_json_holds_every_claim_newest_first(real_site: Path, catalog: Catalog) -> None:
    data = json.loads((real_site / "claims.json").read_text("utf-8"))
    assert data["schema_version"] == 2
    assert data["publisher"] == catalog.publisher.model_dump(mode="json")
    assert [claim["id"] for claim in data["claims"]] == [claim.id for claim in listed(catalog)]
    assert [claim["claimed"] for claim in data["claims"]] == sorted(
        (claim.claimed.isoformat() for claim in catalog.claims), reverse=True
    )
    for record, claim in zip(data["claims"], listed(catalog), strict=True):
        assert record["rating"] == claim.rating
        assert record["claimed"] == claim.claimed.isoformat()
        assert record["short"] == claim.short
        assert record["url"] == f"{SITE_URL}claims/{claim.id}/"
        assert [entry["date"] for entry in record["history"]] == [
            entry.date.isoformat() for entry in claim.history
        ]
    assert [source["id"] for source in data["sources"]] == sorted(s.id for s in catalog.sources)
    assert [item["id"] for item in data["claimants"]] == sorted(c.id for c in catalog.claimants)


def test_claims_json_follows_the_schema_the_site_publishes_beside_it(real_site: Path) -> None:
    published = json.loads((real_site / "claims.schema.json").read_text("utf-8"))
    assert published["$id"] == f"{SITE_URL}claims.schema.json"
    jsonschema.Draft7Validator.check_schema(published)
    validator = jsonschema.Draft7Validator(
        published, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    data = json.loads((real_site / "claims.json").read_text("utf-8"))
    assert [error.message for error in validator.iter_errors(data)] == []
    # The schema holds the export to its layout: a claim without its page is refused.
    del data["claims"][0]["url"]
    assert [error.message for error in validator.iter_errors(data)] == [
        "'url' is a required property"
    ]


def test_claims_csv_has_a_row_per_claim_with_labels(real_site: Path, catalog: Catalog) -> None:
    text = (real_site / "claims.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == [
        "id", "claim", "claimant", "claimed", "verdict", "confidence", "qualifiers", "url",
        "last_reviewed", "title", "published",
    ]  # fmt: skip
    rows = list(reader)
    ratings = {rating.id: rating.label for rating in catalog.ratings}
    claimants = {claimant.id: claimant.name for claimant in catalog.claimants}
    qualifiers = {qualifier.id: qualifier.label for qualifier in catalog.qualifiers}
    assert [row["id"] for row in rows] == [claim.id for claim in listed(catalog)]
    for row, claim in zip(rows, listed(catalog), strict=True):
        assert row["claim"] == claim.claim
        assert row["claimant"] == claimants[claim.claimant]
        assert row["claimed"] == claim.claimed.isoformat()
        assert row["verdict"] == ratings[claim.rating]
        assert row["qualifiers"] == "; ".join(qualifiers[item] for item in claim.qualifiers)
        assert row["url"] == f"{SITE_URL}claims/{claim.id}/"
        assert row["last_reviewed"] == claim.reviewed.isoformat()
        assert row["title"] == claim.short
        assert row["published"] == claim.published.isoformat()


def test_the_methodology_documents_every_column_of_claims_csv_in_order(real_site: Path) -> None:
    with (real_site / "claims.csv").open(encoding="utf-8", newline="") as stream:
        header = next(csv.reader(stream))
    methodology = (REPO / "content" / "methodology.md").read_text("utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \|", methodology, re.MULTILINE)
    assert documented == header


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", " =", "\n=", "\n \t@"])
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(start: str) -> None:
    claim = f'{start}HYPERLINK("https://evil.example", "click")'
    files = fixture_files(claim=claim)
    rows = list(csv.DictReader(io.StringIO(str(files["claims.csv"]), newline="")))
    cells = {row["id"]: row["claim"] for row in rows}
    assert cells["volunteers-500"] == "'" + claim
    assert cells["mayor-historic"] == "The mayor called the arrival historic."


def page_claim_review(site: Path, claim_id: str) -> dict[str, Any]:
    html = lxml.html.fromstring((site / "claims" / claim_id / "index.html").read_bytes())
    (block,) = html.xpath('//script[@type="application/ld+json"]')
    data: dict[str, Any] = json.loads(block.text)
    for node in data.get("@graph", [data]):
        if node["@type"] == "ClaimReview":
            return {key: value for key, value in node.items() if key != "@context"}
    raise AssertionError(f"no ClaimReview on the page of {claim_id}")


def test_datafeed_carries_the_claim_review_of_every_page(real_site: Path, catalog: Catalog) -> None:
    feed = json.loads((real_site / "claimreview-feed.json").read_text("utf-8"))
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    elements = feed["dataFeedElement"]
    assert len(elements) == len(catalog.claims)
    for element, claim in zip(elements, listed(catalog), strict=True):
        assert element["@type"] == "DataFeedItem"
        assert element["dateCreated"] == claim.history[0].date.isoformat()
        assert element["item"] == [page_claim_review(real_site, claim.id)]
