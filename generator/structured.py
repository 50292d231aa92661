"""Structured data for claim pages: ClaimReview and MediaReview JSON-LD.

Every page of a claim carries exactly one ClaimReview. A claim about media (one with the
`video-not-verified` qualifier, or one that appeared in a source of kind `video`) also carries a
MediaReview in the same `<script>`, as a second node of an `@graph`.

A MediaReview normally states a `mediaAuthenticityCategory`, but schema.org's values
(OriginalMediaContent, EditedOrCroppedContent, TransformedContent and the rest) are all findings:
even "original" asserts that we found no manipulation. schema.org has no value for "not
verified", and claims.yaml records no finding about the media itself, only a verdict on the
claim. So the MediaReview names the media and links to the ClaimReview, and asserts no category:
a reader of the markup learns which footage the check is about without being told that we
judged its authenticity when we did not.

A Claim's `appearance` lists every source it appeared in, with the source's URL where
claims.yaml has one; `firstAppearance` is the earliest of them (see `first_appearance`). The seed
articles have no URL, and none is made up for them.

The Jinja environment of MkDocs does not autoescape, so the JSON handed to the theme is escaped
here for the script element. Descriptions and social tags live in generator/metadata.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from generator import escape, paths
from generator.lookups import Index
from generator.model import Claim, Claimant, ClaimantKind, Publisher, Source

SCHEMA_ORG = "https://schema.org"
PERSON_KINDS: frozenset[ClaimantKind] = frozenset(
    {"head-of-state", "spokesperson", "official", "analyst"}
)
MEDIA_QUALIFIER = "video-not-verified"

JsonObject = dict[str, Any]


class StructuredData:
    """ClaimReview, MediaReview and meta tags for the claims of one catalog."""

    def __init__(self, index: Index, site_url: str) -> None:
        self.index = index
        self.site_url = site_url
        scale = [rating.value for rating in index.catalog.ratings]
        self.best = max(scale)
        self.worst = min(scale)

    def claim_url(self, claim: Claim) -> str:
        """Absolute URL of the claim's page."""
        return self.site_url + paths.claim(claim.id).removesuffix(".md") + "/"

    def claim_review(self, claim: Claim) -> JsonObject:
        """The ClaimReview of `claim`, without `@context`."""
        rating = self.index.ratings[claim.rating]
        url = self.claim_url(claim)
        return {
            "@type": "ClaimReview",
            "@id": f"{url}#claimreview",
            "url": url,
            "claimReviewed": claim.short,
            "author": organization(self.index.catalog.publisher),
            **publication_dates(claim),
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": rating.value,
                "bestRating": self.best,
                "worstRating": self.worst,
                "alternateName": rating.label,
            },
            "itemReviewed": self._claim(claim),
        }

    def _claim(self, claim: Claim) -> JsonObject:
        item: JsonObject = {"@type": "Claim"}
        author = claimant_node(self.index.claimants[claim.claimant])
        if author is not None:
            item["author"] = author
        item["datePublished"] = claim.claimed.isoformat()
        sources = self._appearance_sources(claim)
        item["appearance"] = [creative_work(source) for source in sources]
        item["firstAppearance"] = creative_work(first_appearance(sources))
        return item

    def _appearance_sources(self, claim: Claim) -> list[Source]:
        ids = dict.fromkeys(appearance.source for appearance in claim.appearances)
        return [self.index.sources[source_id] for source_id in ids]

    def is_about_media(self, claim: Claim) -> bool:
        """Whether the claim rests on footage, so that it also gets a MediaReview."""
        appeared_in_video = any(s.kind == "video" for s in self._appearance_sources(claim))
        return MEDIA_QUALIFIER in claim.qualifiers or appeared_in_video

    def videos(self, claim: Claim) -> list[Source]:
        """Sources of kind `video` that the claim appeared in or cites, in order, once each."""
        cited = [item.source for item in claim.appearances] + [e.source for e in claim.evidence]
        sources = [self.index.sources[source_id] for source_id in dict.fromkeys(cited)]
        return [source for source in sources if source.kind == "video"]

    def media_review(self, claim: Claim) -> JsonObject:
        """The MediaReview of a claim about media, without `@context` and without a category."""
        url = self.claim_url(claim)
        item: JsonObject = {"@type": "MediaReviewItem"}
        videos = self.videos(claim)
        if videos:
            item["mediaItemAppearance"] = [video_object(source) for source in videos]
        return {
            "@type": "MediaReview",
            "@id": f"{url}#mediareview",
            "url": url,
            "author": organization(self.index.catalog.publisher),
            **publication_dates(claim),
            "itemReviewed": item,
            # A reference by @id only: a typed copy would count as a second ClaimReview.
            "associatedClaimReview": {"@id": f"{url}#claimreview"},
        }

    def json_ld(self, claim: Claim) -> JsonObject:
        """The whole JSON-LD of a claim page: one ClaimReview, and a MediaReview if about media."""
        review = self.claim_review(claim)
        if not self.is_about_media(claim):
            return {"@context": SCHEMA_ORG, **review}
        return {"@context": SCHEMA_ORG, "@graph": [review, self.media_review(claim)]}

    def page_meta(self, claim: Claim) -> dict[str, Any]:
        """What the theme override prints in the claim page's head, escaped for its context."""
        return {"factcheck_json_ld": escape.json_for_script(self.json_ld(claim))}


