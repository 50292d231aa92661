"""Editorial hygiene: what a valid catalog may publish, but an editor should look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from generator import escape, yamlsource
from generator.load import Loaded
from generator.problems import Problem, dotted
from generator.yamlsource import Path as Where
from generator.yamlsource import Position

DEFAULT_STALE_DAYS = 365


def find_warnings(
    loaded: Loaded, *, today: date, stale_days: int = DEFAULT_STALE_DAYS
) -> list[Problem]:
    """Every hygiene warning for `loaded`, in file order.

    A history entry without a note is not among them: the schema requires `note`, so the
    loader refuses such an entry as an error.
    """
    catalog = loaded.catalog
    found: list[tuple[Where, str, str]] = []
    for index, source in enumerate(catalog.sources):
        if source.url is not None and source.archive_url is None:
            found.append(
                (
                    ("sources", index, "url"),
                    "no archived copy; add archive_url, a copy of the page in a web archive, "
                    "in case the page changes or disappears",
                    "sources with no archived copy",
                )
            )
    cited = {item.source for claim in catalog.claims for item in claim.appearances} | {
        item.source for claim in catalog.claims for item in claim.evidence
    }
    for index, source in enumerate(catalog.sources):
        if source.id not in cited:
            found.append(
                (
                    ("sources", index, "id"),
                    f"no claim cites source '{source.id}'; cite it in appearances or "
                    "evidence, or remove it",
                    "sources that no claim cites",
                )
            )
    claimed_by = {claim.claimant for claim in catalog.claims}
    for index, claimant in enumerate(catalog.claimants):
        if claimant.id not in claimed_by:
            found.append(
                (
                    ("claimants", index, "id"),
                    f"no claim names claimant '{claimant.id}'; use it, or remove it",
                    "claimants that no claim names",
                )
            )
    for index, claim in enumerate(catalog.claims):
        age = (today - claim.reviewed).days
        if age > stale_days:
            found.append(
                (
                    ("claims", index, "reviewed"),
                    f"last reviewed {age} days ago, more than {stale_days}: check the claim "
                    "again, then set reviewed to the date you did",
                    f"claims not reviewed for more than {stale_days} days",
                )
            )
        losses = escape.analysis_losses(claim.analysis)
        if losses:
            found.append(
                (
                    ("claims", index, "analysis"),
                    f"the published page leaves out {_listed(losses)}; the editors' guide says "
                    "what an analysis may hold: write the rest as text, or remove it",
                    "analyses that lose something when published",
                )
            )
    for path, text in _texts(loaded.merged.data.get("claims"), ("claims",)):
        if marker := _STRAY_BLOCK.search(text):
            found.append(
                (
                    path,
                    f"the text holds '{marker.group(1)}', which starts a block of text only "
                    "right after the colon; move the words before it to the lines below",
                    "texts with a block indicator between words",
                )
            )
    problems = [*_large_files(loaded), *_cut_by_comments(loaded)]
    for path, message, group in found:
        file, position = loaded.where(path)
        problems.append(Problem(file, position, dotted(path), message, group=group))
    return sorted(problems, key=lambda p: (p.file, p.position.line, p.position.column))


_STRAY_BLOCK = re.compile(r"(?<=\S )([|>][-+])(?= \S)")
"""A block indicator with its chomping sign between words, as `Some words >- the text`: the
words were typed in front of it, and YAML read it all as one plain line. (In a block of
Markdown, `>- item` starts a line, and is a quoted list.)"""


PROSE = frozenset(
    {
        "analysis", "claim", "definition", "errors", "funding", "label", "name", "note",
        "original_publisher", "other_names", "ownership", "publisher", "quote", "role",
        "short", "summary", "title", "unknowns",
    }
)  # fmt: skip
"""The fields that hold prose, where a ' #' is more likely text than the start of a comment."""


def _cut_by_comments(loaded: Loaded) -> Iterator[Problem]:
    """Unquoted prose that YAML cut short at a ' #': `summary: Figures #1 and #2` holds only
    "Figures", and nothing else would say so."""
    for name, document in loaded.merged.files:
        for path, position in document.comments.items():
            field = next((part for part in reversed(path) if isinstance(part, str)), "")
            if field in PROSE:
                yield Problem(
                    name,
                    position,
                    dotted(path),
                    "YAML reads ' #' and what follows it as a comment, so the text ends before "
                    "it; put the whole text in quotes to keep the rest, or move the comment to "
                    "a line of its own",
                    group="texts cut short by a comment",
                )


def _texts(value: object, path: Where) -> Iterator[tuple[Where, str]]:
    """Every text inside `value`, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def _large_files(loaded: Loaded) -> Iterator[Problem]:
    """Claims files past three quarters of the size limit of one file, while `split` can
    still read them."""
    for name in loaded.files:
        try:
            size = Path(name).stat().st_size
        except OSError:
            continue
        if size > yamlsource.MAX_BYTES * 3 // 4:
            limit = yamlsource.MAX_BYTES // 2**20
            yield Problem(
                name,
                Position(1, 1),
                "",
                f"the file is {size / 2**20:.1f} MiB, near the {limit} MiB limit of one file; "
                + yamlsource.SPLIT_ADVICE,
            )


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
