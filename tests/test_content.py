"""Checks on the real claims.yaml and its built site: permitted URLs, verbatim quotes,
references, coverage, honest dates, and each article rated on what it said.

These tests read only files inside the repository (claims.yaml, seeds/), never the
research folder they were compiled from.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import extruct
import feedparser
import lxml.etree
import lxml.html
import pytest

from generator.load import load_catalog, parse_catalog
from generator.model import Catalog, Claim
from generator.problems import CatalogError

REPO = Path(__file__).resolve().parent.parent
CLAIMS = REPO / "claims.yaml"
SOURCE_URLS = REPO / "seeds" / "source-urls.txt"

# The desk's first publication of these checks: no date the site gives may be earlier.
FIRST_PUBLICATION = date(2026, 11, 21)

# Every claim of the research dossier, by its id there.
DOSSIER_CLAIM_IDS = [
    "nis-nk-sending-troops",
    "zelensky-10000",
    "nis-1500-arrived",
    "nis-12000-total",
    "hur-11000-training",
    "training-bases",
    "aerial-photos-hundreds",
    "chongjin-satellite-ships",
    "specialized-unit",
    "yoon-grave-security-threat",
    "yoon-security-meeting",
    "containers-13000-since-august",
    "shells-8-million",
    "poltava-missile-recovery",
    "video-soldiers-gear",
    "solovey-critical-quote",
    "partnership-agreement-june-2023",
    "kim-visit-russia-september",
    "closest-comrade-birthday",
    "peskov-fake-news",
    "msmt-monitoring-team",
    "us-sk-japan-condemned",
    "zelensky-de-facto-participant",
    "zelensky-long-range-weapons",
    "language-barriers-inexperience",
    "defensive-border-role",
    "evidence-awaited-ukraine-presence",
]

TYPOGRAPHIC_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def normalise(text: str) -> str:
    """Collapse whitespace runs to one space and typographic quotes to plain ones."""
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHIC_QUOTES)).strip()


def quote_in_text(quote: str, text: str) -> bool:
    """Whether `quote` occurs verbatim in `text`, up to whitespace and quote style."""
    wanted = normalise(quote)
    return bool(wanted) and wanted in normalise(text)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CLAIMS)


@pytest.fixture(scope="module")
def seed_texts(catalog: Catalog) -> dict[str, str]:
    """Text of each seed article, by source id."""
    return {
        source.id: (REPO / source.seed).read_text("utf-8")
        for source in catalog.sources
        if source.seed is not None
    }


def permitted_urls() -> set[str]:
    lines = SOURCE_URLS.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_source_url_list_is_sorted_and_documented() -> None:
    lines = SOURCE_URLS.read_text("utf-8").splitlines()
    assert lines[0].startswith("# URLs permitted in claims.yaml")
    urls = [line for line in lines if line.strip() and not line.startswith("#")]
    assert urls == sorted(set(urls))
    assert all(re.fullmatch(r"https?://\S+", url) for url in urls)


def test_every_url_in_claims_yaml_is_permitted(
    catalog: Catalog, seed_texts: dict[str, str]
) -> None:
    """Every address in the file, in any field (sources, claimants' same_as, analyses), comes
    from the research (seeds/source-urls.txt) or a seed article, or is the desk's own."""
    allowed = permitted_urls()
    seeds = "\n".join(seed_texts.values())
    own = catalog.publisher.url
    urls = re.findall(r"https?://[^\s\"'<>]+", CLAIMS.read_text("utf-8"))
    assert len(urls) > 90  # the sources' addresses and archived copies
    unknown = sorted(
        {url for url in urls if url not in allowed and url not in seeds and not url.startswith(own)}
    )
    assert not unknown, "URLs not in seeds/source-urls.txt or a seed article:\n" + "\n".join(
        unknown
    )


def test_every_quote_is_verbatim_in_its_seed(catalog: Catalog, seed_texts: dict[str, str]) -> None:
    missing = []
    for claim in catalog.claims:
        for appearance in claim.appearances:
            if appearance.source not in seed_texts:
                continue
            if not quote_in_text(appearance.quote, seed_texts[appearance.source]):
                missing.append(f"{claim.id} ({appearance.source}): {appearance.quote[:70]}")
    assert not missing, "quotes not found in their seed articles:\n" + "\n".join(missing)


def test_every_claim_appears_in_a_seed_article(catalog: Catalog) -> None:
    # The publication checks the claims of the two articles; earlier reports that carried a
    # claim are appearances too.
    seeds = {source.id for source in catalog.sources if source.kind == "seed-article"}
    for claim in catalog.claims:
        assert seeds & {appearance.source for appearance in claim.appearances}, claim.id


def test_quote_helper_tolerates_whitespace_and_quote_style() -> None:
    text = "He called it a \u201cgrave\n   security threat,\u201d and Korea\u2019s office agreed."
    assert quote_in_text('a "grave security threat," and Korea\'s office', text)


def test_quote_helper_rejects_an_altered_quote(seed_texts: dict[str, str]) -> None:
    text = seed_texts["seed-s0"]
    genuine = "approximately 1,500 North Korean troops have already arrived in Russia"
    assert quote_in_text(genuine, text)
    assert not quote_in_text(genuine.replace("1,500", "15,000"), text)
    assert not quote_in_text(genuine.replace("arrived in", "arrived at"), text)


def test_missing_evidence_source_fails_to_load() -> None:
    text = CLAIMS.read_text("utf-8")
    match = re.search(r"^(\s*)evidence:\n\s*- source: (\S+)$", text, flags=re.MULTILINE)
    assert match is not None, "no evidence entry found to alter"
    start, end = match.span(2)
    broken = text[:start] + "no-such-source-anywhere" + text[end:]
    with pytest.raises(CatalogError) as caught:
        parse_catalog(broken.encode("utf-8"), "claims.yaml", base_dir=REPO)
    messages = [problem.message for problem in caught.value.problems]
    assert any("unknown source" in message for message in messages), messages


def test_every_dossier_claim_is_present(catalog: Catalog) -> None:
    ids = {claim.id for claim in catalog.claims}
    missing = [claim_id for claim_id in DOSSIER_CLAIM_IDS if claim_id not in ids]
    assert not missing, f"dossier claims missing from claims.yaml: {missing}"
    assert len(DOSSIER_CLAIM_IDS) == len(set(DOSSIER_CLAIM_IDS)) == 27


# Publication, accuracy and errors, read from the built site by real parsers.


def built_json_ld(page: Path) -> list[Any]:
    """The JSON-LD nodes of a built page, as extruct reads them, @graph members included."""
    data = extruct.extract(page.read_text("utf-8"), syntaxes=["json-ld"], uniform=False)
    return [node for document in data["json-ld"] for node in document.get("@graph", [document])]


def claim_of_url(catalog: Catalog, url: str) -> Claim:
    """The claim whose page `url` (an absolute claim page URL, maybe with a fragment) is."""
    claim_id = url.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return next(claim for claim in catalog.claims if claim.id == claim_id)


def section_items(page: Path, heading: str) -> list[str]:
    """The text of each list item under the h2 `heading` of a built page, whitespace collapsed."""
    document = lxml.html.fromstring(page.read_bytes())
    (title,) = [h2 for h2 in document.iter("h2") if h2.text_content().strip() == heading]
    items = []
    for sibling in title.itersiblings():
        if sibling.tag == "h2":
            break
        items += [normalise(li.text_content()) for li in sibling.iter("li")]
    return items


def test_no_review_or_feed_date_is_before_the_publication_date(
    real_site: Path, catalog: Catalog
) -> None:
    for claim in catalog.claims:
        reviews = [
            node
            for node in built_json_ld(real_site / "claims" / claim.id / "index.html")
            if node.get("@type") in ("ClaimReview", "MediaReview")
        ]
        assert reviews, claim.id
        for review in reviews:
            assert review["datePublished"] == claim.published.isoformat(), claim.id
            assert review["dateModified"] >= review["datePublished"], claim.id
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.entries
    for entry in feed.entries:
        claim = claim_of_url(catalog, entry.link)
        for stamp in (entry.published_parsed, entry.updated_parsed):
            assert date(*stamp[:3]) >= claim.published, (claim.id, entry.id)
    data_feed = json.loads((real_site / "claimreview-feed.json").read_text("utf-8"))
    for element in data_feed["dataFeedElement"]:
        claim = claim_of_url(catalog, element["url"])
        assert element["dateCreated"] >= claim.published.isoformat(), claim.id
    # The sitemap dates each page by its last change on this site, never by a source's date.
    sitemap = lxml.etree.fromstring((real_site / "sitemap.xml").read_bytes())
    changes = sitemap.findall(".//{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod")
    assert len(changes) > 100
    assert min(change.text or "" for change in changes) >= FIRST_PUBLICATION.isoformat()


def test_the_first_publication_is_dated_when_the_desk_published_it(catalog: Catalog) -> None:
    assert {claim.published for claim in catalog.claims} == {FIRST_PUBLICATION}
    for claim in catalog.claims:
        assert all(entry.date < claim.published for entry in claim.reconstruction), claim.id


def test_no_source_is_scored_incorrect_for_accurately_reporting_a_statement(
    real_site: Path, catalog: Catalog
) -> None:
    worst = catalog.ratings[-1]
    labels = {rating.id: rating.label for rating in catalog.ratings}
    seeds = {source.id for source in catalog.sources if source.kind == "seed-article"}
    false_statements_reported_accurately = 0
    for claim in catalog.claims:
        for appearance in claim.appearances:
            if not appearance.errors:
                assert appearance.accuracy != worst.id, (claim.id, appearance.source)
                false_statements_reported_accurately += claim.rating == worst.id
            if appearance.source not in seeds:
                continue  # only the two articles' text is kept, and annotated
            page = real_site / "sources" / appearance.source / "index.html"
            document = lxml.html.fromstring(page.read_bytes())
            marks = [
                link.text_content()
                for link in document.find_class("fc-mark__verdict")
                if link.get("href", "").rstrip("/").endswith(f"claims/{claim.id}")
            ]
            # The annotated text rates the article's report, not the claim.
            assert marks == [f"report: {labels[appearance.accuracy]}"], (
                claim.id,
                appearance.source,
            )
    # Kremlin's denial, reported accurately, is the case this test exists for.
    assert false_statements_reported_accurately >= 1


def test_each_scorecard_counts_the_sources_own_accuracy(real_site: Path, catalog: Catalog) -> None:
    scored = 0
    for source in catalog.sources:
        counts = Counter(
            appearance.accuracy
            for claim in catalog.claims
            for appearance in claim.appearances
            if appearance.source == source.id
        )
        if not counts:
            continue
        scored += 1
        page = lxml.html.fromstring((real_site / "sources" / source.id / "index.html").read_bytes())
        # The scorecard is a chart whose text alternative lists each rating and its count.
        (chart,) = [
            svg
            for svg in page.iter("{*}svg", "svg")
            if "scorecard" in svg.get("id", "") or "How accurately" in svg.text_content()
        ]
        description = chart.find(".//{*}desc")
        if description is None:
            description = chart.find(".//desc")
        shown = {
            label.strip(): int(count)
            for label, count in (part.rsplit(":", 1) for part in description.text.split(";"))
        }
        assert shown == {rating.label: counts[rating.id] for rating in catalog.ratings}
    assert scored > 2, "earlier reports that carried a claim are scored like the two articles"


def test_every_appearance_error_is_listed_on_its_source_page(
    real_site: Path, catalog: Catalog
) -> None:
    pages: dict[str, list[str]] = {}
    listed = 0
    for claim in catalog.claims:
        for appearance in claim.appearances:
            if appearance.source not in pages:
                page = real_site / "sources" / appearance.source / "index.html"
                pages[appearance.source] = section_items(page, "Errors in this source")
            for error in appearance.errors:
                assert any(normalise(error) in item for item in pages[appearance.source]), (
                    claim.id,
                    error[:60],
                )
                listed += 1
    assert listed >= 20


def test_every_highlight_of_an_article_shows_even_where_quotes_overlap(
    real_site: Path, catalog: Catalog
) -> None:
    for source in catalog.sources:
        if source.kind != "seed-article":
            continue
        page = lxml.html.fromstring((real_site / "sources" / source.id / "index.html").read_bytes())
        linked = [
            link.get("href", "").rstrip("/").rsplit("/", 1)[-1]
            for link in page.find_class("fc-mark__verdict")
        ]
        expected = [
            claim.id
            for claim in catalog.claims
            for appearance in claim.appearances
            if appearance.source == source.id
        ]
        assert sorted(linked) == sorted(expected), source.id


def test_the_annotated_article_reads_as_the_article_with_its_verdicts(
    real_site: Path, catalog: Catalog, seed_texts: dict[str, str]
) -> None:
    for source in catalog.sources:
        if source.kind != "seed-article":
            continue
        page = lxml.html.fromstring((real_site / "sources" / source.id / "index.html").read_bytes())
        article = page.find_class("fc-article")[0]
        for verdict in article.find_class("fc-mark__verdict"):
            verdict.text = "\u2063"  # each verdict follows its passage after a space
        shown = " ".join(paragraph.text_content() for paragraph in article.iter("p"))
        shown = shown.replace(" \u2063", "")
        # Spaces around a marked passage stay: no word runs into the next one.
        assert " ".join(shown.split()) == " ".join(seed_texts[source.id].split()), source.id
