"""Marking quotes in seed articles: where each claim's words stand in the article's text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import Claim


@dataclass(frozen=True)
class Marked:
    """A span of seed text that a claim quotes."""

    start: int
    end: int
    claim: Claim


@dataclass(frozen=True)
class Segment:
    """A run of seed text, marked with the claim it quotes or not."""

    text: str
    claim: Claim | None = None


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
                marked.append(Marked(match.start(), match.end(), claim))
    return sorted(marked, key=lambda span: span.start)


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
    """Seed text split into paragraphs of plain and quoted segments. Overlaps keep the first."""
    segments: list[Segment] = []
    position = 0
    for span in marked:
        if span.start < position:
            continue
        segments.append(Segment(text[position : span.start]))
        segments.append(Segment(text[span.start : span.end], span.claim))
        position = span.end
    segments.append(Segment(text[position:]))
    result: list[list[Segment]] = [[]]
    for segment in segments:
        pieces = segment.text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                result.append([])
            if piece.strip():
                result[-1].append(Segment(piece, segment.claim))
    return [paragraph for paragraph in result if paragraph]
