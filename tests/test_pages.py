"""Generated Markdown: golden files, links, quote marking and determinism."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest

from bench.make_corpus import make_catalog
from generator import metadata
from generator.load import load_catalog
from generator.lookups import FILTERS, Index
from generator.model import Catalog, ClaimantKind, SourceKind
from generator.pages import PAGE_LINKS, Pagination, read_meta
from generator.quotes import Marked, mark_quotes, normalise, paragraphs
from generator.site import read_seed_texts, render_site
from generator.templates import linker, long_date
from tests.golden import (
    EXPECTED,
    FIXTURE,
    SETTINGS,
    TODAY,
    golden_files,
    render_edited_fixture,
    render_fixture,
)

LIST_OF_CLAIMANTS = re.compile(r"claimants(/page-[0-9]+)?\.md")
CLAIMS_TABLE = re.compile(r"claims/(index|page-[0-9]+)\.md")


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


RENDER_DIGEST = """
import hashlib
from tests.golden import golden_files, render_fixture
site = render_fixture()
digest = hashlib.sha256()
for path, text in sorted({**golden_files(site), **site.files}.items()):
    digest.update(path.encode() + b"\\0" + (text if isinstance(text, bytes) else text.encode()))
print(digest.hexdigest())
"""


def test_renders_in_processes_with_different_hash_seeds_are_byte_identical() -> None:
    # Set and dict order of strings changes with PYTHONHASHSEED, so a render that depended on
    # it would differ between these processes; one process could never show that.
    digests = {
        subprocess.run(
            [sys.executable, "-c", RENDER_DIGEST],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
            cwd=FIXTURE.parent.parent.parent,
        ).stdout
        for seed in ("0", "1", "2024")
    }
    assert len(digests) == 1


def test_every_claim_gets_a_page_at_its_id() -> None:
    site = render_fixture()
    assert "claims/volunteers-500.md" in site.pages
    assert "claims/mayor-historic.md" in site.pages
    meta, _ = read_meta(site.pages["claims/volunteers-500.md"])
    assert meta["title"] == "Officials say 500 volunteers arrived in Springfield"


def test_claim_page_shows_current_verdict_and_when_it_was_first_published() -> None:
    page = render_fixture().pages["claims/volunteers-500.md"]
    card = page.split("## The claim")[0]
    current = 'href="../../scale/#wrong" data-pagefind-meta="verdict, verdict_id:wrong">False</a>'
    assert current in card
    assert "since 5 March 2024" in card, "the verdict dates from when it was first given"
    earlier = 'fc-verdict--unproven" href="../../scale/#unproven" data-pagefind-ignore>Unproven</a>'
    assert earlier in card, "the first verdict, left out of the search index"
    assert 'Published</span> <time datetime="2024-03-04">4 March 2024</time>' in card
    assert "High confidence" in card


def test_a_verdict_that_never_changed_is_not_shown_as_a_change(tmp_path: Path) -> None:
    # A review that keeps the verdict adds a history entry; the card must not then say
    # "since" its first date, nor repeat the same verdict as the first one, nor chart it.
    entry = "        note: Confirmed from the city's statement.\n"
    review = "      - date: 2024-04-01\n        rating: accurate\n        note: Reviewed again\n"
    site = render_edited_fixture(
        tmp_path, (entry, entry + review), ("reviewed: 2024-03-05", "reviewed: 2024-04-01")
    )
    card, updates = site.pages["claims/mayor-historic.md"].split("## Updates")
    assert "Reviewed again" in updates
    assert "since" not in card.split("## The claim")[0]
    assert "with the verdict" not in card
    assert "<svg" not in updates.split("## Before publication")[0]


def test_correction_entries_reach_the_corrections_log_and_updates_do_not() -> None:
    log = render_fixture().pages["corrections.md"]
    assert "We had misdated the city statement; corrected." in log
    assert "The city publishes its count." not in log


def test_a_corrected_claim_says_so_at_the_top_and_links_to_what_changed(tmp_path: Path) -> None:
    site = render_fixture()
    card = site.pages["claims/volunteers-500.md"].split("</div>", 1)[0]
    corrected = re.search(r'<p class="fc-card__corrected">.*?</p>', card)
    assert corrected is not None
    assert '<a href="#updates"><time datetime="2024-03-10">10 March 2024</time></a>' in corrected[0]
    assert "## Updates" in site.pages["claims/volunteers-500.md"]
    assert "fc-card__corrected" not in site.pages["claims/mayor-historic.md"]
    # A second correction: the card counts them and dates the last.
    entry = "        correction: true\n"
    later = "      - date: 2024-03-12\n        rating: wrong\n        note: Fixed a date\n"
    edited = render_edited_fixture(
        tmp_path, (entry, entry + later + entry), ("reviewed: 2024-03-10", "reviewed: 2024-03-12")
    )
    card = edited.pages["claims/volunteers-500.md"].split("</div>", 1)[0]
    assert (
        'Corrected</span> 2 times, last on <a href="#updates"><time datetime="2024-03-12">' in card
    )


def test_a_reconstruction_that_starts_after_the_claim_was_made_says_so(tmp_path: Path) -> None:
    starts_on_the_day = render_fixture().pages["claims/mayor-historic.md"]
    assert "after the claim was made" not in starts_on_the_day
    site = render_edited_fixture(tmp_path, ("claimed: 2024-03-04", "claimed: 2024-03-02"))
    assert (
        "It starts on 4 March 2024, after the claim was made on 2 March 2024; the verdict above "
        "rates the claim on what was true when it was made."
    ) in site.pages["claims/mayor-historic.md"]


def test_a_verdicts_list_leaves_out_the_verdict_column_and_the_table_keeps_it() -> None:
    site = render_fixture()
    for path, columns in (("verdicts/wrong/index.md", 4), ("claims/index.md", 5)):
        header = re.search(r"<thead>\n<tr>(.*?)</tr>", site.pages[path])
        assert header is not None
        assert header[1].count("<th ") == columns, path
        row = re.search(r"<tbody>\n<tr[^>]*>\n(.*?)</tr>", site.pages[path], re.DOTALL)
        assert row is not None
        assert row[1].count("<td") == columns, path


def test_sources_are_listed_by_title_whatever_its_case(tmp_path: Path) -> None:
    site = render_edited_fixture(
        tmp_path, ("title: Volunteers arrive", "title: a wave of volunteers arrive")
    )
    listed = re.findall(r'<li><a href="([^"]*)"', site.pages["sources/index.md"])
    assert listed == ["article/", "city-statement/"]


def test_a_copy_of_a_story_is_linked_as_the_copy_not_as_the_original() -> None:
    site = render_fixture()
    claim = site.pages["claims/volunteers-500.md"]
    source = site.pages["sources/city-statement.md"]
    link = 'href="https://city.example.org/statement?id=1&amp;lang=en" rel="nofollow noopener">'
    assert "copy of a story by Springfield Wire on City of Springfield" in claim
    assert link + "copy on City of Springfield</a>" in claim
    assert link + "Read the copy on City of Springfield</a>" in source
    assert "original</a>" not in claim + source


@pytest.mark.parametrize(
    ("edits", "claim_label", "source_label"),
    [
        ((("    mirror: true\n", ""),), "story on City of Springfield", "Read the story on"),
        (
            (("    original_publisher: Springfield Wire\n    mirror: true\n", ""),),
            "original",
            "Read the original",
        ),
    ],
    ids=["carried", "own"],
)
def test_a_sources_page_is_linked_as_the_page_it_is(
    tmp_path: Path, edits: tuple[tuple[str, str], ...], claim_label: str, source_label: str
) -> None:
    """A story that one site carries for another links to the carrying site's page, which is
    not the original; only a publisher's own page is the original."""
    site = render_edited_fixture(tmp_path, *edits)
    claim = site.pages["claims/volunteers-500.md"]
    source = site.pages["sources/city-statement.md"]
    link = 'href="https://city.example.org/statement?id=1&amp;lang=en" rel="nofollow noopener">'
    assert link + claim_label + "</a>" in claim
    assert link + source_label in source


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
    assert linker(from_path, markdown=markdown)(to_path) == expected


