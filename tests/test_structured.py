"""Structured data in built claim pages: ClaimReview, MediaReview, OpenGraph, and their escaping."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import extruct
import lxml.html
import pytest
import yaml

from generator.load import load_catalog
from generator.model import Catalog, Claim, Claimant, Source
from generator.sitecheck import check_claim_review
from generator.structured import claimant_node, first_appearance, video_object
from tests.conftest import GOLDEN, REPO, copy_project, mkdocs

SITE_URL = "https://factcheck.example.org/"
SCRIPT_CLOSE = "</script><script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SCRIPT_CLOSE} {ATTRIBUTE_BREAK}"
BLOG = "https://blog.example.org/post"


def json_ld(page: Path) -> list[Any]:
    """The JSON-LD of a built page, as extruct reads it."""
    data = extruct.extract(page.read_text("utf-8"), syntaxes=["json-ld"], uniform=False)
    return list(data["json-ld"])


def nodes_of_type(documents: list[Any], kind: str) -> list[dict[str, Any]]:
    """Top-level nodes and @graph members of one type."""
    found = []
    for document in documents:
        for node in document.get("@graph", [document]):
            if node.get("@type") == kind:
                found.append(node)
    return found


def claim_page(site: Path, claim_id: str) -> Path:
    return site / "claims" / claim_id / "index.html"


def is_about_media(catalog: Catalog, claim: Claim) -> bool:
    sources = {source.id: source for source in catalog.sources}
    appeared_in = [item.source for item in claim.appearances]
    return "video-not-verified" in claim.qualifiers or any(
        sources[source_id].kind == "video" for source_id in appeared_in
    )


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "claims.yaml")


def test_every_claim_page_has_one_claim_review_that_matches_claims_yaml(
    real_site: Path, catalog: Catalog
) -> None:
    ratings = {rating.id: rating for rating in catalog.ratings}
    claimants = {claimant.id: claimant for claimant in catalog.claimants}
    values = [rating.value for rating in catalog.ratings]
    for claim in catalog.claims:
        reviews = nodes_of_type(json_ld(claim_page(real_site, claim.id)), "ClaimReview")
        assert len(reviews) == 1, claim.id
        review = reviews[0]
        rating = ratings[claim.rating]
        assert review["claimReviewed"] == claim.short
        assert review["url"] == f"{SITE_URL}claims/{claim.id}/"
        assert review["reviewRating"] == {
            "@type": "Rating",
            "ratingValue": rating.value,
            "bestRating": max(values),
            "worstRating": min(values),
            "alternateName": rating.label,
        }
        assert review["author"]["name"] == catalog.publisher.name
        assert review["author"]["url"] == catalog.publisher.url
        assert review["datePublished"] == claim.published.isoformat()
        assert review["dateModified"] == claim.history[-1].date.isoformat()
        item = review["itemReviewed"]
        assert item["datePublished"] == claim.claimed.isoformat()
        claimant = claimants[claim.claimant]
        if claimant.kind == "unattributed" or not claimant.named:
            assert "author" not in item, claim.id  # a description is not a name
        else:
            assert item["author"]["name"] == claimant.name
        assert len(item["appearance"]) == len({a.source for a in claim.appearances})


def test_the_claims_index_and_other_pages_carry_no_claim_review(real_site: Path) -> None:
    for page in (real_site / "index.html", real_site / "claims" / "index.html"):
        assert nodes_of_type(json_ld(page), "ClaimReview") == []


def test_media_review_only_on_claims_about_media(real_site: Path, catalog: Catalog) -> None:
    for claim in catalog.claims:
        documents = json_ld(claim_page(real_site, claim.id))
        media_reviews = nodes_of_type(documents, "MediaReview")
        assert len(media_reviews) == (1 if is_about_media(catalog, claim) else 0), claim.id
        if "video-not-verified" in claim.qualifiers:
            assert "mediaAuthenticityCategory" not in media_reviews[0]


def hostile_catalog() -> dict[str, Any]:
    """The golden fixture with markup-breaking text, and a second claim about a video."""
    data: dict[str, Any] = yaml.safe_load((GOLDEN / "claims.yaml").read_text("utf-8"))
    volunteers, mayor = data["claims"]
    volunteers["short"] = HOSTILE
    volunteers["summary"] = f"Wrong: {HOSTILE} & more"
    data["claimants"][0]["name"] = f"Officials {ATTRIBUTE_BREAK}"
    data["qualifiers"].append(
        {"id": "video-not-verified", "label": "Video not verified", "definition": "Unverified."}
    )
    data["sources"].append(
        {
            "id": "clip",
            "title": "Footage of the arrival",
            "title_kind": "description",
            "publisher": "Springfield TV",
            "date": date(2024, 3, 4),
            "kind": "video",
            "url": "https://tv.example.org/clip?id=1&t=2",
        }
    )
    data["sources"] += [
        {
            "id": "wire-first",
            "title": "Wire: volunteers on their way",
            "title_kind": "headline",
            "publisher": "Springfield Wire",
            "date": date(2024, 3, 1),
            "kind": "wire-report",
            "url": "https://wire.example.org/volunteers?id=7&lang=en",
        },
        {
            "id": "blog-undated",
            "title": "Undated post",
            "title_kind": "description",
            "kind": "other",
            "url": BLOG,
        },
    ]
    volunteers["appearances"] += [
        {"source": "wire-first", "quote": "500 volunteers are on their way.", "accuracy": "wrong"},
        {"source": "blog-undated", "quote": "500 volunteers came.", "accuracy": "wrong"},
    ]
    mayor["qualifiers"] = ["video-not-verified"]
    mayor["evidence"].append({"source": "clip", "stance": "context", "note": "The clip."})
    return data


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(GOLDEN, tmp_path_factory.mktemp("hostile") / "project")
    text = yaml.safe_dump(hostile_catalog(), sort_keys=False, allow_unicode=True)
    (project / "claims.yaml").write_text(text, "utf-8")
    result = mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def scripts(page: Path) -> list[tuple[str | None, str | None]]:
    """Each <script> of a page as (type, src)."""
    html = lxml.html.fromstring(page.read_bytes())
    return [(script.get("type"), script.get("src")) for script in html.iter("script")]


def test_hostile_text_opens_no_script_or_element(hostile_site: Path) -> None:
    hostile = claim_page(hostile_site, "volunteers-500")
    plain = claim_page(hostile_site, "mayor-historic")
    # The page with hostile text has exactly the scripts of an ordinary claim page.
    assert scripts(hostile) == scripts(plain)
    html = lxml.html.fromstring(hostile.read_bytes())
    assert html.xpath("//img[@onerror]") == []
    assert [s for s in html.iter("script") if "alert(1)" in (s.text or "")] == [
        html.xpath('//script[@type="application/ld+json"]')[0]
    ]


def test_hostile_text_round_trips_through_json_ld(hostile_site: Path) -> None:
    html = lxml.html.fromstring(claim_page(hostile_site, "volunteers-500").read_bytes())
    (block,) = html.xpath('//script[@type="application/ld+json"]')
    review = json.loads(block.text)
    assert review["claimReviewed"] == HOSTILE
    assert review["itemReviewed"]["author"]["name"] == f"Officials {ATTRIBUTE_BREAK}"


def test_hostile_text_round_trips_through_social_meta(hostile_site: Path) -> None:
    html = lxml.html.fromstring(claim_page(hostile_site, "volunteers-500").read_bytes())
    meta = {
        element.get("property") or element.get("name"): element.get("content")
        for element in html.iter("meta")
    }
    description = f"False: Wrong: {HOSTILE} & more"
    card = "https://fixture.example.org/cards/volunteers-500.png"
    assert meta["description"] == description
    assert meta["og:title"] == HOSTILE
    assert meta["og:description"] == description
    assert meta["og:type"] == "article"
    assert meta["og:url"] == "https://fixture.example.org/claims/volunteers-500/"
    assert meta["og:image"] == card
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == f"Fact check card. Verdict: False. Claim: {HOSTILE}"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:title"] == HOSTILE
    assert meta["twitter:description"] == description
    assert meta["twitter:image"] == card


def test_media_review_names_the_video_and_links_the_claim_review(hostile_site: Path) -> None:
    documents = json_ld(claim_page(hostile_site, "mayor-historic"))
    (review,) = nodes_of_type(documents, "ClaimReview")
    (media,) = nodes_of_type(documents, "MediaReview")
    assert "mediaAuthenticityCategory" not in media
    assert media["associatedClaimReview"] == {"@id": review["@id"]}
    assert media["url"] == review["url"]
    assert media["itemReviewed"]["mediaItemAppearance"] == [
        {
            "@type": "VideoObject",
            "description": "Footage of the arrival",
            "url": "https://tv.example.org/clip?id=1&t=2",
            "uploadDate": "2024-03-04",
            "publisher": {"@type": "Organization", "name": "Springfield TV"},
        }
    ]
    assert nodes_of_type(json_ld(claim_page(hostile_site, "volunteers-500")), "MediaReview") == []


def test_claim_author_is_a_person_or_an_organization_by_kind(hostile_site: Path) -> None:
    mayor = nodes_of_type(json_ld(claim_page(hostile_site, "mayor-historic")), "ClaimReview")[0]
    officials = nodes_of_type(json_ld(claim_page(hostile_site, "volunteers-500")), "ClaimReview")
    assert mayor["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Mayor Quimby",
        "sameAs": "https://en.wikipedia.org/wiki/Mayor_Quimby",
    }
    assert officials[0]["itemReviewed"]["author"]["@type"] == "Organization"


def test_a_seed_article_appears_as_a_creative_work_without_url(hostile_site: Path) -> None:
    review = nodes_of_type(json_ld(claim_page(hostile_site, "mayor-historic")), "ClaimReview")[0]
    article = {
        "@type": "CreativeWork",
        "headline": "Volunteers arrive in Springfield",
        "datePublished": "2024-03-04",
        "publisher": {"@type": "Organization", "name": "Springfield Gazette"},
    }
    assert review["itemReviewed"]["appearance"] == [article]
    assert review["itemReviewed"]["firstAppearance"] == article


def test_appearances_carry_urls_and_the_first_is_the_earliest(hostile_site: Path) -> None:
    review = nodes_of_type(json_ld(claim_page(hostile_site, "volunteers-500")), "ClaimReview")[0]
    item = review["itemReviewed"]
    wire = {
        "@type": "CreativeWork",
        "url": "https://wire.example.org/volunteers?id=7&lang=en",
        "headline": "Wire: volunteers on their way",
        "datePublished": "2024-03-01",
        "publisher": {"@type": "Organization", "name": "Springfield Wire"},
    }
    assert [work.get("url") for work in item["appearance"]] == [
        None,  # the seed article has no URL, and none is made up
        "https://wire.example.org/volunteers?id=7&lang=en",
        BLOG,
    ]
    assert item["firstAppearance"] == wire
    assert item["firstAppearance"]["datePublished"] <= item["datePublished"]


def source(source_id: str, day: date | None, url: str | None = None) -> Source:
    return Source(
        id=source_id,
        title=source_id,
        title_kind="description",
        kind="news-report",
        date=day,
        url=url,
    )


def test_first_appearance_breaks_ties_by_url_then_listed_order_and_ranks_undated_last() -> None:
    undated = source("undated", None, "https://example.org/undated")
    plain = source("plain", date(2024, 3, 2))
    linked = source("linked", date(2024, 3, 2), "https://example.org/linked")
    later = source("later", date(2024, 3, 3), "https://example.org/later")
    assert first_appearance([undated, later, plain, linked]) is linked
    assert first_appearance([undated, later, plain]) is plain
    second_plain = source("second-plain", date(2024, 3, 2))
    assert first_appearance([second_plain, plain]) is second_plain
    assert first_appearance([undated, source("undated-2", None)]) is undated


def test_first_appearance_of_real_claims_is_the_earliest_known(
    real_site: Path, catalog: Catalog
) -> None:
    sources = {item.id: item for item in catalog.sources}
    for claim in catalog.claims:
        item = nodes_of_type(json_ld(claim_page(real_site, claim.id)), "ClaimReview")[0]
        item = item["itemReviewed"]
        source_ids = dict.fromkeys(appearance.source for appearance in claim.appearances)
        appeared_in = [sources[source_id] for source_id in source_ids]
        assert [work.get("url") for work in item["appearance"]] == [s.url for s in appeared_in]
        dates = [s.date.isoformat() for s in appeared_in if s.date is not None]
        assert item["firstAppearance"].get("datePublished") == min(dates, default=None)
        if any(day <= claim.claimed.isoformat() for day in dates):
            assert item["firstAppearance"]["datePublished"] <= item["datePublished"], claim.id


def test_an_unattributed_claim_has_no_author_and_still_passes_the_check() -> None:
    claimant = Claimant(id="anonymous", name="Unattributed posts", kind="unattributed")
    assert claimant_node(claimant) is None
    review = {
        "claimReviewed": "A claim nobody signed",
        "url": "https://example.org/claims/a/",
        "author": {"name": "Desk"},
        "reviewRating": {"alternateName": "False", "ratingValue": 1, "worstRating": 1},
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": "2024-01-01",
            "appearance": [{"@type": "CreativeWork", "url": "https://example.org/post"}],
        },
    }
    assert check_claim_review(review, "claims/a/index.html") == []


def test_a_claimant_known_only_by_a_description_is_no_author() -> None:
    named = Claimant(id="outlet", name="The Daily Example", kind="media")
    assert claimant_node(named) == {"@type": "Organization", "name": "The Daily Example"}
    described = named.model_copy(update={"name": "Publisher of an unsigned piece", "named": False})
    assert claimant_node(described) is None


def test_the_shipped_articles_unnamed_publisher_is_no_author(
    real_site: Path, catalog: Catalog
) -> None:
    # The 20 October 2024 article names no publisher: claims whose words are its own have no
    # author in their markup, while their appearance still names the article.
    claims = [claim for claim in catalog.claims if claim.claimant == "s0-publisher"]
    assert claims
    for claim in claims:
        (review,) = nodes_of_type(json_ld(claim_page(real_site, claim.id)), "ClaimReview")
        assert "author" not in review["itemReviewed"], claim.id
        assert review["itemReviewed"]["appearance"], claim.id


def test_every_page_links_the_atom_feed(real_site: Path) -> None:
    for page in sorted(real_site.rglob("*.html")):
        html = lxml.html.fromstring(page.read_bytes())
        links = html.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]')
        assert len(links) == 1, page
        address = urljoin(SITE_URL + page.relative_to(real_site).as_posix(), links[0].get("href"))
        assert address == f"{SITE_URL}feed.xml", page


def test_a_video_is_named_only_by_its_own_title() -> None:
    described = source("clip", date(2024, 3, 4), "https://tv.example.org/clip")
    titled = described.model_copy(update={"title": "Arrival at the port", "title_kind": "headline"})
    assert video_object(described)["description"] == "clip"
    assert "name" not in video_object(described)
    assert video_object(titled)["name"] == "Arrival at the port"
    assert "description" not in video_object(titled)
