"""Property tests: any valid record renders, any text reaches the page unchanged, and no
mutation of a valid file crashes the loader."""

from __future__ import annotations

import itertools
import json
import os
import posixpath
from datetime import date
from typing import Any

import lxml.html
import markdown
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import charts, escape, templates, yamlsource
from generator.load import parse_catalog
from generator.model import SHORT_CLAIM_LIMIT, Catalog
from generator.problems import CatalogError
from generator.site import Settings, read_seed_texts, render_site
from tests.projects import REPO, VALID, dump_claims

TODAY = date(2025, 1, 1)
VALID_TEXT = (VALID / "claims.yaml").read_text("utf-8")
VALID_BYTES = VALID_TEXT.encode("utf-8")
# Fast by default; FACTCHECK_EXAMPLES=5000 runs a deeper search. Rendering costs ~50 ms an
# example, reading a file ~1 ms, so the loader's properties get four times as many.
EXAMPLES = int(os.environ.get("FACTCHECK_EXAMPLES", "30"))
RENDER = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
FAST = settings(RENDER, max_examples=4 * EXAMPLES)

# Text as an editor can write it: anything YAML allows, weighted towards the characters that
# Markdown, HTML and Jinja read as syntax.
SYNTAX = [*"<>&\"'`*_[](){}#|!\\~^=+-.:;/@$%?", "\n", "\t", " ", "  ", "\u00a0", "\u2028"]
SYNTAX += ["&lt;", "&#60;", "&amp;", "<script>", "{{", "}}", "{%", "-->", "<!--", "](", "\\\n"]
CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
TEXT = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(CHARACTERS, max_size=8)), max_size=12)


def editor_text(max_size: int | None = None) -> st.SearchStrategy[str]:
    """Text that the loader accepts: printable, not blank, within `max_size` characters."""
    strategy = TEXT.map("".join).filter(lambda text: bool(text.strip()))
    if max_size is not None:
        strategy = strategy.filter(lambda text: len(text) <= max_size)
    return strategy


def markdown_extensions() -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions and their settings from the repository's mkdocs.yml."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    names: list[str] = []
    configs: dict[str, Any] = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, str):
            names.append(entry)
        else:
            ((name, options),) = entry.items()
            names.append(name)
            configs[name] = options or {}
    return names, configs


EXTENSIONS, EXTENSION_CONFIGS = markdown_extensions()
MARKDOWN = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def as_html(page: str) -> Any:
    """A generated Markdown page converted as MkDocs converts it, parsed."""
    body = MARKDOWN.reset().convert(page)
    return lxml.html.fromstring(f"<html><body>{body}</body></html>")


def collapsed(text: str) -> str:
    return " ".join(text.split())


def with_claim_text(short: str, claim: str, summary: str, note: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(VALID_TEXT)
    data["claims"][0].update(short=short, claim=claim, summary=summary)
    data["claims"][0]["unknowns"] = [note]
    data["sources"][1]["title"] = note
    data["claimants"][0]["name"] = note
    return data


def claim_page(catalog: Catalog) -> Any:
    site = render_site(catalog, read_seed_texts(catalog, VALID), Settings("https://x.org/"))
    return as_html(site.pages[f"claims/{catalog.claims[0].id}.md"])


def assert_shows(page: Any, short: str, claim: str, summary: str, note: str) -> None:
    assert collapsed(page.cssselect("h1")[0].text_content()) == collapsed(short)
    assert collapsed(page.cssselect(".fc-card__summary")[0].text_content()) == collapsed(summary)
    quoted = page.xpath("//h2[normalize-space()='The claim']/following-sibling::blockquote[1]")
    assert collapsed(quoted[0].text_content()) == collapsed(claim)
    unknowns = page.xpath('//h2[normalize-space()="What we don\'t know"]/following-sibling::ul[1]')
    assert collapsed(unknowns[0].text_content()) == collapsed(note)


@RENDER
@given(
    short=editor_text(SHORT_CLAIM_LIMIT),
    claim=editor_text(),
    summary=editor_text(),
    note=editor_text(),
)
def test_any_valid_record_renders_and_its_text_reaches_the_page_unchanged(
    short: str, claim: str, summary: str, note: str
) -> None:
    raw = dump_claims(with_claim_text(short, claim, summary, note)).encode("utf-8")
    catalog = parse_catalog(raw, "claims.yaml", base_dir=VALID, today=TODAY)
    assert catalog.claims[0].short == short
    assert_shows(claim_page(catalog), short, claim, summary, note)


@RENDER
@given(analysis=editor_text())
def test_any_analysis_renders_without_raw_html(analysis: str) -> None:
    data = yaml.safe_load(VALID_TEXT)
    data["claims"][0]["analysis"] = analysis
    page = claim_page(Catalog.model_validate(data))
    fragment = page.cssselect(".fc-analysis")[0]
    for element in fragment.iter():
        assert element.tag not in ("script", "style", "iframe", "img", "object", "embed", "form")
        assert not [name for name in element.attrib if name.startswith("on")]


def assert_well_formed(error: CatalogError, raw: bytes) -> None:
    lines = raw.count(b"\n") + 2
    assert error.problems
    for problem in error.problems:
        assert problem.file == "claims.yaml"
        assert 1 <= problem.position.line <= lines, problem
        assert problem.position.column >= 1, problem
        assert problem.message and "\n" not in problem.message, problem
        assert str(problem).startswith(
            f"claims.yaml:{problem.position.line}:{problem.position.column}: "
        )


def load_or_report(raw: bytes) -> None:
    """The loader returns a catalog or raises CatalogError: never anything else."""
    try:
        parse_catalog(raw, "claims.yaml", base_dir=VALID, today=TODAY)
    except CatalogError as error:
        assert_well_formed(error, raw)


@FAST
@given(st.data())
def test_flipped_bytes_never_crash_the_loader(data: st.DataObject) -> None:
    raw = bytearray(VALID_BYTES)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    load_or_report(bytes(raw))


@FAST
@given(st.data())
def test_deleted_and_repeated_lines_never_crash_the_loader(data: st.DataObject) -> None:
    lines = VALID_BYTES.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 6))):
        index = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[index]
        else:
            lines.insert(index, lines[data.draw(st.integers(0, len(lines) - 1))])
        if not lines:
            break
    load_or_report(b"".join(lines))


