"""`python -m generator check-site`: the built site passes; doctored pages fail exactly."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.load import load_catalog
from tests.conftest import REPO

PAGE = "claims/x/index.html"
REVIEW: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://example.org/claims/x/",
    "claimReviewed": "The moon is made of cheese",
    "author": {"@type": "Organization", "name": "Desk", "url": "https://example.org/"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A. Person"},
        "datePublished": "2024-10-18",
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example.org/a"}],
    },
}

EARLY = {
    "@type": "CreativeWork",
    "url": "https://news.example.org/a",
    "datePublished": "2024-10-18",
}
LATE = {"@type": "CreativeWork", "headline": "Later", "datePublished": "2024-10-20"}
UNDATED = {"@type": "CreativeWork", "url": "https://news.example.org/b"}


def write_page(root: Path, path: str, *blocks: str) -> None:
    scripts = "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<!doctype html><html><head>{scripts}</head><body></body></html>", "utf-8")


def run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    status = main(["check-site", str(root)])
    captured = capsys.readouterr()
    return status, captured.err.splitlines(), captured.out


def test_the_built_site_passes(real_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = len(load_catalog(REPO / "claims.yaml").claims)
    pages = len(list(real_site.rglob("*.html")))
    status, errors, out = run(real_site, capsys)
    assert (status, errors) == (0, [])
    reviews = f"{claims} ClaimReview{'s' if claims != 1 else ''}"
    assert out == f"{real_site}: {pages} pages, {reviews}: no problems\n"


def test_a_valid_page_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_page(tmp_path, PAGE, json.dumps(REVIEW))
    write_page(tmp_path, "claims/index.html")
    assert run(tmp_path, capsys)[:2] == (0, [])


def changed(change: Callable[[dict[str, Any]], None]) -> str:
    review = copy.deepcopy(REVIEW)
    change(review)
    return json.dumps(review)


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        (
            changed(lambda r: r.pop("claimReviewed")),
            "ClaimReview: no claimReviewed (required: the claim, in under 75 characters)",
        ),
        (
            changed(lambda r: r.update(claimReviewed="x" * 75)),
            "ClaimReview: claimReviewed is 75 characters long; Google asks for under 75",
        ),
        (
            changed(lambda r: r.update(url="claims/x/")),
            "JSON-LD block 1: url: 'claims/x/' is not an absolute http(s) URL",
        ),
        (
            changed(lambda r: r.update(url="https://example.org/claims/y/")),
            "ClaimReview: url 'https://example.org/claims/y/' is not the address of this page",
        ),
        (
            changed(lambda r: r["itemReviewed"]["appearance"][0].update(url="/a")),
            "JSON-LD block 1: itemReviewed.appearance[0].url: '/a' is not an absolute http(s) URL",
        ),
        (
            changed(lambda r: r["reviewRating"].update(ratingValue=7)),
            "ClaimReview: reviewRating.ratingValue 7 is outside the scale "
            "from worstRating 1 to bestRating 5",
        ),
        (
            changed(lambda r: r["reviewRating"].update(worstRating=0, ratingValue=0)),
            "ClaimReview: reviewRating.worstRating is 0; it must be at least 1",
        ),
        (
            changed(lambda r: r["reviewRating"].pop("alternateName")),
            "ClaimReview: reviewRating has no alternateName (required: the verdict as text)",
        ),
        (
            changed(lambda r: r.pop("author")),
            "ClaimReview: no author (recommended: who published it, with a name)",
        ),
        (
            changed(lambda r: r["itemReviewed"]["author"].pop("name")),
            "ClaimReview: itemReviewed.author has no name",
        ),
        (
            changed(lambda r: r["itemReviewed"].pop("appearance")),
            "ClaimReview: itemReviewed has neither appearance nor firstAppearance "
            "(recommended: where the claim was published)",
        ),
        (
            changed(
                lambda r: r["itemReviewed"].update(appearance=[LATE, EARLY], firstAppearance=LATE)
            ),
            "ClaimReview: itemReviewed.firstAppearance is dated 2024-10-20, "
            "after appearance[1] dated 2024-10-18",
        ),
        (
            changed(
                lambda r: r["itemReviewed"].update(appearance=[EARLY], firstAppearance=UNDATED)
            ),
            "ClaimReview: itemReviewed.firstAppearance has no date, "
            "but appearance[0] is dated 2024-10-18",
        ),
        (
            changed(lambda r: r["itemReviewed"].update(datePublished="18 October")),
            "ClaimReview: itemReviewed.datePublished '18 October' is not an ISO 8601 date",
        ),
    ],
)
def test_a_doctored_claim_review_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], block: str, problem: str
) -> None:
    write_page(tmp_path, PAGE, block)
    status, errors, _ = run(tmp_path, capsys)
    assert status == 1
    assert errors == [f"{PAGE}: {problem}", "1 problem found"]


def test_two_claim_reviews_are_reported_on_any_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = changed(lambda r: r.update(url="https://example.org/"))
    write_page(tmp_path, PAGE, json.dumps(REVIEW), json.dumps(REVIEW))
    write_page(tmp_path, "index.html", json.dumps({"@graph": [json.loads(other)] * 2}))
    status, errors, _ = run(tmp_path, capsys)
    assert status == 1
    assert errors == [
        f"{PAGE}: expected exactly one ClaimReview on a claim page, found 2",
        "index.html: found 2 ClaimReviews; a page may carry only one",
        "2 problems found",
    ]


def test_broken_json_and_a_missing_claim_review_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_page(tmp_path, PAGE, '{"@type": "ClaimReview", "url": }')
    write_page(tmp_path, "claims/y/index.html")
    status, errors, _ = run(tmp_path, capsys)
    assert status == 1
    assert errors == [
        f"{PAGE}: JSON-LD block 1 is not valid JSON: Expecting value (line 1, column 33)",
        f"{PAGE}: expected exactly one ClaimReview on a claim page, found 0",
        "claims/y/index.html: expected exactly one ClaimReview on a claim page, found 0",
        "3 problems found",
    ]


def test_a_missing_folder_is_a_short_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, errors, _ = run(tmp_path / "site", capsys)
    assert status == 1
    assert errors == [f"{tmp_path / 'site'}: no such folder; build the site first (mkdocs build)"]