def test_quotes_are_found_in_seed_text_despite_typographic_quotes() -> None:
    # The fixture quotes the mayor with curly quotes; the seed file has straight ones.
    catalog = load_catalog(FIXTURE / "claims.yaml", today=TODAY)
    index = Index(catalog, read_seed_texts(catalog, FIXTURE))
    marked = mark_quotes(
        index.seed_texts["article"], "article", index.appearing_in(index.sources["article"])
    )
    assert [span.claim.id for span in marked] == ["volunteers-500", "mayor-historic"]
    text = index.seed_texts["article"]
    assert text[marked[1].start : marked[1].end].startswith("The mayor called")


def test_overlapping_and_nested_quotes_all_stay_marked() -> None:
    catalog = load_catalog(FIXTURE / "claims.yaml", today=TODAY)
    first, second = catalog.claims
    text = "Alpha beta gamma.\nDelta epsilon."
    outer = Marked(0, 16, first, "accurate")  # "Alpha beta gamma"
    overlapping = Marked(6, 32, second, "wrong")  # "beta gamma.\nDelta epsilon."
    (one, two) = paragraphs(text, [outer, overlapping])
    assert [(s.text, [m.claim.id for m in s.marks]) for s in one] == [
        ("Alpha ", ["volunteers-500"]),
        ("beta gamma", ["volunteers-500", "mayor-historic"]),
        (".", ["mayor-historic"]),
    ]
    # Each span's verdict follows its last run, even across a paragraph break.
    assert [[m.claim.id for m in s.ending] for s in one] == [[], ["volunteers-500"], []]
    assert [(s.text, [m.claim.id for m in s.ending]) for s in two] == [
        ("Delta epsilon.", ["mayor-historic"])
    ]


