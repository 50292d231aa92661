"""Per-page metadata of generated pages: description, social tags, last change; and robots.txt.

Every generated page gets a `<meta name="description">` that fits it: a claim's verdict and
summary, what a source is (kind, publisher, date), or what a list page lists. The OpenGraph and
Twitter descriptions are the same escaped value, so they cannot drift apart. Claim pages also
point to their social card (generator/cards.py).

`factcheck_lastmod` is the page's last change according to claims.yaml, for sitemap.xml: a
claim's latest review or verdict, a source's date or the latest change of a claim citing it, and
for list pages the latest change of what they list. Pages without such a date (hand-written
pages, the verdict scale) carry none, and the sitemap gives them no `<lastmod>`: no clock or
file time is read, so the same input always gives the same sitemap.

Material prints `page.meta.description` unescaped, and the theme override prints the social
tags as given, so every value here is escaped for a double-quoted attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from markupsafe import Markup

from generator import cards, escape, paths
from generator.lookups import Index
from generator.model import Claim, ClaimantKind, Source, SourceKind
from generator.search import CLAIM_KIND, PAGE_KIND, SOURCE_KIND

DESCRIPTION_LIMIT = 160
EPOCH = "1970-01-01"
ELLIPSIS = "\u2026"
KIND_NAMES: dict[SourceKind, str] = {
    "seed-article": "Article",
    "news-report": "News report",
    "wire-report": "Wire report",
    "official-statement": "Official statement",
    "government-report": "Government report",
    "press-conference": "Press conference",
    "interview": "Interview",
    "video": "Video",
    "satellite-imagery": "Satellite imagery",
    "analysis": "Analysis",
    "other": "Document",
}

CLAIMANT_KIND_NAMES: dict[ClaimantKind, str] = {
    "government": "Government",
    "head-of-state": "Head of state or government",
    "intelligence-agency": "Intelligence agency",
    "military": "Military",
    "spokesperson": "Spokesperson",
    "official": "Official",
    "media": "News outlet or publisher",
    "analyst": "Analyst",
    "international-body": "International body",
    "unattributed": "Unnamed sources",
}

Tag = tuple[str, str, Markup]
"""A meta tag as (attribute, name, escaped content)."""


def clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis if longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    head = cut.rpartition(" ")[0] or cut[:-1]
    return head.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


def claim_description(index: Index, claim: Claim) -> str:
    """The verdict, then the claim's summary."""
    return clip(f"{index.ratings[claim.rating].label}: {claim.summary}")


def source_description(index: Index, source: Source) -> str:
    """What the source is and how the fact checks use it."""
    what = KIND_NAMES[source.kind]
    if source.publisher is not None:
        what += f" by {source.publisher}"
        if source.original_publisher is not None:
            what += f" ({source.original_publisher} text)"
    if source.date is not None:
        what += f", {source.date.day} {source.date:%B %Y}"
    if source.seed is not None:
        count = len(index.appearing_in(source))
        use = f"Checked claim by claim: {_count(count, 'claim')} marked in its text."
    else:
        use = f"Cited in {_count(len(index.claims_by_source.get(source.id, [])), 'fact check')}."
    return clip(f"{what}. {use}")


def list_descriptions(index: Index) -> dict[str, str]:
    """Descriptions of the first pages of the generated lists, by page path."""
    claims = _count(len(index.claims), "fact check")
    verdicts = ", ".join(
        f"{count} {rating.label}" for rating, count in index.verdict_counts(index.claims) if count
    )
    ratings = index.catalog.ratings
    corrections = len(index.corrections)
    return {
        paths.CLAIMS: f"All {claims} in one table, with verdict, confidence, claimant "
        "and date; filter and sort them.",
        paths.VERDICTS: clip(f"{claims} by verdict: {verdicts}." if verdicts else f"{claims}."),
        paths.CLAIMANTS: f"{claims} grouped by who made the claim: "
        f"{_count(len(index.catalog.claimants), 'claimant')}.",
        paths.SOURCES: f"Every document our fact checks cite: "
        f"{_count(len(index.catalog.sources), 'source')}, each with the claims it is cited for.",
        paths.SCALE: clip(
            f"What each verdict means, from {ratings[0].label} to {ratings[-1].label}, "
            "and how we use notes and confidence levels."
        ),
        paths.CORRECTIONS: "Every correction of an error of ours, newest first: "
        + (f"{corrections} so far." if corrections else "none so far."),
        paths.WITHDRAWN: "Fact checks we withdrew or moved to a new address, newest first: "
        f"{len(index.catalog.retired)} so far.",
    }


