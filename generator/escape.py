"""Escaping untrusted text for every context it reaches: Markdown, HTML, attributes and JSON."""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import markdown
import nh3
from markdown.extensions.tables import TableExtension
from markupsafe import Markup

# Punctuation that Markdown, its extensions or HTML read as syntax becomes a numeric character
# reference, so the reader sees the text exactly as written. The first word is escaped in full,
# because at the start of a line "-", "1." or ":" would begin a list.
_SYNTAX = re.compile(r"""[!"#$&()*+:<=>@\[\\\]^_`{|}~]""")
_PUNCTUATION = re.compile(r"""[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]""")
_WHITESPACE = re.compile(r"\s+")
# The loader refuses these; should one arrive anyway, it must not reach Python-Markdown, which
# uses \x02 and \x03 to mark its own placeholders.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters a URL keeps as they are: RFC 3986's unreserved and reserved ones, less "[]" and "'",
# which Markdown or HTML would read. Everything else is percent-encoded.
_URL_SAFE = "-._~:/?#@!$&()*+,;=%"

ANALYSIS_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
        "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ANALYSIS_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},  # a numbered list that starts at 3 keeps its numbers
    "td": {"align"},
    "th": {"align"},
}


def text(value: object) -> Markup:
    """Plain text for a Markdown or HTML page: shown literally, on one line."""
    if isinstance(value, Markup):
        return value
    plain = _CONTROL.sub("\ufffd", str(value))
    head, space, tail = _WHITESPACE.sub(" ", plain).strip().partition(" ")
    return Markup(_PUNCTUATION.sub(_reference, head) + space + _SYNTAX.sub(_reference, tail))


def run(value: str) -> Markup:
    """A run of text inside a line, as `text` shows it, keeping a space at either end: the
    runs of a line that is cut into pieces (around marked quotes) join as the text did."""
    collapsed = _WHITESPACE.sub(" ", value)
    if not collapsed.strip():
        return Markup(collapsed[:1])
    before = " " if collapsed.startswith(" ") else ""
    after = " " if collapsed.endswith(" ") else ""
    return Markup(before + text(collapsed) + after)


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def attribute(value: object) -> Markup:
    """A value inside a double-quoted HTML attribute."""
    return Markup(_PUNCTUATION.sub(_reference, str(value)))


def url(value: str) -> Markup:
    """A validated http(s) URL inside a double-quoted href attribute, inert as Markdown too."""
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"refusing to link to {value!r}")
    return Markup(quote(value, safe=_URL_SAFE).replace("&", "&amp;"))


