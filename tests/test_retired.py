"""Retired claims: a page at the old address, and a list that the corrections log links to."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from generator import sitecheck
from tests.projects import VALID, make_project

RETIRED = (
    "retired:\n"
    "  - id: ferry-250\n    date: 2024-03-04\n"
    "    note: 'Withdrawn <b>twice</b>: merged into the 300 claim.'\n"
    "    redirect: ferry-300\n"
    "  - id: ferry-old\n    date: 2024-03-05\n    note: Withdrawn; the claim was never made.\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with two retired claims, built in strict mode."""
    project = make_project(
        tmp_path_factory.mktemp("retired"), (VALID / "claims.yaml").read_text("utf-8") + RETIRED
    )
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project.site


def test_the_corrections_log_links_to_the_list_of_retired_claims(site: Path) -> None:
    log = lxml.html.fromstring((site / "corrections" / "index.html").read_bytes())
    (section,) = log.xpath("//h2[normalize-space()='Withdrawn and renamed fact checks']")
    (summary,) = section.xpath("following-sibling::p[1]")
    assert " ".join(summary.text_content().split()).startswith(
        "2 fact checks were withdrawn or moved to a new address"
    )
    assert summary.xpath(".//a/@href") == ["withdrawn/"]
    page = lxml.html.fromstring((site / "corrections/withdrawn/index.html").read_bytes())
    assert page.xpath("normalize-space(//article//h1)") == "Withdrawn and renamed fact checks"
    items = page.xpath("//article//ul/li")
    assert [" ".join(item.text_content().split()) for item in items] == [
        "5 March 2024, ferry-old: Withdrawn; the claim was never made.",
        "4 March 2024, ferry-250: Withdrawn <b>twice</b>: merged into the 300 claim. "
        "It is now ferry-300.",
    ]
    assert items[1].xpath(".//a/@href") == ["../../claims/ferry-300/"]


def test_a_retired_claims_old_address_says_what_happened(site: Path) -> None:
    moved = lxml.html.fromstring((site / "claims/ferry-250/index.html").read_bytes())
    article = moved.xpath("//article")[0]
    assert article.xpath("normalize-space(.//h1)") == "Fact check moved"
    paragraphs = [" ".join(p.text_content().split()) for p in article.xpath(".//p")]
    assert paragraphs[:2] == [
        "This fact check has moved. Read it at its new address: Mayor says the new ferry "
        "carries 300 passengers.",
        "Withdrawn <b>twice</b>: merged into the 300 claim.",
    ]
    assert article.xpath(".//p[1]/a/@href") == ["../ferry-300/"]
    withdrawn = lxml.html.fromstring((site / "claims/ferry-old/index.html").read_bytes())
    assert withdrawn.xpath("normalize-space(//article//h1)") == "Fact check withdrawn"
    assert "We withdrew this fact check on 5 March 2024." in withdrawn.text_content()
    # No ClaimReview on them, and the structured-data check knows why.
    assert sitecheck.check_site(site).problems == []
    assert "ClaimReview" not in (site / "claims/ferry-250/index.html").read_text("utf-8")
