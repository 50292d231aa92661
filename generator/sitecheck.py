"""Checking the JSON-LD of a built site against Google's ClaimReview rules, page by page.

Google retired its Rich Results Test for ClaimReview in September 2025, so the site checks its
own markup. A page under claims/ (other than the claims index, and the pages of retired claims
that the site's claims.json lists) must carry exactly one ClaimReview, and no page may carry
more than one. Each ClaimReview needs Google's required
properties (claimReviewed of under 75 characters, reviewRating with alternateName, url) and
the recommended ones (author with a name; itemReviewed, a Claim with datePublished and an
appearance or firstAppearance). A firstAppearance must be the earliest known: not dated after
any of the Claim's appearances, nor undated when one of them has a date. The Claim's author may
be left out, as Google asks for claims with no known author, but an author given must have a
name. Every URL must be absolute http(s), and the rating must lie on its own scale, with
worstRating at least 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

CLAIM_REVIEWED_LIMIT = 74  # Google asks for a claimReviewed of under 75 characters
# Properties whose text values are links; JSON-LD blank-node ids ("_:b0") are not links.
URL_PROPERTIES = frozenset(
    {
        "@id", "url", "sameAs", "contentUrl", "embedUrl", "archivedAt", "appearance",
        "firstAppearance", "originalMediaLink", "image", "logo", "thumbnailUrl",
        "mainEntityOfPage", "associatedClaimReview",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    """What a check of a whole site found."""

    pages: int
    """HTML pages read."""
    reviews: int
    """ClaimReviews found."""
    problems: list[str]
    """One line per problem: `<page path>: <problem>`."""


def check_site(root: Path) -> Report:
    """Check every HTML page under `root`, the folder of a built site."""
    problems: list[str] = []
    pages = reviews = 0
    retired = _retired_pages(root)
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root).as_posix()
        found, page_problems = check_page(
            relative, path.read_bytes(), is_retired=relative in retired
        )
        pages += 1
        reviews += found
        problems.extend(f"{relative}: {problem}" for problem in page_problems)
    return Report(pages, reviews, problems)


def is_claim_page(relative: str) -> bool:
    """Whether the page at `relative` is a claim's page, which must carry one ClaimReview."""
    return relative.startswith("claims/") and relative != "claims/index.html"


