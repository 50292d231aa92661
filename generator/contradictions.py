"""Warnings about data that contradicts itself: valid records whose parts disagree.

These checks run on a file that has no errors and never stop a build. They catch what can be
told mechanically; they cannot tell whether a verdict is right. What they test:

- an appearance that lists errors of fact but is rated as fully accurate, or is rated below
  fully accurate without saying what it got wrong;
- evidence marked "supports" whose note speaks of contradicting, refuting or disproving;
- a qualifier whose `test` fails on a claim that carries it (the tests are listed in
  model.Qualifier.test);
- a publisher whose transparency details (ownership, funding, e-mail, editors) are missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Where = tuple[str | int, ...]
Warn = Callable[[Where, str], None]

CONTRADICTING_NOTE = re.compile(r"\b(?:contradict|refut|disprov)", re.IGNORECASE)
# Quotation marks that open quoted words: straight or typographic double quotes, an opening
# typographic single quote, or a straight single quote after a space (not an apostrophe).
QUOTED_WORDS = re.compile("[\"\u201c\u201d\u2018]|(?:^|\\s)'\\w")
TRANSPARENCY = ("ownership", "funding", "email", "editors")


def check(data: dict[str, Any], warn: Warn) -> None:
    """Warn about every contradiction found in a valid claims file's data."""
    ratings = [entry["id"] for entry in data.get("ratings", [])]
    best = ratings[0] if ratings else None
    tests = {item["id"]: item.get("test") for item in data.get("qualifiers", [])}
    _check_publisher(data.get("publisher", {}), warn)
    for index, claim in enumerate(data.get("claims", [])):
        path: Where = ("claims", index)
        _check_appearances(path, claim, best, warn)
        _check_evidence(path, claim, warn)
        for number, qualifier in enumerate(claim.get("qualifiers", [])):
            failure = _failed_test(tests.get(qualifier), claim, ratings)
            if failure:
                warn(
                    (*path, "qualifiers", number),
                    f"qualifier '{qualifier}' does not fit: {failure}; "
                    "remove it or correct the data",
                )


def _check_publisher(publisher: dict[str, Any], warn: Warn) -> None:
    missing = [name for name in TRANSPARENCY if not publisher.get(name)]
    if missing:
        warn(
            ("publisher",),
            f"no {', '.join(missing)}: readers cannot see who runs and pays for the desk "
            "or how to reach it; add them",
        )


def _check_appearances(path: Where, claim: dict[str, Any], best: str | None, warn: Warn) -> None:
    for number, appearance in enumerate(claim.get("appearances", [])):
        where = (*path, "appearances", number)
        accuracy, errors = appearance.get("accuracy"), appearance.get("errors", [])
        if errors and accuracy == best:
            warn(
                (*where, "accuracy"),
                f"'{accuracy}' says the source reported the claim accurately, but the "
                "appearance lists errors of fact; lower the accuracy or move the text to 'note:'",
            )
        elif not errors and accuracy != best:
            warn(
                (*where, "accuracy"),
                f"'{accuracy}' says the source got something wrong, but no error is listed; "
                "say what under 'errors:', so that the source's page shows it",
            )


def _check_evidence(path: Where, claim: dict[str, Any], warn: Warn) -> None:
    for number, item in enumerate(claim.get("evidence", [])):
        if item.get("stance") == "supports" and CONTRADICTING_NOTE.search(item.get("note", "")):
            warn(
                (*path, "evidence", number, "stance"),
                "the stance is 'supports' but the note speaks of contradicting the claim; "
                "check the stance",
            )


def _failed_test(test: str | None, claim: dict[str, Any], ratings: list[str]) -> str | None:
    """Why the qualifier's test fails on `claim`, or None when it passes or there is none."""
    if test == "single-supporting-source":
        supporting = {e["source"] for e in claim.get("evidence", []) if e["stance"] == "supports"}
        if len(supporting) != 1:
            return f"{len(supporting)} evidence sources support the claim, not one"
    elif test == "verdict-fell":
        entries = [*claim.get("reconstruction", []), *claim.get("history", [])]
        ranks = [ratings.index(entry["rating"]) for entry in entries]
        if not ranks or ranks[-1] <= min(ranks):
            return "the verdict has not fallen since an earlier date"
    elif test == "quoted-words":
        quotes = [appearance["quote"] for appearance in claim.get("appearances", [])]
        if not any(QUOTED_WORDS.search(quote) for quote in quotes):
            return "no appearance puts words in quotation marks"
    elif test == "appearance-errors":
        listed = [appearance.get("errors") for appearance in claim.get("appearances", [])]
        if not any(listed):
            return "no appearance lists an error"
    return None
