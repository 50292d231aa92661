"""Per-page metadata in the built site: descriptions, social tags, sitemap dates and robots.txt."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path
from urllib.robotparser import RobotFileParser

import lxml.etree
import lxml.html
import pytest
import yaml

from generator import sitemap
from generator.load import load_catalog
from generator.metadata import DESCRIPTION_LIMIT, claim_lastmod, clip
from generator.model import Catalog
from tests.conftest import REPO
from tests.projects import make_project

SITE_URL = "https://factcheck.example.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "claims.yaml")


@pytest.fixture(scope="module")
def site_description() -> str:
    config = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    return str(config["site_description"])


def head_meta(page: Path) -> list[tuple[str, str]]:
    """Every <meta> of a page's head as (name or property, content)."""
    html = lxml.html.fromstring(page.read_bytes())
    return [
        (element.get("name") or element.get("property") or "", element.get("content") or "")
        for element in html.xpath("//head/meta")
    ]


def descriptions(page: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in head_meta(page):
        if name in ("description", "og:description", "twitter:description"):
            found.setdefault(name, []).append(content)
    return found


def test_every_page_has_one_description_shared_by_its_social_tags(real_site: Path) -> None:
    # Every page but 404.html, which is no page of its own.
    for page in sorted(real_site.rglob("index.html")):
        found = descriptions(page)
        assert sorted(found) == ["description", "og:description", "twitter:description"], page
        assert all(len(values) == 1 for values in found.values()), page
        assert len({values[0] for values in found.values()}) == 1, page


def test_claim_pages_are_described_by_their_verdict_and_summary(
    real_site: Path, catalog: Catalog
) -> None:
    ratings = {rating.id: rating for rating in catalog.ratings}
    for claim in catalog.claims:
        page = real_site / "claims" / claim.id / "index.html"
        (description,) = descriptions(page)["description"]
        label = ratings[claim.rating].label
        assert description == clip(f"{label}: {claim.summary}"), claim.id
        assert len(description) <= DESCRIPTION_LIMIT
        summary = " ".join(claim.summary.split())
        if len(summary) + len(label) + 2 > DESCRIPTION_LIMIT:
            assert description.endswith("\u2026"), claim.id
            assert summary.startswith(description.removeprefix(f"{label}: ")[:-1]), claim.id


def test_source_pages_say_what_the_source_is(real_site: Path, catalog: Catalog) -> None:
    for source in catalog.sources:
        page = real_site / "sources" / source.id / "index.html"
        (description,) = descriptions(page)["description"]
        assert len(description) <= DESCRIPTION_LIMIT, source.id
        if source.publisher is not None:
            assert f"by {source.publisher}" in description, source.id
        if source.date is not None:
            assert f"{source.date.day} {source.date:%B %Y}" in description, source.id
    tass = descriptions(real_site / "sources" / "tass-peskov-20241010" / "index.html")
    assert tass["description"] == ["News report by TASS, 10 October 2024. Cited in 2 fact checks."]


def test_list_pages_have_their_own_descriptions_and_hand_written_ones_the_sites(
    real_site: Path, catalog: Catalog, site_description: str
) -> None:
    listed = {
        "claims/index.html": f"All {len(catalog.claims)} fact checks in one table",
        "verdicts/index.html": f"{len(catalog.claims)} fact checks by verdict: ",
        "claimants/index.html": "grouped by who made the claim",
        "sources/index.html": f"{len(catalog.sources)} sources",
        "scale/index.html": "What each verdict means",
        "corrections/index.html": "Every correction",
    }
    for path, words in listed.items():
        (description,) = descriptions(real_site / path)["description"]
        assert words in description, path
    for path in ("methodology/index.html", "about/index.html"):
        assert descriptions(real_site / path)["description"] == [site_description], path


def test_hand_written_pages_are_titled_like_their_title_element(real_site: Path) -> None:
    home = dict(head_meta(real_site / "index.html"))
    assert home["og:title"] == home["twitter:title"] == "Open Fact Check Desk"
    assert home["og:url"] == SITE_URL
    guide = dict(head_meta(real_site / "editors-guide" / "index.html"))
    assert guide["og:title"] == "Editors' guide"


def test_claim_pages_show_their_card(real_site: Path, catalog: Catalog) -> None:
    for claim in catalog.claims:
        meta = dict(head_meta(real_site / "claims" / claim.id / "index.html"))
        card = f"{SITE_URL}cards/{claim.id}.png"
        assert meta["og:image"] == card
        assert meta["twitter:image"] == card
        assert meta["twitter:card"] == "summary_large_image"
        assert claim.short in meta["og:image:alt"]
        assert (real_site / "cards" / f"{claim.id}.png").is_file()


def test_clip_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "word " * 50
    clipped = clip(text)
    assert len(clipped) <= DESCRIPTION_LIMIT
    assert clipped.endswith("word\u2026")
    assert clip("Short  and\nsweet.") == "Short and sweet."
    assert clip("x" * 200) == "x" * (DESCRIPTION_LIMIT - 1) + "\u2026"
    assert clip("Ends with a comma, then more words", limit=19) == "Ends with a comma\u2026"


def sitemap_dates(site: Path) -> dict[str, str | None]:
    tree = lxml.etree.parse(str(site / "sitemap.xml"))
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in tree.getroot().iter(f"{SITEMAP}url")
    }


