"""End-to-end: a fixture project built by MkDocs in strict mode."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from generator.load import load_catalog
from generator.model import Catalog, Claim, Claimant
from tests.conftest import GOLDEN, REPO, copy_project, mkdocs


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html").read_text("utf-8"))


def test_each_claim_page_exists_and_shows_verdict_and_confidence(fixture_site: Path) -> None:
    expected = {"volunteers-500": ("False", "High"), "mayor-historic": ("True", "High")}
    for claim_id, (verdict, confidence) in expected.items():
        html = page(fixture_site, f"claims/{claim_id}")
        card = html.cssselect(".fc-card")[0]
        badge = card.cssselect(".fc-card__verdict .fc-verdict")[0]
        assert badge.text_content() == verdict
        assert card.cssselect(".fc-confidence")[0].text_content() == f"{confidence} confidence"


def test_claim_pages_are_not_in_the_navigation(fixture_site: Path) -> None:
    home = page(fixture_site, ".")
    nav_links = [link.get("href") for link in home.cssselect("nav.md-nav--primary a")]
    assert nav_links, "the sidebar navigation should exist"
    assert not [href for href in nav_links if "volunteers-500" in href or "mayor-historic" in href]


def test_index_table_links_every_claim(fixture_site: Path) -> None:
    table = page(fixture_site, "claims")
    hrefs = [link.get("href") for link in table.cssselect("table.fc-claims a[href]")]
    assert "volunteers-500/" in hrefs
    assert "mayor-historic/" in hrefs


def test_page_title_is_the_short_claim(fixture_site: Path) -> None:
    html = page(fixture_site, "claims/mayor-historic")
    assert html.findtext(".//title").startswith('The mayor called the arrival "historic"')
    assert html.cssselect("h1")[0].text_content() == 'The mayor called the arrival "historic"'


def test_snippets_fill_the_home_page(fixture_site: Path) -> None:
    home = page(fixture_site, ".")
    assert home.cssselect(".fc-counts__total")[0].text_content() == "2 claims checked"
    assert "<!-- factcheck:" not in (fixture_site / "index.html").read_text("utf-8")


def test_the_report_page_gives_readers_the_desks_address(real_site: Path) -> None:
    publisher = load_catalog(REPO / "claims.yaml").publisher
    links = page(real_site, "report").cssselect('a[href^="mailto:"]')
    assert [link.get("href") for link in links] == [f"mailto:{publisher.email}"]
    assert links[0].text_content() == publisher.email


def test_a_snippet_marker_inside_a_sentence_stays_text(real_site: Path) -> None:
    # The editors' guide names the markers in code spans; only a marker on a line of its own
    # is replaced by its snippet.
    guide = page(real_site, "editors-guide")
    codes = [code.text_content() for code in guide.cssselect("p code")]
    assert "<!-- factcheck:publisher -->" in codes
    assert "<!-- factcheck:contact -->" in codes
    assert page(real_site, "about").cssselect("a[href^='mailto:']")


def test_broken_claims_file_fails_the_build_and_keeps_the_previous_site(tmp_path: Path) -> None:
    project = copy_project(GOLDEN, tmp_path / "project")
    assert mkdocs("build", cwd=project).returncode == 0
    before = (project / "site" / "claims" / "volunteers-500" / "index.html").read_bytes()
    claims = project / "claims.yaml"
    claims.write_text(claims.read_text("utf-8").replace("rating: wrong\n", "rating: wrnog\n", 1))
    result = mkdocs("build", cwd=project)
    assert result.returncode == 1
    assert (
        "claims.yaml:79:13: claims[0].rating: unknown rating 'wrnog' (did you mean 'wrong'?)"
        in (result.stderr)
    )
    assert "Traceback" not in result.stderr
    after = (project / "site" / "claims" / "volunteers-500" / "index.html").read_bytes()
    assert after == before


def test_an_unknown_snippet_fails_the_build_and_names_the_snippets_there_are(
    tmp_path: Path,
) -> None:
    project = copy_project(GOLDEN, tmp_path / "project")
    (project / "content" / "extra.md").write_text("# Extra\n\n<!-- factcheck:verdict-count -->\n")
    result = mkdocs("build", cwd=project)
    assert result.returncode == 1
    assert "extra.md: unknown snippet 'verdict-count' (known: " in result.stderr
    assert "verdict-counts" in result.stderr.split("unknown snippet", 1)[1]
    assert "Traceback" not in result.stderr


def test_every_link_between_pages_of_the_built_site_resolves(real_site: Path) -> None:
    # Generated pages link in raw HTML, which MkDocs does not check: check every link here,
    # and every anchor it names.
    import posixpath
    from urllib.parse import unquote, urlsplit

    import lxml.html

    broken = []
    checked = anchors = 0
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = set(lxml.html.fromstring(path.read_bytes()).xpath("//@id"))
        return ids[path]

    for page in real_site.rglob("*.html"):
        folder = posixpath.dirname(page.relative_to(real_site).as_posix())
        for element in lxml.html.fromstring(page.read_bytes()).iter("a", "link"):
            href = element.get("href") or ""
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            # 404.html links from the site's root, since it is served at any address.
            base = "" if parts.path.startswith("/") else folder
            relative = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
            target = real_site / relative
            checked += 1
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(real_site)}: {href}")
            elif parts.fragment and target.suffix == ".html":
                # An anchor that names nothing leaves the reader at the top of the page.
                anchors += 1
                if unquote(parts.fragment) not in ids_of(target):
                    broken.append(f"{page.relative_to(real_site)}: {href} (no such anchor)")
    assert checked > 1000 and anchors > 100
    assert broken == []


def test_a_claimants_page_says_what_kind_of_claimant_and_how_their_claims_were_rated(
    real_site: Path,
) -> None:
    catalog = load_catalog(REPO / "claims.yaml")
    publisher = next(
        c for c in catalog.claimants if not c.named and len(_claims_of(catalog, c)) > 1
    )
    page = lxml.html.fromstring(
        (real_site / "claimants" / publisher.id / "index.html").read_bytes()
    )
    article = page.xpath("//article")[0]
    about = article.xpath('.//p[@class="fc-claimant"]')[0].text_content()
    assert about.startswith("Kind of claimant: News outlet or publisher")
    assert "whose name is not known" in about
    # The chart of verdicts counts every claim of theirs, by verdict.
    chart = article.xpath('.//svg[contains(@aria-labelledby, "claimant-verdicts")]')[0]
    description = chart.xpath('.//*[local-name()="desc"]')[0].text_content()
    ratings = {rating.id: rating.label for rating in catalog.ratings}
    for rating_id, label in ratings.items():
        count = sum(claim.rating == rating_id for claim in _claims_of(catalog, publisher))
        assert f"{label}: {count}" in description
    # Every row is theirs: no Claimant column.
    headers = [th.text_content() for th in article.xpath(".//table//th")]
    assert "Claimant" not in headers and "Verdict" in headers


def _claims_of(catalog: Catalog, claimant: Claimant) -> list[Claim]:
    return [claim for claim in catalog.claims if claim.claimant == claimant.id]