def test_normalise_folds_whitespace_and_curly_quotes() -> None:
    assert normalise("“a”\n  ‘b’") == "\"a\" 'b'"


def test_setting_raw_html_aside_gives_the_html_markdown_would() -> None:
    import markdown

    from generator.pages import put_back_html, set_aside_html
    from tests.test_properties import EXTENSION_CONFIGS, EXTENSIONS

    def convert(text: str) -> str:
        return markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        ).convert(text)

    def tidy(html: str) -> str:
        return re.sub(r"<!-- fc:(?:html|end) -->", "", re.sub(r">\s+<", "><", html)).strip()

    site = render_fixture()
    set_aside = 0
    for text in site.pages.values():
        _, body = read_meta(text)
        shortened, blocks = set_aside_html(body, "0123abcd")
        set_aside += len(blocks)
        assert tidy(put_back_html(convert(shortened), blocks, "0123abcd")) == tidy(convert(body))
    assert set_aside > 10


def test_every_kind_of_claimant_and_of_source_has_a_name_readers_see() -> None:
    assert set(metadata.CLAIMANT_KIND_NAMES) == set(get_args(ClaimantKind))
    assert set(metadata.KIND_NAMES) == set(get_args(SourceKind))


def test_a_long_list_of_claimants_is_split_into_linked_pages() -> None:
    site = render_site(_one_claimant_a_claim(450), {}, SETTINGS)
    lists = ["claimants.md", "claimants/page-2.md", "claimants/page-3.md"]
    assert [path for path in site.pages if LIST_OF_CLAIMANTS.fullmatch(path)] == lists
    listed = [
        re.findall(r'<li><a href="[./]*(claimant-[0-9]+)/">', site.pages[path]) for path in lists
    ]
    assert [len(names) for names in listed] == [200, 200, 50]
    everyone = [name for names in listed for name in names]
    assert everyone == [f"claimant-{number}" for number in range(450)], "by name, each once"
    last = site.pages["claimants/page-3.md"]
    assert "# Claims by claimant, page 3" in last
    assert "Showing 401–450 of 450, page 3 of 3." in last
    assert all(f'href="{link}"' in last for link in ("../", "../page-2/", "./"))
    assert "1 to 200 of 450" not in site.pages["claimants.md"]


def test_the_claims_table_leaves_the_filters_choices_to_a_data_file() -> None:
    """A filter's choices grow with the archive: the page would grow with them."""
    catalog = _one_claimant_a_claim(300)
    site = render_site(catalog, {}, SETTINGS)
    table = site.pages["claims/index.md"]
    assert table.count("<option") == len(FILTERS), "only 'All' in each filter"
    assert "Claimant 299" not in table.split("<table")[0]
    choices = {
        item["name"]: item["options"]
        for item in json.loads(site.files["claims-filters.json"])["filters"]
    }
    assert list(choices) == list(FILTERS)
    assert choices["claimant"] == [[f"claimant-{n}", f"Claimant {n:03}"] for n in range(300)]
    assert [value for value, _ in choices["verdict"]] == [r.id for r in catalog.ratings]


def test_a_source_cited_by_many_claims_lists_them_in_linked_pages() -> None:
    """A source every claim cites (an agency's daily report, say) would grow with the archive."""
    data = make_catalog(250)
    claims: list[dict[str, Any]] = data["claims"]  # type: ignore[assignment]
    data["sources"][0].update(title="Daily report", title_kind="headline")  # type: ignore[index]
    for claim in claims:
        if "source-0" not in str(claim["appearances"] + claim["evidence"]):
            claim["evidence"].append({"source": "source-0", "stance": "context", "note": "Daily."})
    catalog = Catalog.model_validate(data, strict=False)
    site = render_site(catalog, {}, SETTINGS)
    pages = ["sources/source-0.md", "sources/source-0/page-2.md", "sources/source-0/page-3.md"]
    assert [path for path in site.pages if path.startswith("sources/source-0")] == pages
    link = re.compile(r'<li><a href="[./]*claims/(claim-[0-9]+)/">')
    listed = [link.findall(site.pages[path]) for path in pages]
    assert [len(ids) for ids in listed] == [100, 100, 50]
    newest_first = [claim.id for claim in Index(catalog, {}).claims]
    assert [claim_id for ids in listed for claim_id in ids] == newest_first, "each once, in order"
    first, last = site.pages[pages[0]], site.pages[pages[2]]
    assert "250 claims cite this source, newest first." in first
    assert "## Scorecard" in first, "the first page still says how the source reported"
    assert "# Claims citing “Daily report”, page 3" in last
    assert "Showing 201–250 of 250, page 3 of 3." in last
    assert all(f'href="{link}"' in last for link in ("../", "../page-2/", "./"))
    assert "Scorecard" not in last


