"""Hostile text in claims.yaml reaches the built site as text: no markup, no script, no links.

The vectors follow the OWASP XSS filter evasion cheat sheet, plus Markdown, Jinja and MkDocs
syntax. Plain-text fields must show each one exactly as written; the Markdown field (analysis)
keeps formatting but loses raw HTML, event handlers and non-http(s) links.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
import yaml

from generator import escape
from generator.load import parse_catalog
from tests.projects import VALID, dump_claims, make_project

# Every vector is at most 74 characters, so that it fits `short`, and every one is distinct.
TEXT_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "&#x3C;svg onload=alert(1)&#x3E; &amp;amp;",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    "<body onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<object data="data:text/html,x"></object>',
    "<embed src=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    "**bold** and _emphasis_ and ~~strike~~",
    "[click](javascript:alert(1))",
    '![image](https://evil.example/x.png "title")',
    "<http://evil.example/>",
    "[ref]: javascript:alert(1)",
    "# A heading",
    "- a list item",
    "1. a numbered item",
    "---",
    "| a | b |",
    "> a quotation",
    "`code` and ```fence```",
    '!!! danger "Admonition"',
    "??? note",
    "{: onclick=alert(1) }",
    "{{ 7*7 }}",
    "{% raw %}raw{% endraw %}",
    "<!-- factcheck:verdict-counts -->",
    "\\<script\\> \\ ends with a backslash \\",
    "Ends with a hash #",
    "a  *b*  c",
]

ANALYSIS_VECTORS = [
    "<script>alert(1)</script>Text after a script.",
    "<img src=x onerror=alert(1)>",
    "[a link](javascript:alert(1)) and [another](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1)) and [spaced]( javascript:alert(1))",
    "[entity](&#106;avascript:alert(1)) and [tab](java\tscript:alert(1))",
    "[protocol-relative](//evil.example/) and [relative](/somewhere)",
    "[ref][r]\n\n[r]: javascript:alert(1)",
    '<a href="https://example.org/" onclick="alert(1)">link</a>',
    '<a href="  javascript:alert(1)">link</a> <a href="java&#10;script:alert(1)">nl</a>',
    "<iframe src=https://evil.example/></iframe>",
    "<object data=x></object><embed src=x>",
    "<style>*{display:none}</style><p style='color:red'>styled</p>",
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'><base href=//evil.example/>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<a id=__toc name=clobber>dom clobbering</a>",
    "text\n{: onclick=alert(1) }",
    "<!-- factcheck:verdict-counts -->",
    "**Bold**, *emphasis*, [a fine link](https://example.org/page?a=1&b=2).",
]
DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcset")
# Elements counted on every page and compared with the clean build: content must add none.
WATCHED = ("script", "iframe", "object", "embed", "style", "form", "base", "frame", "applet")


def hostile_catalog() -> dict[str, Any]:
    """The valid fixture plus, for each vector, a claim whose every text field is the vector.

    Each claim has its own rating, qualifier, confidence level, source and claimant, whose
    labels, definitions, titles and names are the vector too.
    """
    data: dict[str, Any] = yaml.safe_load((VALID / "claims.yaml").read_text("utf-8"))
    template = data["claims"][0]
    data["publisher"]["name"] = TEXT_VECTORS[0]
    data["ratings"][0]["value"], data["ratings"][1]["value"] = 100, 99
    for number, vector in enumerate(TEXT_VECTORS):
        key = f"v{number}"
        data["ratings"].insert(
            -1, {"id": key, "label": vector, "value": 90 - number, "definition": vector}
        )
        data["qualifiers"].append({"id": key, "label": vector, "definition": vector})
        data["confidence"].append({"id": key, "label": vector, "definition": vector})
        data["sources"].append(
            {
                "id": key,
                "title": vector,
                "title_kind": "headline" if number % 2 else "description",
                "publisher": vector,
                "original_publisher": vector,
                "kind": "news-report",
                "url": f"https://news.example.org/{number}?a=1&b=2",
                "archive_url": f"https://archive.example.org/{number}",
            }
        )
        data["claimants"].append({"id": key, "name": vector, "kind": "media"})
        claim = {
            **template,
            "id": f"vector-{number}",
            "claim": vector,
            "short": vector,
            "claimant": key,
            "appearances": [
                {
                    "source": key,
                    "quote": vector,
                    "accuracy": key,
                    "note": vector,
                    "errors": [vector],
                }
            ],
            "rating": key,
            "confidence": key,
            "qualifiers": [key],
            "summary": vector,
            "analysis": ANALYSIS_VECTORS[number % len(ANALYSIS_VECTORS)],
            "unknowns": [vector],
            "evidence": [{"source": key, "stance": "context", "note": vector}],
            "history": [
                {"date": template["history"][0]["date"], "rating": "unproven", "note": vector},
                {"date": template["history"][1]["date"], "rating": key, "note": vector},
            ],
            "tags": [key],
        }
        data["claims"].append(claim)
    data["claims"][1]["history"][1]["correction"] = True
    return data


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The clean fixture and the hostile one, each built in strict mode: (clean, hostile)."""
    clean = make_project(tmp_path_factory.mktemp("clean"))
    hostile_text = dump_claims(hostile_catalog())
    hostile = make_project(tmp_path_factory.mktemp("hostile"), hostile_text)
    for project in (clean, hostile):
        result = project.build()
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    return clean.site, hostile.site


