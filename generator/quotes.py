"""Marking quotes in seed articles: where each claim's words stand in the article's text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from generator.model import Claim


@dataclass(frozen=True)
class Marked:
    """A span of seed text that a claim quotes, with how accurately the text reported it."""

    start: int
    end: int
    claim: Claim
    accuracy: str
    """The appearance's accuracy: a rating id."""


@dataclass(frozen=True)
class Segment:
    """A run of seed text and the quoted spans that cover it, outermost first.

    `ending` lists the spans that end with this run: the page shows their verdicts after it.
    """

    text: str
    marks: tuple[Marked, ...] = ()
    ending: tuple[Marked, ...] = ()


def normalise(text: str) -> str:
    """Text with whitespace runs collapsed and typographic quotes made plain."""
    for fancy, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text)


def mark_quotes(text: str, source_id: str, claims: list[Claim]) -> list[Marked]:
    """Where each claim's quotes from `source_id` stand in `text`, in the order of the text."""
    marked = []
    for claim in claims:
        for appearance in claim.appearances:
            if appearance.source != source_id:
                continue
            match = re.search(_quote_pattern(appearance.quote), text)
            if match:
                marked.append(Marked(match.start(), match.end(), claim, appearance.accuracy))
    return sorted(marked, key=lambda span: (span.start, -span.end))


def _quote_pattern(quote: str) -> str:
    """A regex matching `quote` in the original text, whatever its whitespace and quote marks."""
    classes = {"'": "['\u2018\u2019]", '"': '["\u201c\u201d]'}
    parts = []
    for character in normalise(quote).strip():
        if character == " ":
            parts.append(r"\s+")
        else:
            parts.append(classes.get(character, re.escape(character)))
    return "".join(parts)


def paragraphs(text: str, marked: list[Marked]) -> list[list[Segment]]:
    """Seed text split into paragraphs of runs, each with every quoted span that covers it.

    Quotes may overlap or nest: the text is cut at every start and end of a span, so each span
    stays marked over its whole length, and each run shows as nested marks.
    """
    cuts = sorted({0, len(text)} | {span.start for span in marked} | {span.end for span in marked})
    result: list[list[Segment]] = [[]]
    for start, end in itertools.pairwise(cuts):
        covering = tuple(span for span in marked if span.start <= start and end <= span.end)
        pieces = text[start:end].split("\n")
        for number, piece in enumerate(pieces):
            if number:
                result.append([])
            is_last = number == len(pieces) - 1
            ending = tuple(span for span in covering if span.end == end) if is_last else ()
            if piece or ending:  # a run of spaces between two quotes is kept, as a space
                result[-1].append(Segment(piece, covering, ending))
    return [
        paragraph
        for paragraph in result
        if any(segment.text.strip() or segment.ending for segment in paragraph)
    ]