def test_sitemap_dates_each_page_by_its_last_change(real_site: Path, catalog: Catalog) -> None:
    dates = sitemap_dates(real_site)
    pages = {
        SITE_URL + page.relative_to(real_site).as_posix().removesuffix("index.html")
        for page in real_site.rglob("index.html")
    }
    assert set(dates) == pages
    newest = max(claim_lastmod(claim) for claim in catalog.claims)
    for claim in catalog.claims:
        assert dates[f"{SITE_URL}claims/{claim.id}/"] == claim_lastmod(claim).isoformat()
    assert dates[f"{SITE_URL}claims/"] == newest.isoformat()
    citing: dict[str, list[date]] = {}
    for claim in catalog.claims:
        cited = [item.source for item in claim.appearances] + [e.source for e in claim.evidence]
        for source_id in set(cited):
            citing.setdefault(source_id, []).append(claim_lastmod(claim))
    for source in catalog.sources:
        known = [day for day in [source.date, *citing.get(source.id, [])] if day is not None]
        assert dates[f"{SITE_URL}sources/{source.id}/"] == max(known).isoformat(), source.id
    # Hand-written pages and the scale have no date in claims.yaml: none is made up.
    for path in ("", "methodology/", "about/", "scale/"):
        assert dates[SITE_URL + path] is None, path


def test_robots_txt_names_the_sitemap_and_allows_everything(real_site: Path) -> None:
    robots = RobotFileParser()
    robots.parse((real_site / "robots.txt").read_text("utf-8").splitlines())
    assert robots.site_maps() == [f"{SITE_URL}sitemap.xml"]
    assert robots.can_fetch("Googlebot", f"{SITE_URL}claims/peskov-fake-news/")
    assert robots.can_fetch("*", f"{SITE_URL}cards/peskov-fake-news.png")


def test_a_site_over_the_sitemap_limit_gets_a_sitemap_index_of_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sitemap may list at most 50,000 addresses; the limit is lowered to 4 here."""
    whole_project = make_project(tmp_path / "whole")
    whole_project.build_in_process()
    whole = sitemap_urls(whole_project.site)
    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 4)
    project = make_project(tmp_path / "parts")
    project.build_in_process()
    site = project.site
    index = lxml.etree.parse(str(site / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [entry.findtext(f"{SITEMAP}loc") for entry in index]
    count = -(-len(whole) // 4)
    assert count >= 3
    assert parts == [f"{SITE_URL}sitemap-{number}.xml" for number in range(1, count + 1)]
    listed = []
    for entry in index:
        part = sitemap_urls(site, str(entry.findtext(f"{SITEMAP}loc")).removeprefix(SITE_URL))
        assert 0 < len(part) <= 4
        dates = [lastmod for _, lastmod in part if lastmod]
        assert entry.findtext(f"{SITEMAP}lastmod") == max(dates, default=None)
        listed.extend(part)
    assert listed == whole, "every page once, in order, with its date"
    with gzip.open(site / "sitemap.xml.gz") as packed:
        assert packed.read() == (site / "sitemap.xml").read_bytes()


def test_parts_of_an_earlier_sitemap_are_removed_and_other_files_kept(tmp_path: Path) -> None:
    for name in ("sitemap-1.xml", "sitemap-12.xml", "sitemap-news.xml"):
        (tmp_path / name).write_text("<old/>", "utf-8")
    text = f'<urlset xmlns="{SITEMAP[1:-1]}"><url><loc>{SITE_URL}</loc></url></urlset>'
    assert sitemap.split(text, tmp_path, SITE_URL) == text
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sitemap-news.xml"]


def sitemap_urls(site: Path, name: str = "sitemap.xml") -> list[tuple[str, str | None]]:
    root = lxml.etree.parse(str(site / name)).getroot()
    assert root.tag == f"{SITEMAP}urlset"
    return [
        (str(url.findtext(f"{SITEMAP}loc")), url.findtext(f"{SITEMAP}lastmod"))
        for url in root.iter(f"{SITEMAP}url")
    ]