def parse(page: Path) -> Any:
    return lxml.html.fromstring(page.read_bytes())


def html_pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def collapsed(text: str) -> str:
    return " ".join(text.split())


def census(document: Any) -> Counter[str]:
    """Watched elements of a page, scripts by their src and type."""
    found: Counter[str] = Counter()
    for element in document.iter(*WATCHED):
        if element.tag == "script":
            found[f"script src={element.get('src')} type={element.get('type')}"] += 1
        else:
            found[element.tag] += 1
    for element in document.iter("meta"):
        if element.get("http-equiv"):
            found["meta http-equiv"] += 1
    return found


def counterpart(clean: Path, relative: Path) -> Path:
    """The clean build's page of the same kind: claim and source pages map to one of its own."""
    parts = relative.parts
    if parts[0] == "claims" and len(parts) == 3:
        return clean / "claims" / "ferry-300" / "index.html"
    if parts[0] == "sources" and len(parts) == 3:
        return clean / "sources" / ("article" if parts[1] == "article" else "operator") / parts[2]
    if parts[0] in ("claimants", "verdicts") and len(parts) == 3:
        return sorted((clean / parts[0]).glob("*/index.html"))[0]
    return clean / relative


def test_every_vector_is_a_claim_page(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    for number in range(len(TEXT_VECTORS)):
        assert (hostile / "claims" / f"vector-{number}" / "index.html").is_file()


def test_content_adds_no_script_frame_object_style_or_form(sites: tuple[Path, Path]) -> None:
    clean, hostile = sites
    for page in html_pages(hostile):
        relative = page.relative_to(hostile)
        expected = census(parse(counterpart(clean, relative)))
        assert census(parse(page)) == expected, relative


def test_no_event_handler_attribute_anywhere(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    for page in html_pages(hostile):
        for element in parse(page).iter():
            handlers = [name for name in element.attrib if name.lower().startswith("on")]
            assert not handlers, (page.relative_to(hostile), element.tag, handlers)


def test_no_link_or_source_with_a_script_or_data_scheme(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    for page in html_pages(hostile):
        for element in parse(page).iter():
            for name in URL_ATTRIBUTES:
                value = element.get(name)
                if value is not None:
                    # Browsers drop tabs and newlines inside a URL before reading its scheme.
                    plain = re.sub(r"[\t\n\r]", "", value)
                    assert not DANGEROUS_SCHEME.match(plain), (page.relative_to(hostile), value)


def test_analysis_links_are_absolute_http_only(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    for number in range(len(TEXT_VECTORS)):
        page = parse(hostile / "claims" / f"vector-{number}" / "index.html")
        for link in page.cssselect(".fc-analysis a[href]"):
            assert re.match(r"(https?://[^/]|mailto:)", link.get("href")), link.get("href")
        assert not page.cssselect(".fc-analysis [id], .fc-analysis [style], .fc-analysis [class]")


def test_analysis_keeps_markdown_formatting(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    number = ANALYSIS_VECTORS.index(
        "**Bold**, *emphasis*, [a fine link](https://example.org/page?a=1&b=2)."
    )
    page = parse(hostile / "claims" / f"vector-{number}" / "index.html")
    analysis = page.cssselect(".fc-analysis")[0]
    assert analysis.cssselect("strong")[0].text == "Bold"
    assert analysis.cssselect("em")[0].text == "emphasis"
    link = analysis.cssselect("a")[0]
    assert (link.get("href"), link.text) == ("https://example.org/page?a=1&b=2", "a fine link")
    assert "Text after a script." in collapsed(
        parse(hostile / "claims" / "vector-0" / "index.html")
        .cssselect(".fc-analysis")[0]
        .text_content()
    )


@pytest.mark.parametrize("number", range(len(TEXT_VECTORS)))
def test_plain_text_shows_as_written_on_the_claim_page(
    sites: tuple[Path, Path], number: int
) -> None:
    _, hostile = sites
    vector = collapsed(TEXT_VECTORS[number])
    page = parse(hostile / "claims" / f"vector-{number}" / "index.html")
    assert collapsed(page.find(".//title").text_content()) == f"{vector} - Open Fact Check Desk"
    assert collapsed(page.cssselect(".md-header__topic")[-1].text_content()) == vector
    article = page.cssselect("article")[0]
    assert collapsed(article.cssselect("h1")[0].text_content()) == vector
    card = article.cssselect(".fc-card")[0]
    assert collapsed(card.cssselect(".fc-card__summary")[0].text_content()) == vector
    assert collapsed(card.cssselect(".fc-card__verdict .fc-verdict")[0].text_content()) == vector
    assert collapsed(card.cssselect(".fc-qualifier")[0].text_content()) == vector
    assert collapsed(card.cssselect(".fc-confidence")[0].text_content()) == f"{vector} confidence"
    assert collapsed(card.cssselect(".fc-card__meaning")[0].text_content()) == vector
    claim = article.xpath(".//h2[normalize-space()='The claim']/following-sibling::blockquote")
    assert collapsed(claim[0].text_content()) == vector
    # Claim, quote, note, error, unknown, evidence note, two history notes, claimant name,
    # source title, publisher and original publisher (twice: appearance and evidence).
    assert collapsed(article.text_content()).count(vector) >= 15, vector


def test_plain_text_shows_as_written_on_listing_pages(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    pages = {
        name: collapsed(parse(hostile / name / "index.html").cssselect("article")[0].text_content())
        for name in ("scale", "verdicts", "claimants", "claims", "sources", "corrections")
    }
    for number, text in enumerate(TEXT_VECTORS):
        vector = collapsed(text)
        assert pages["scale"].count(vector) >= 6, vector  # three labels, three definitions
        assert vector in pages["verdicts"], vector
        assert vector in pages["claimants"], vector
        assert vector in pages["claims"], vector
        assert vector in pages["sources"], vector
        source = parse(hostile / "sources" / f"v{number}" / "index.html")
        # A headline in quotation marks, a description of ours in square brackets.
        shown = f"\u201c{vector}\u201d" if number % 2 else f"[{vector}]"
        assert collapsed(source.cssselect("article h1")[0].text_content()) == shown
        assert (
            collapsed(source.find(".//title").text_content()) == f"{shown} - Open Fact Check Desk"
        )
    assert collapsed(TEXT_VECTORS[0]) in pages["corrections"]


def test_table_of_contents_shows_labels_as_written(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    page = parse(hostile / "scale" / "index.html")
    entries = [collapsed(link.text_content()) for link in page.cssselect(".md-nav--secondary a")]
    for text in TEXT_VECTORS:
        assert entries.count(collapsed(text)) >= 3  # a verdict, a qualifier, a confidence


def test_structured_data_and_exports_still_parse(sites: tuple[Path, Path]) -> None:
    _, hostile = sites
    for page in html_pages(hostile):
        for script in parse(page).iter("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.text)
    for path in hostile.rglob("*.json"):
        if "pagefind" not in path.parts:
            json.loads(path.read_text("utf-8"))
    for path in hostile.rglob("*.xml"):
        lxml.etree.fromstring(path.read_bytes())


@pytest.mark.parametrize("vector", TEXT_VECTORS)
def test_text_escapes_every_character_markdown_or_html_reads(vector: str) -> None:
    escaped = str(escape.text(vector))
    assert not re.search(r"[<>&\[\]`*_{}|\\#!]", re.sub(r"&#\d+;", "", escaped)), escaped


@pytest.mark.parametrize("vector", ANALYSIS_VECTORS)
def test_analysis_html_has_no_script_handler_or_foreign_link(vector: str) -> None:
    fragment = lxml.html.fragment_fromstring(str(escape.analysis_html(vector)))
    for element in fragment.iter():
        assert element.tag not in WATCHED, element.tag
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        href = element.get("href")
        assert href is None or re.match(r"(https?://[^/]|mailto:)", href), href


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2"),
        ('https://example.org/"onmouseover=x', "https://example.org/%22onmouseover=x"),
        ("https://example.org/<script>", "https://example.org/%3Cscript%3E"),
        ("https://example.org/[a](javascript:x)", "https://example.org/%5Ba%5D(javascript:x)"),
        ("https://example.org/`x`\\y'z", "https://example.org/%60x%60%5Cy%27z"),
        ("https://de.wikipedia.org/wiki/Köln", "https://de.wikipedia.org/wiki/K%C3%B6ln"),
        ("https://example.org/100%25", "https://example.org/100%25"),
    ],
)
def test_url_is_inert_in_an_attribute_and_in_markdown(value: str, expected: str) -> None:
    assert escape.url(value) == expected


@pytest.mark.parametrize("value", ["javascript:alert(1)", "//example.org/", " https://x.org/"])
def test_url_refuses_what_the_loader_would_have_refused(value: str) -> None:
    with pytest.raises(ValueError, match="refusing to link to"):
        escape.url(value)


def test_json_for_script_cannot_close_the_element() -> None:
    value = {"name": "</script><script>alert(1)</script><!-- \u2028\u2029 &amp;"}
    encoded = str(escape.json_for_script(value))
    assert not re.search(r"[<>&\u2028\u2029]", encoded)
    assert json.loads(encoded) == value
    with pytest.raises(ValueError):
        escape.json_for_script({"value": float("nan")})


def test_text_never_passes_markdown_placeholders_through() -> None:
    # The loader refuses these characters; escape.text must not rely on it.
    assert "\x02" not in escape.text("\x02wzxhzdk:0\x03 text")
    assert "\x03" not in escape.analysis_html("\x02wzxhzdk:0\x03 text")


def test_build_fixture_is_the_valid_file_plus_vectors() -> None:
    # Guards the fixture itself: the hostile catalog must load, or the build test proves nothing.
    text = dump_claims(hostile_catalog())
    catalog = parse_catalog(text.encode("utf-8"), "hostile.yaml", base_dir=VALID)
    assert len(catalog.claims) == len(TEXT_VECTORS) + 1
