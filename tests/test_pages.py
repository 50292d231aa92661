"""Generated Markdown: golden files, links, quote marking and determinism."""

from __future__ import annotations

import pytest

from generator.load import load_catalog
from generator.pages import Index, _linker, _mark_quotes, normalise, read_seed_texts
from tests.golden import EXPECTED, FIXTURE, TODAY, golden_files, render_fixture


def expected_files() -> dict[str, str]:
    return {
        path.relative_to(EXPECTED).as_posix(): path.read_text("utf-8")
        for path in sorted(EXPECTED.rglob("*.md"))
    }


def test_generated_markdown_matches_the_golden_files() -> None:
    generated = golden_files(render_fixture())
    expected = expected_files()
    assert sorted(generated) == sorted(expected), "run `make golden` and review the diff"
    for path, text in expected.items():
        assert generated[path] == text, f"{path} differs; run `make golden` and review the diff"


def test_two_renders_are_byte_identical() -> None:
    first, second = render_fixture(), render_fixture()
    assert first.pages == second.pages
    assert first.snippets == second.snippets
    assert first.files == second.files


def test_every_claim_gets_a_page_at_its_id() -> None:
    site = render_fixture()
    assert "claims/volunteers-500.md" in site.pages
    assert "claims/mayor-historic.md" in site.pages
    assert (
        site.titles["claims/volunteers-500.md"]
        == "Officials say 500 volunteers arrived in Springfield"
    )


def test_claim_page_shows_current_and_first_verdict() -> None:
    page = render_fixture().pages["claims/volunteers-500.md"]
    card = page.split("## The claim")[0]
    current = 'href="../../scale/#wrong" data-pagefind-meta="verdict, verdict_id:wrong">False</a>'
    assert current in card
    assert "since 5 March 2024" in card, "the verdict dates from when it was first given"
    assert 'fc-verdict--unproven" href="../../scale/#unproven">Unproven</a>' in card
    assert "as of 4 March 2024" in card
    assert "High confidence" in card


def test_correction_entries_reach_the_corrections_log_and_updates_do_not() -> None:
    log = render_fixture().pages["corrections.md"]
    assert "We had misdated the city statement; corrected." in log
    assert "The city publishes its count." not in log


@pytest.mark.parametrize(
    ("from_path", "to_path", "markdown", "expected"),
    [
        ("claims/a.md", "sources/b.md", True, "../sources/b.md"),
        ("claims/a.md", "scale.md", False, "../../scale/"),
        ("claims/index.md", "claims/a.md", False, "a/"),
        ("claims/index.md", "claims/index.md", False, "./"),
        ("verdicts.md", "claims/a.md#x", False, "../claims/a/#x"),
        ("index.md", "claims/index.md", False, "claims/"),
    ],
)
def test_links_between_generated_pages(
    from_path: str, to_path: str, markdown: bool, expected: str
) -> None:
    assert _linker(from_path, markdown=markdown)(to_path) == expected


def test_quotes_are_found_in_seed_text_despite_typographic_quotes() -> None:
    # The fixture quotes the mayor with curly quotes; the seed file has straight ones.
    catalog = load_catalog(FIXTURE / "claims.yaml", today=TODAY)
    index = Index(catalog, read_seed_texts(catalog, FIXTURE))
    marked = _mark_quotes(index, index.sources["article"])
    assert [span.claim.id for span in marked] == ["volunteers-500", "mayor-historic"]
    text = index.seed_texts["article"]
    assert text[marked[1].start : marked[1].end].startswith("The mayor called")


def test_normalise_folds_whitespace_and_curly_quotes() -> None:
    assert normalise("“a”\n  ‘b’") == "\"a\" 'b'"