@FAST
@given(st.integers(0, len(VALID_BYTES)))
def test_truncated_files_never_crash_the_loader(length: int) -> None:
    load_or_report(VALID_BYTES[:length])


SNIPPETS = [
    "&a x", "*a", "!!python/object:os.system x", "!x", "? [a]", ": b", "- ", "[", "{", "]",
    "'", '"', '"\\x02"', '"\\ud800"', "\t", "---", "...", "%YAML 1.1", "<<: *a", "~", "null",
    "yes", "2024-02-30", "2024-01-01T00:00:00", "1e999", "9" * 5000, "=", "|", ">-", "#",
    "version: 2", "claims: {}", "id: Index", "url: javascript:x", "- [[[[[[[[[[",
]  # fmt: skip


@FAST
@given(st.data())
def test_inserted_yaml_snippets_never_crash_the_loader(data: st.DataObject) -> None:
    lines = VALID_TEXT.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines)))
        indent = " " * data.draw(st.integers(0, 8))
        snippet = data.draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=20)))
        if data.draw(st.booleans()) and index < len(lines):
            lines[index] = lines[index].rstrip("\n") + " " + snippet + "\n"
        else:
            lines.insert(index, indent + snippet + "\n")
    raw = "".join(lines).encode("utf-8", "surrogatepass")
    load_or_report(raw)


PATTERN_PARTS = ["*", "**", "/", ".", "..", "claims", "x.yaml", "[", "]", "[!a]", "?", "\\", "~"]


@FAST
@given(st.lists(st.sampled_from(PATTERN_PARTS), min_size=1, max_size=6).map("".join))
def test_any_include_pattern_is_read_or_reported(pattern: str) -> None:
    raw = VALID_TEXT + f"include:\n  - {json.dumps(pattern)}\n"
    load_or_report(raw.encode("utf-8"))


@FAST
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_the_loader(raw: bytes) -> None:
    load_or_report(raw)


def test_the_alphabet_holds_the_characters_escaping_exists_for() -> None:
    # Without these the properties above would prove little; all of them are valid YAML text.
    assert {"<", "&", "`", "*", "[", "{", "#", "|", "\\", "\n"} <= set("".join(SYNTAX))
    assert yamlsource.NOT_PRINTABLE.search("".join(SYNTAX)) is None


# Site paths as pages use them: "." for the root, else normalised segments, some shared.
SITE_PATHS = st.one_of(
    st.just("."),
    st.lists(
        st.sampled_from(["claims", "sources", "a", "b", "page-2", "x.md", "index.md"]),
        min_size=1,
        max_size=4,
    ).map("/".join),
)


@given(path=SITE_PATHS, start=SITE_PATHS)
@FAST
def test_relative_links_match_posixpath(path: str, start: str) -> None:
    assert templates._relative(path, start) == posixpath.relpath(path, start)


@given(
    days=st.lists(st.integers(0, 2000), min_size=1, max_size=25, unique=True).map(sorted),
)
@FAST
def test_timeline_points_stay_in_the_chart_in_order_and_apart(days: list[int]) -> None:
    xs = charts._spaced(days, 10, 330, charts.POINT_GAP)
    assert xs[0] >= 10 and xs[-1] <= 330
    room = (330 - 10) / max(len(days) - 1, 1)
    for left, right in itertools.pairwise(xs):
        assert right - left >= min(charts.POINT_GAP, room) - 1e-9
    # Dates far enough apart keep their places in time.
    spread = max(days[-1] - days[0], 1)
    in_time = [10 + 320 * (day - days[0]) / spread for day in days]
    if all(right - left >= charts.POINT_GAP for left, right in itertools.pairwise(in_time)):
        assert xs == in_time


# Pieces of the Markdown that sanitising may touch: line starts, list numbers, table alignment,
# link targets of every kind, line breaks of every kind.
MARKDOWN_PIECES = [*SYNTAX, "a", "b", "0", "2", "\r", "\n2. ", "\n> ", "\n---", "\n===", "|:-"]
MARKDOWN_PIECES += ["-:|", "![", "](", "]: ", "http://x", "HTTPS://X", "mailto:", "/rel", "#f"]
MARKDOWN_PIECES += ["javascript:"]


@example("Heading\n---")  # Setext headings become <h1> and <h2>
@example("Heading\r===")  # Python-Markdown reads a lone carriage return as a line break
@example("> Quoted heading\n> ---")
@example("# Heading")
@example("![image](http://x)")
@example("[link](/relative)")
@example("[link][1]\n\n[1]: javascript:x")
@example("<b onclick=x>b</b>")
@example("2. a numbered list from two")
@example("|a|b|\n|:-|-:|\n|1|2|")
@FAST
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=40).map("".join))
def test_the_quick_look_for_markup_that_publishing_drops_misses_none(source: str) -> None:
    # `check` converts and sanitises an analysis only when this look finds something that
    # sanitising could remove: text it passes over must lose nothing.
    if not escape._may_lose(source):
        assert escape._losses(source) == []