def _retired_pages(root: Path) -> set[str]:
    """The pages that tell readers a claim was withdrawn or moved, from the site's claims.json.

    They sit at the claim's old address but carry no ClaimReview.
    """
    try:
        data = json.loads((root / "claims.json").read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    entries = data.get("retired", []) if isinstance(data, dict) else []
    return {
        f"claims/{entry['id']}/index.html"
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }


def check_page(relative: str, html: bytes, *, is_retired: bool = False) -> tuple[int, list[str]]:
    """The number of ClaimReviews on one page, and its problems (without the page path).

    A retired claim's page (`is_retired`) is checked like any page that is not a claim's.
    """
    problems: list[str] = []
    reviews: list[tuple[str, dict[str, Any]]] = []
    for number, text in enumerate(_json_ld_blocks(html), start=1):
        label = f"JSON-LD block {number}"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(
                f"{label} is not valid JSON: {error.msg} (line {error.lineno}, "
                f"column {error.colno})"
            )
            continue
        for where, node in _nodes(data, ""):
            if isinstance(node, dict):
                if "ClaimReview" in _types(node):
                    reviews.append((where, node))
            elif isinstance(node, str) and _is_link(where) and not _is_absolute(node):
                problems.append(f"{label}: {where}: {node!r} is not an absolute http(s) URL")
    if is_claim_page(relative) and not is_retired and len(reviews) != 1:
        problems.append(f"expected exactly one ClaimReview on a claim page, found {len(reviews)}")
    elif len(reviews) > 1:
        problems.append(f"found {len(reviews)} ClaimReviews; a page may carry only one")
    for where, review in reviews:
        prefix = f"ClaimReview at {where}" if where else "ClaimReview"
        problems.extend(f"{prefix}: {problem}" for problem in check_claim_review(review, relative))
    return len(reviews), problems


def check_claim_review(review: dict[str, Any], relative: str) -> list[str]:
    """Problems with one ClaimReview found on the page at `relative`."""
    problems = []
    claim_reviewed = review.get("claimReviewed")
    if not isinstance(claim_reviewed, str) or not claim_reviewed.strip():
        problems.append("no claimReviewed (required: the claim, in under 75 characters)")
    elif len(claim_reviewed) > CLAIM_REVIEWED_LIMIT:
        problems.append(
            f"claimReviewed is {len(claim_reviewed)} characters long; "
            f"Google asks for under {CLAIM_REVIEWED_LIMIT + 1}"
        )
    problems.extend(_check_rating(review.get("reviewRating")))
    url = review.get("url")
    if not isinstance(url, str) or not url.strip():
        problems.append("no url (required: the address of the page)")
    elif _is_absolute(url) and not _points_to(url, relative):
        problems.append(f"url {url!r} is not the address of this page")
    problems.extend(_check_named("author", review.get("author"), required=True))
    problems.extend(_check_claim(review.get("itemReviewed")))
    published, modified = review.get("datePublished"), review.get("dateModified")
    if _is_date(published) and _is_date(modified) and str(modified)[:10] < str(published)[:10]:
        problems.append(
            f"dateModified {modified!r} is before datePublished {published!r}: "
            "a review cannot change before it is published"
        )
    return problems


def _check_rating(rating: object) -> list[str]:
    if rating is None:
        return ["no reviewRating (required: the verdict)"]
    if not isinstance(rating, dict):
        return ["reviewRating is not an object"]
    problems = []
    if not _is_text(rating.get("alternateName")):
        problems.append("reviewRating has no alternateName (required: the verdict as text)")
    numbers: dict[str, float] = {}
    for name in ("ratingValue", "bestRating", "worstRating"):
        if name not in rating:
            continue
        number = _number(rating[name])
        if number is None:
            problems.append(f"reviewRating.{name} {rating[name]!r} is not a number")
        else:
            numbers[name] = number
    worst = numbers.get("worstRating")
    best = numbers.get("bestRating")
    value = numbers.get("ratingValue")
    if worst is not None and worst < 1:
        problems.append(f"reviewRating.worstRating is {_show(worst)}; it must be at least 1")
    if worst is not None and best is not None and worst > best:
        problems.append(
            f"reviewRating.worstRating {_show(worst)} is above bestRating {_show(best)}"
        )
    elif value is not None and (
        (worst is not None and value < worst) or (best is not None and value > best)
    ):
        low = _show(worst) if worst is not None else "?"
        high = _show(best) if best is not None else "?"
        problems.append(
            f"reviewRating.ratingValue {_show(value)} is outside the scale "
            f"from worstRating {low} to bestRating {high}"
        )
    return problems


def _check_claim(claim: object) -> list[str]:
    if claim is None:
        return ["no itemReviewed (recommended: the Claim that was checked)"]
    if not isinstance(claim, dict):
        return ["itemReviewed is not an object"]
    if "Claim" not in _types(claim):
        shown = ", ".join(_types(claim)) or "untyped"
        return [f"itemReviewed is {shown}, not a Claim"]
    problems = []
    if "author" in claim:
        problems.extend(_check_named("itemReviewed.author", claim["author"], required=False))
    published = claim.get("datePublished")
    if published is None:
        problems.append("itemReviewed has no datePublished (recommended: when the claim was made)")
    elif not _is_date(published):
        problems.append(f"itemReviewed.datePublished {published!r} is not an ISO 8601 date")
    if not claim.get("appearance") and not claim.get("firstAppearance"):
        problems.append(
            "itemReviewed has neither appearance nor firstAppearance "
            "(recommended: where the claim was published)"
        )
    problems.extend(_check_first_appearance(claim.get("firstAppearance"), claim.get("appearance")))
    return problems


def _check_first_appearance(first: object, appearances: object) -> list[str]:
    """firstAppearance must not be dated after, or be undated beside, a dated appearance."""
    if not isinstance(first, dict) or not isinstance(appearances, list):
        return []
    first_date = _date_of(first)
    for number, appearance in enumerate(appearances):
        if not isinstance(appearance, dict):
            continue
        day = _date_of(appearance)
        if day is None:
            continue
        where = f"appearance[{number}]"
        if first_date is None:
            return [f"itemReviewed.firstAppearance has no date, but {where} is dated {day}"]
        if day < first_date:
            return [
                f"itemReviewed.firstAppearance is dated {first_date}, after {where} dated {day}"
            ]
    return []


def _date_of(work: dict[str, Any]) -> str | None:
    """A CreativeWork's datePublished as YYYY-MM-DD, or None if it has no valid one."""
    value = work.get("datePublished")
    if not _is_date(value):
        return None
    return datetime.fromisoformat(str(value)).date().isoformat()


def _check_named(where: str, node: object, *, required: bool) -> list[str]:
    if node is None:
        return [f"no {where} (recommended: who published it, with a name)"] if required else []
    nodes = node if isinstance(node, list) else [node]
    for item in nodes:
        if not isinstance(item, dict) or not _is_text(item.get("name")):
            return [f"{where} has no name"]
    return []


def _json_ld_blocks(html: bytes) -> list[str]:
    try:
        document = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []  # an empty file carries no markup
    return [
        script.text or ""
        for script in document.iter("script")
        if (script.get("type") or "").strip().lower() == "application/ld+json"
    ]


def _nodes(value: object, where: str) -> Iterator[tuple[str, object]]:
    """Every value inside a JSON document with its path, like `itemReviewed.appearance[0].url`."""
    yield where, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            # A list of links keeps its property name, so the URL check still applies.
            yield from _nodes(item, f"{where}[{number}]")


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    # Compact names, or full IRIs such as https://schema.org/ClaimReview.
    return [name.rpartition("/")[2] for name in names if isinstance(name, str)]


def _is_link(where: str) -> bool:
    """Whether the value at a path such as `itemReviewed.sameAs[0]` is a link."""
    return where.rpartition(".")[2].partition("[")[0] in URL_PROPERTIES


def _is_absolute(value: str) -> bool:
    if value.startswith("_:"):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and value.strip() == value


def _points_to(url: str, relative: str) -> bool:
    """Whether an absolute URL addresses the built page at `relative` (directory URLs)."""
    path = "/" + urlsplit(url).path.lstrip("/")
    return path.endswith("/" + relative.removesuffix("index.html"))


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def run_check_site(root: Path) -> int:
    """The `check-site` command: print every problem, or a one-line summary; the exit status."""
    if not root.is_dir():
        print(f"{root}: no such folder; build the site first (mkdocs build)", file=sys.stderr)
        return 1
    report = check_site(root)
    if report.pages == 0:
        print(f"{root}: no HTML pages found; is this the built site?", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        count = len(report.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    reviews = f"{report.reviews} ClaimReview{'s' if report.reviews != 1 else ''}"
    print(f"{root}: {report.pages} pages, {reviews}: no problems")
    return 0