def claim_lastmod(claim: Claim) -> date:
    """A claim's last change: its latest review or verdict."""
    return max(claim.reviewed, *(entry.date for entry in claim.history))


def claims_lastmod(claims: Iterable[Claim]) -> date | None:
    """The latest change of any of `claims`; None when there are none."""
    return _newest(claim_lastmod(claim) for claim in claims)


def source_lastmod(index: Index, source: Source) -> date | None:
    """When the source's page last changed: the latest change of a claim citing it. The
    document's own date is not a change of ours, and giving it would backdate the page."""
    return claims_lastmod(index.claims_by_source.get(source.id, []))


def newest_change(claims: Iterable[Claim]) -> str:
    """The newest change of any of `claims`, or the epoch ("never") when there is none."""
    newest = claims_lastmod(claims)
    return newest.isoformat() if newest is not None else EPOCH


def page_meta(
    index: Index,
    path: str,
    title: str,
    description: str,
    site_url: str,
    *,
    lastmod: date | None = None,
    card: tuple[str, str] | None = None,
    is_list: bool = False,
    search_kind: str = PAGE_KIND,
) -> dict[str, Any]:
    """A generated page's description, social tags and last change, escaped for the head.

    A list page (`is_list`) is left out of the search index: its rows repeat the pages it lists.
    Search results are grouped by `search_kind` (`search.KIND_FILTER`).
    """
    escaped = escape.attribute(clip(description))
    meta: dict[str, Any] = {
        "description": escaped,
        "factcheck_social": social_tags(
            kind="article" if card is not None else "website",
            title=title,
            description=escaped,
            url=site_url + page_url(path),
            site_name=index.catalog.publisher.name,
            card=card,
        ),
    }
    if lastmod is not None:
        meta["factcheck_lastmod"] = lastmod.isoformat()
    if is_list:
        meta["factcheck_list"] = True
    if search_kind != PAGE_KIND:
        meta["factcheck_search_kind"] = search_kind
    return meta


def claim_meta(index: Index, claim: Claim, site_url: str) -> dict[str, Any]:
    """A claim page's metadata, with its social card."""
    label = index.ratings[claim.rating].label
    alt = f"Fact check card. Verdict: {label}. Claim: {claim.short}"
    card = (f"{site_url}{cards.card_path(claim.id)}", alt)
    path = paths.claim(claim.id)
    description = claim_description(index, claim)
    return page_meta(
        index,
        path,
        claim.short,
        description,
        site_url,
        lastmod=claim_lastmod(claim),
        card=card,
        search_kind=CLAIM_KIND,
    )


def source_meta(index: Index, source: Source, site_url: str) -> dict[str, Any]:
    description = source_description(index, source)
    lastmod = source_lastmod(index, source)
    return page_meta(
        index,
        paths.source(source.id),
        source.shown_title,
        description,
        site_url,
        lastmod=lastmod,
        search_kind=SOURCE_KIND,
    )


def social_tags(
    *,
    kind: str,
    title: str,
    description: Markup,
    url: str,
    site_name: str,
    card: tuple[str, str] | None = None,
) -> list[Tag]:
    """OpenGraph and Twitter tags; `card` is the social card's (absolute URL, alt text)."""
    tags = [
        ("property", "og:type", escape.attribute(kind)),
        ("property", "og:title", escape.attribute(title)),
        ("property", "og:description", description),
        ("property", "og:url", escape.url(url)),
        ("property", "og:site_name", escape.attribute(site_name)),
    ]
    if card is not None:
        image, alt = card
        tags += [
            ("property", "og:image", escape.url(image)),
            ("property", "og:image:type", escape.attribute("image/png")),
            ("property", "og:image:width", escape.attribute(cards.WIDTH)),
            ("property", "og:image:height", escape.attribute(cards.HEIGHT)),
            ("property", "og:image:alt", escape.attribute(alt)),
        ]
    tags += [
        ("name", "twitter:card", escape.attribute("summary_large_image" if card else "summary")),
        ("name", "twitter:title", escape.attribute(title)),
        ("name", "twitter:description", description),
    ]
    if card is not None:
        tags += [
            ("name", "twitter:image", escape.url(card[0])),
            ("name", "twitter:image:alt", escape.attribute(card[1])),
        ]
    return tags


def page_url(path: str) -> str:
    """A generated page's address relative to the site's root: `a/b.md` is `a/b/`."""
    stem = path.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    if name == "index":
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def robots_txt(site_url: str) -> str:
    """robots.txt: everything may be crawled, and the sitemap is named by its full address."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _newest(dates: Iterable[date | None]) -> date | None:
    return max((day for day in dates if day is not None), default=None)