def publication_dates(claim: Claim) -> dict[str, str]:
    """When the desk first published the check, and its last published change.

    The reconstruction of earlier dates is not a publication and never dates the review.
    """
    return {
        "datePublished": claim.published.isoformat(),
        "dateModified": max(entry.date for entry in claim.history).isoformat(),
    }


def organization(publisher: Publisher) -> JsonObject:
    """The publisher with its transparency details, as IFCN's commitments ask."""
    node: JsonObject = {"@type": "Organization", "name": publisher.name, "url": publisher.url}
    if publisher.ownership is not None or publisher.funding is not None:
        node["ownershipFundingInfo"] = " ".join(
            text for text in (publisher.ownership, publisher.funding) if text is not None
        )
    if publisher.email is not None:
        node["email"] = publisher.email
    if publisher.editors:
        node["employee"] = [
            {"@type": "Person", "name": editor.name, "jobTitle": editor.role}
            for editor in publisher.editors
        ]
    return node


def claimant_node(claimant: Claimant) -> JsonObject | None:
    """The claimant as a Person or Organization; None when the claim has no known author."""
    if claimant.kind == "unattributed" or not claimant.named:
        # Google: leave the Claim's author out when the claim has none, or none with a name.
        return None
    kind = "Person" if claimant.kind in PERSON_KINDS else "Organization"
    node: JsonObject = {"@type": kind, "name": claimant.name}
    if claimant.same_as is not None:
        node["sameAs"] = claimant.same_as
    if claimant.other_names:
        node["alternateName"] = list(claimant.other_names)
    return node


def creative_work(source: Source) -> JsonObject:
    """A source as a CreativeWork: Google's validator has refused bare URLs as appearances."""
    work: JsonObject = {"@type": "CreativeWork"}
    if source.url is not None:
        work["url"] = source.url
    # Only a verified headline is given as one; an editor's description is a description.
    work["headline" if source.title_kind == "headline" else "description"] = source.title
    if source.date is not None:
        work["datePublished"] = source.date.isoformat()
    if source.publisher is not None:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.original_publisher is not None:
        work["isBasedOn"] = {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": source.original_publisher},
        }
    return work


def video_object(source: Source) -> JsonObject:
    """A video source. Its URL is a page that shows the footage, not the file: no contentUrl."""
    video: JsonObject = {"@type": "VideoObject"}
    # As in `creative_work`: an editor's description is not given as the video's own name.
    video["name" if source.title_kind == "headline" else "description"] = source.title
    if source.url is not None:
        video["url"] = source.url
    if source.date is not None:
        video["uploadDate"] = source.date.isoformat()
    if source.publisher is not None:
        video["publisher"] = {"@type": "Organization", "name": source.publisher}
    return video


def first_appearance(sources: list[Source]) -> Source:
    """The earliest known appearance among `sources`, which are in the order editors listed them.

    The earliest date wins. On the same date, a source with a URL comes before one without, so
    that readers of the markup get a link where one exists; then the listed order decides. An
    undated source cannot be shown to come first, so it is chosen only when none is dated, and
    then the first one listed is.
    """
    return min(
        sources,
        key=lambda source: (
            source.date is None,
            source.date or date.min,
            source.url is None,
        ),
    )