# What sanitising may remove needs one of these: "<" (HTML, comments), "#" (a heading), "!["
# (an image), a link or link definition to an address other than http, https or mailto, or a
# line of "=" or "-" under a heading (Setext style, in a quote or list too). Text without any
# of them converts to nothing the sanitiser touches.
_MAYBE_LOST = re.compile(
    r"[<#]|!\[|\](?:\(|:)\s*(?!<?(?:https?|mailto):)|^[ \t>]*(?:=+|-+)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# Table columns aligned with "|:--|" get align="left", which the sanitiser keeps (not a style).
_ANALYSIS_MARKDOWN = markdown.Markdown(
    extensions=[TableExtension(use_align_attribute=True), "sane_lists"], output_format="html"
)


def analysis_html(source: str) -> Markup:
    """Markdown written by an editor, as sanitised HTML: formatting kept, no raw HTML."""
    if _prefetched is not None:
        converted = _prefetched.get(source)
        if converted is not None:
            return converted
    cleaned = _sanitised(_analysis_markdown(source))
    # MkDocs reads the page again as Markdown: one raw HTML element passes through unchanged.
    return Markup(f'<div class="fc-analysis">\n{cleaned.strip()}\n</div>')


def analyses_html(sources: list[str]) -> list[str]:
    """`analysis_html` of each source, for another process to compute."""
    return [str(analysis_html(source)) for source in sources]


class Prefetched:
    """Analyses converted in another process while the pages that show them are rendered.

    Converting an analysis from Markdown costs about half a millisecond: a build that renders
    every claim page (a cold build) hands them to a helper process too. The helper starts from
    the last claim, and the build converts what the helper has not reached yet, from the first:
    neither waits for the other, and they meet somewhere in between.
    """

    CHUNK = 250

    def __init__(self, executor: Executor, sources: Iterable[str]) -> None:
        self._chunks: dict[str, tuple[Future[list[str]], int]] = {}
        self._futures: list[Future[list[str]]] = []
        unique = list(dict.fromkeys(sources))
        for start in reversed(range(0, len(unique), self.CHUNK)):
            chunk = unique[start : start + self.CHUNK]
            future = executor.submit(analyses_html, chunk)
            self._futures.append(future)
            self._chunks.update((source, (future, offset)) for offset, source in enumerate(chunk))

    def get(self, source: str) -> Markup | None:
        """The converted analysis if the helper has converted it; None if not (yet), or if the
        helper failed (the caller converts it, and meets any error itself)."""
        future, offset = self._chunks.get(source, (None, 0))
        if future is None or not future.done() or future.cancelled() or future.exception():
            return None
        return Markup(future.result()[offset])

    def cancel(self) -> None:
        """Drop the analyses not converted yet."""
        for future in self._futures:
            future.cancel()


_prefetched: Prefetched | None = None


@contextlib.contextmanager
def prefetching(prefetched: Prefetched | None) -> Iterator[None]:
    """Within the block, `analysis_html` takes what `prefetched` converted."""
    global _prefetched
    _prefetched = prefetched
    try:
        yield
    finally:
        _prefetched = None
        if prefetched is not None:
            prefetched.cancel()


def analysis_losses(source: str) -> list[str]:
    """What sanitising leaves out of an analysis, in an editor's words: elements, comments and
    link addresses that the published page will not have. Empty when nothing is lost."""
    return _losses(source) if _may_lose(source) else []


def _may_lose(source: str) -> bool:
    lines = source.replace("\r\n", "\n").replace("\r", "\n")  # as Markdown reads them
    return _MAYBE_LOST.search(lines) is not None


def _losses(source: str) -> list[str]:
    rendered = _analysis_markdown(source)
    before, after = _Elements.of(rendered), _Elements.of(_sanitised(rendered))
    losses = [
        _element_name(tag, count) for tag, count in sorted((before.tags - after.tags).items())
    ]
    losses.extend(
        f"the {name} attribute of <{tag}>"
        for tag, name in sorted((before.attributes - after.attributes).keys())
        if tag in after.tags
    )
    links = (before.links - after.links).total()
    if links:
        losses.append("the address of a link" if links == 1 else f"the addresses of {links} links")
    if before.comments:
        comments = before.comments
        losses.append("an HTML comment" if comments == 1 else f"{comments} HTML comments")
    return losses


# Elements as editors write them; others are named by their HTML tag.
_ELEMENT_NAMES = {
    "img": ("an image", "images"),
    "h1": ("a # or === heading (its text stays)", "# or === headings (their text stays)"),
    "h2": ("a ## or --- heading (its text stays)", "## or --- headings (their text stays)"),
    "script": ("a script", "scripts"),
    "style": ("a style sheet", "style sheets"),
}


def _element_name(tag: str, count: int) -> str:
    one, many = _ELEMENT_NAMES.get(tag, (f"an HTML <{tag}> element", f"HTML <{tag}> elements"))
    return one if count == 1 else f"{count} {many}"


def _analysis_markdown(source: str) -> str:
    # One converter, reset between uses: building one per claim costs more than converting.
    return str(_ANALYSIS_MARKDOWN.reset().convert(_CONTROL.sub("\ufffd", source)))


def _sanitised(rendered: str) -> str:
    return nh3.clean(
        rendered,
        tags=set(ANALYSIS_TAGS),
        attributes={tag: set(names) for tag, names in ANALYSIS_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        # A relative link would resolve against wherever the page ends up; "//host" is one too.
        url_relative="deny",
        link_rel="nofollow noopener noreferrer",
    )


class _Elements(HTMLParser):
    """The elements, link addresses and comments of an HTML fragment, counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str]] = Counter()
        self.links: Counter[str] = Counter()
        self.comments = 0

    @classmethod
    def of(cls, fragment: str) -> _Elements:
        parser = cls()
        parser.feed(fragment)
        parser.close()
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.update((tag, name) for name, _ in attrs if name != "href")
        self.links.update(value or "" for name, value in attrs if name == "href")

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def json_for_script(value: Any) -> Markup:
    """JSON for a <script> element: nothing in it can close the element or open a comment."""
    encoded = json.dumps(
        value, ensure_ascii=False, sort_keys=False, separators=(",", ":"), allow_nan=False
    )
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(character, escaped)
    return Markup(encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
