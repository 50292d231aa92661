"""The home page leads with the latest fact checks, then the verdict chart, then what changed."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from generator.load import load_catalog
from tests.conftest import REPO
from tests.golden import render_edited_fixture


def test_the_home_page_leads_with_the_latest_fact_checks(real_site: Path) -> None:
    catalog = load_catalog(REPO / "claims.yaml")
    ratings = {rating.id: rating for rating in catalog.ratings}
    html = lxml.html.fromstring((real_site / "index.html").read_bytes())
    article = html.xpath("//article")[0]
    headings = [heading.text_content().strip() for heading in article.iter("h2")]
    assert headings[:2] == ["Latest fact checks", "Verdicts so far"]
    items = article.xpath('.//ul[@class="fc-latest"]/li')
    # Newest check first; on the same day, in the order of the claims table (the newest
    # claim first, then by id), as every list of the site orders ties.
    listing = sorted(catalog.claims, key=lambda claim: (-claim.claimed.toordinal(), claim.id))
    newest_first = sorted(listing, key=lambda claim: claim.history[0].date, reverse=True)
    assert len(items) == min(10, len(catalog.claims))
    for item, claim in zip(items, newest_first, strict=False):
        (badge,) = item.xpath('.//a[contains(@class, "fc-verdict")]')
        assert badge.text_content() == ratings[claim.rating].label
        (link,) = item.xpath('.//a[@class="fc-latest__claim"]')
        assert link.text_content() == claim.short
        assert link.get("href") == f"claims/{claim.id}/"
        assert item.xpath(".//time/@datetime") == [claim.history[0].date.isoformat()]
    # The verdict chart comes after the list.
    order = list(article.iter())
    (chart,) = article.xpath('.//*[@class="fc-counts"]')
    assert order.index(chart) > order.index(items[-1])


def test_latest_changes_say_what_each_entry_did(tmp_path: Path) -> None:
    # The fixture holds a check published, a verdict changed and a correction that kept the
    # verdict; one claim gains a review that keeps it, then a correction that changes it.
    # Each must read as what it was, not as a new verdict.
    entry = "        note: Confirmed from the city's statement.\n"
    later = (
        "      - date: 2024-04-01\n        rating: accurate\n        note: Reviewed again\n"
        "      - date: 2024-05-01\n        rating: unproven\n        correction: true\n"
        "        note: We had misread the statement\n"
    )
    site = render_edited_fixture(
        tmp_path,
        (
            "    rating: accurate\n    confidence: high\n    summary: The mayor",
            "    rating: unproven\n    confidence: high\n    summary: The mayor",
        ),
        (entry, entry + later),
        ("reviewed: 2024-03-05", "reviewed: 2024-05-01"),
    )
    items = lxml.html.fromstring(site.snippets["latest-changes"]).xpath("//li")
    # What each says after the claim's link.
    said = [item.text_content().split(item.find("a").text_content() + ". ", 1)[1] for item in items]
    assert said == [
        "Verdict changed from True to Unproven, correcting an error.",
        "Reviewed; the verdict stays True.",
        "Correction; the verdict stays False.",
        "Published with the verdict True.",
        "Verdict changed from Unproven to False.",
        "Published with the verdict Unproven.",
    ]
    # A correction links to what it changed.
    [correction] = [item for item in items if "Correction;" in item.text_content()]
    assert correction.xpath(".//a[text()='Correction']/@href") == ["claims/volunteers-500/#updates"]
    log = lxml.html.fromstring(site.snippets["latest-changes"]).xpath("//p/a/@href")
    assert log == ["corrections/"]


def test_latest_changes_point_to_the_corrections_log_only_when_they_list_one(
    tmp_path: Path,
) -> None:
    site = render_edited_fixture(tmp_path, ("        correction: true\n", ""))
    assert "corrections log" not in site.snippets["latest-changes"]