def _one_claimant_a_claim(count: int) -> Catalog:
    """A generated archive of `count` claims, each by a claimant of its own."""
    data = make_catalog(count)
    data["claimants"] = [
        {"id": f"claimant-{number}", "name": f"Claimant {number:03}", "kind": "official"}
        for number in range(count)
    ]
    for number, claim in enumerate(data["claims"]):
        claim["claimant"] = f"claimant-{number}"
    return Catalog.model_validate(data, strict=False)


def test_the_corrections_log_and_the_withdrawn_list_come_in_linked_pages() -> None:
    data = make_catalog(250)
    claims: list[dict[str, Any]] = data["claims"]  # type: ignore[assignment]
    for claim in claims:
        claim["history"][-1]["correction"] = True
    data["retired"] = [
        {"id": f"old-{number}", "date": date(2024, 1, 1) + timedelta(days=number), "note": "Gone."}
        for number in range(150)
    ]
    site = render_site(Catalog.model_validate(data, strict=False), {}, SETTINGS)
    log = ["corrections.md", "corrections/page-2.md", "corrections/page-3.md"]
    withdrawn = ["corrections/withdrawn.md", "corrections/withdrawn/page-2.md"]
    assert [path for path in site.pages if path.startswith("corrections")] == log + withdrawn
    days = [re.findall(r"^- \*\*(.+?)\*\*", site.pages[path], re.MULTILINE) for path in log]
    assert [len(listed) for listed in days] == [100, 100, 50]
    corrected = [entry["date"] for claim in claims for entry in claim["history"][-1:]]
    newest_first = sorted(corrected, reverse=True)
    assert [day for listed in days for day in listed] == [long_date(d) for d in newest_first]
    assert "150 fact checks were withdrawn or moved" in site.pages["corrections.md"]
    ids = [re.findall(r"`(old-[0-9]+)`", site.pages[path]) for path in withdrawn]
    assert ids == [
        [f"old-{n}" for n in range(149, 49, -1)],
        [f"old-{n}" for n in range(49, -1, -1)],
    ]
    assert "Showing 101–150 of 150, page 2 of 2." in site.pages["corrections/withdrawn/page-2.md"]


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 3, [1, 2, 3]),
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 500, [1, 2, 3, None, 500]),
        (5, 500, [1, 2, 3, 4, 5, 6, 7, None, 500]),
        (250, 500, [1, None, 248, 249, 250, 251, 252, None, 500]),
        (500, 500, [1, None, 498, 499, 500]),
    ],
)
def test_a_page_of_a_long_list_links_to_a_few_pages_near_it(
    number: int, count: int, shown: list[int | None]
) -> None:
    paths = tuple(f"claims/page-{n}.md" for n in range(1, count + 1))
    assert Pagination(number, paths, 1, 100, count * 100).window() == shown


def test_every_page_of_a_long_list_is_reachable_through_its_links() -> None:
    site = render_site(Catalog.model_validate(make_catalog(1_250), strict=False), {}, SETTINGS)
    lists = ["claims/index.md", *(f"claims/page-{number}.md" for number in range(2, 14))]
    assert [path for path in site.pages if CLAIMS_TABLE.fullmatch(path)] == lists
    at_address = {metadata.page_url(path): path for path in lists}
    reached, queue = {lists[0]}, [lists[0]]
    while queue:
        path = queue.pop()
        nav = site.pages[path].split('<nav class="fc-pages"')[1].split("</nav>")[0]
        # Previous, the first, a gap, the pages near this one, a gap, the last, and Next.
        assert nav.count("<li") <= 2 * PAGE_LINKS + 7, "a few links, however long the list"
        here = metadata.page_url(path)
        for href in re.findall(r'href="([^"]+)"', nav):
            address = posixpath.normpath(posixpath.join(here, href)) + "/"
            if at_address[address] not in reached:
                reached.add(at_address[address])
                queue.append(at_address[address])
    assert reached == set(lists)
