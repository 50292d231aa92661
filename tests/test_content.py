"""Checks on the real claims.yaml: permitted URLs, verbatim quotes, references, coverage.

These tests read only files inside the repository (claims.yaml, seeds/), never the
research folder they were compiled from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.load import CatalogError, load_catalog, parse_catalog
from generator.model import Catalog

REPO = Path(__file__).resolve().parent.parent
CLAIMS = REPO / "claims.yaml"
SOURCE_URLS = REPO / "seeds" / "source-urls.txt"

WIKIPEDIA_ARTICLE = re.compile(r"https://[a-z-]+\.(?:m\.)?wikipedia\.org/wiki/[^\s?#/]+")

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


def test_every_source_url_is_permitted(catalog: Catalog, seed_texts: dict[str, str]) -> None:
    allowed = permitted_urls()
    seeds = "\n".join(seed_texts.values())
    unknown = [
        f"{source.id}: {url}"
        for source in catalog.sources
        for url in (source.url, source.archive_url)
        if url is not None and url not in allowed and url not in seeds
    ]
    assert not unknown, "URLs not in seeds/source-urls.txt or a seed article:\n" + "\n".join(
        unknown
    )


def test_same_as_links_are_wikipedia_articles(catalog: Catalog) -> None:
    for claimant in catalog.claimants:
        if claimant.same_as is not None:
            assert WIKIPEDIA_ARTICLE.fullmatch(claimant.same_as), claimant.id


def test_every_quote_is_verbatim_in_its_seed(catalog: Catalog, seed_texts: dict[str, str]) -> None:
    missing = []
    for claim in catalog.claims:
        for appearance in claim.appearances:
            if appearance.source not in seed_texts:
                continue
            if not quote_in_text(appearance.quote, seed_texts[appearance.source]):
                missing.append(f"{claim.id} ({appearance.source}): {appearance.quote[:70]}")
    assert not missing, "quotes not found in their seed articles:\n" + "\n".join(missing)


def test_every_appearance_is_in_a_seed_article(catalog: Catalog) -> None:
    seeds = {source.id for source in catalog.sources if source.kind == "seed-article"}
    for claim in catalog.claims:
        for appearance in claim.appearances:
            assert appearance.source in seeds, claim.id


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
