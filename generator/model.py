"""The records of claims.yaml, schema version 2: types, required fields and allowed values."""

from __future__ import annotations

import datetime
import re
import unicodedata
import urllib.parse
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

SCHEMA_VERSION = 2

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WIKIPEDIA_PATTERN = re.compile(r"https://[a-z-]+\.(?:m\.)?wikipedia\.org/wiki/[^\s?#]+")
SHORT_CLAIM_LIMIT = 74
"""Google asks for a claimReviewed of under 75 characters, so that it does not wrap on phones."""
# Ids become file names (claims/<id>.md, then claims/<id>/index.html): far below the 255 bytes
# that file systems allow.
ID_LIMIT = 80
# Characters that RFC 3986 never allows unencoded; in a page they could end an attribute or
# start Markdown syntax.
URL_FORBIDDEN = re.compile(r"""["<>\\^`{|}\[\]]""")
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Zs"}
"""Unicode categories of characters a reader cannot see: controls, formats and spaces."""

# Claim and source pages sit in claims/ and sources/ beside those folders' index.md; the other
# names keep room for generated pages and exports to come (tests/test_load.py checks that every
# generated page in those folders is covered).
RESERVED_IDS = frozenset({"index"})
# Later pages of paginated lists: claims/page-2.md.
PAGE_NAME = re.compile(r"page-[0-9]+")


def _check_slug(value: str) -> str:
    if len(value) > ID_LIMIT:
        raise ValueError(
            f"{_clip(value)} is {len(value)} characters long; shorten the id to at most {ID_LIMIT}"
        )
    if not SLUG_PATTERN.fullmatch(value):
        raise ValueError(
            f"{_clip(value)} is not a valid id: use lowercase letters, digits and single "
            f"hyphens, like '{_slug_like(value)}'"
        )
    if value in RESERVED_IDS or PAGE_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is reserved for a generated page; choose another id")
    return value


def _slug_like(value: str) -> str:
    """`value` written as an id ('Incorrect' as 'incorrect'), or an example when that fails."""
    slug = "-".join(re.findall(r"[a-z0-9]+", value.lower()))
    return slug if slug and len(slug) <= ID_LIMIT else "nis-1500-arrived"


def _check_url(value: str) -> str:
    # Checked as written: a leading space or an upper-case scheme is refused, not repaired.
    if not re.fullmatch(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", value):
        raise ValueError(
            f"{_clip(value)} is not an absolute http or https URL; "
            "write it like https://example.org/page"
        )
    hidden = next((c for c in value if unicodedata.category(c) in _INVISIBLE), None)
    if hidden is not None:
        raise ValueError(
            f"{_clip(value)} holds the invisible character U+{ord(hidden):04X}, which can "
            "disguise where a link goes; remove it"
        )
    forbidden = URL_FORBIDDEN.search(value)
    if forbidden:
        character = forbidden.group()
        raise ValueError(
            f"{_clip(value)} holds {character!r}, which a URL cannot hold as it is; "
            f"write it as %{ord(character):02X}"
        )
    if "@" in re.split(r"[/?#]", value[value.index("//") + 2 :], maxsplit=1)[0]:
        raise ValueError(
            f"{_clip(value)} has a user name before '@', which can disguise where a link "
            "goes; link to the page without it"
        )
    if not _has_valid_port(value):
        raise ValueError(
            f"{_clip(value)} has a port that is not a number from 0 to 65535; correct it, or "
            "remove it with its ':'"
        )
    return value


def _has_valid_port(url: str) -> bool:
    """Whether the URL has no port, or a number from 0 to 65535 (urllib refuses others)."""
    try:
        port = urllib.parse.urlsplit(url).port
    except ValueError:
        return False
    return port is None or 0 <= port <= 65535


def _clip(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_wikipedia(value: str) -> str:
    _check_url(value)
    if not WIKIPEDIA_PATTERN.fullmatch(value):
        raise ValueError(
            f"{_clip(value)} is not a Wikipedia article URL; same_as takes only links like "
            "https://en.wikipedia.org/wiki/Dmitry_Peskov"
        )
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty; write the text, or leave the field out where it is optional")
    return value


def _check_short(value: str) -> str:
    if len(value) > SHORT_CLAIM_LIMIT:
        raise ValueError(
            f"is {len(value)} characters long; shorten it to at most {SHORT_CLAIM_LIMIT}"
        )
    return value


# What the JSON Schema for editors' tools says about each kind of text: the same rules where a
# pattern can say them (generator/schema.py; the loader remains the authority).
_URL_CHARACTER = r"""[^\s"<>\\^`{|}\[\]]"""
_URL_HOST = r"""[^\s/?#@"<>\\^`{|}\[\]]+"""
URL_SCHEMA_PATTERN = rf"^https?://{_URL_HOST}\.{_URL_HOST}(?:[/?#]{_URL_CHARACTER}*)?$"

Slug = Annotated[
    str,
    AfterValidator(_check_slug),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{SLUG_PATTERN.pattern}$",
            "maxLength": ID_LIMIT,
            "not": {
                "anyOf": [
                    {"enum": sorted(RESERVED_IDS)},
                    {"pattern": f"^{PAGE_NAME.pattern}$"},
                ]
            },
        }
    ),
]
Url = Annotated[
    str,
    AfterValidator(_check_url),
    WithJsonSchema({"type": "string", "pattern": URL_SCHEMA_PATTERN}),
]
WikipediaUrl = Annotated[
    str,
    AfterValidator(_check_wikipedia),
    WithJsonSchema({"type": "string", "pattern": f"^{WIKIPEDIA_PATTERN.pattern}$"}),
]
Text = Annotated[
    str,
    AfterValidator(_check_text),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"}),
]
ShortText = Annotated[
    str,
    AfterValidator(_check_text),
    AfterValidator(_check_short),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": SHORT_CLAIM_LIMIT, "pattern": r"\S"}
    ),
]

SourceKind = Literal[
    "seed-article",
    "news-report",
    "wire-report",
    "official-statement",
    "government-report",
    "press-conference",
    "interview",
    "video",
    "satellite-imagery",
    "analysis",
    "other",
]

ClaimantKind = Literal[
    "government",
    "head-of-state",
    "intelligence-agency",
    "military",
    "spokesperson",
    "official",
    "media",
    "analyst",
    "international-body",
    "unattributed",
]

Stance = Literal["supports", "contradicts", "context"]

TitleKind = Literal["headline", "description"]

QualifierTest = Literal[
    "single-supporting-source", "verdict-fell", "quoted-words", "appearance-errors"
]

# RFC 5322's dot-atom: no quoted local part, and a domain name of letters, digits and hyphens.
EMAIL_PATTERN = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}")


def _check_email(value: str) -> str:
    if not EMAIL_PATTERN.fullmatch(value):
        raise ValueError(f"{_clip(value)} is not an e-mail address; write it like desk@example.org")
    return value


Email = Annotated[str, AfterValidator(_check_email)]


class Record(BaseModel):
    """Shared settings: every field typed, no coercion, no unknown fields."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )


class Editor(Record):
    """A person responsible for what the desk publishes."""

    name: Text
    """The editor's name as readers see it."""
    role: Text
    """What the editor answers for, for example "Editor-in-chief" or "Standards editor"."""


class Publisher(Record):
    """The organisation that publishes the fact checks, and what readers should know about it.

    The About page shows every field under "Who we are", and ClaimReview names the publisher as
    the author of each review. The values shipped with the project belong to an example desk:
    replace them with your own before you publish.
    """

    name: Text
    """Name shown as the author of every review."""
    url: Url
    """Home page of the organisation."""
    ownership: Text | None = None
    """Who owns the desk and its legal form, in a sentence or two."""
    funding: Text | None = None
    """Who pays for the desk: every funder that gives more than a token amount."""
    email: Email | None = None
    """Where readers report an error or submit a claim to check."""
    editors: list[Editor] = []
    """The editors responsible for the fact checks, with their roles."""


class Rating(Record):
    """One step of the verdict scale. The list order is the scale, best first."""

    id: Slug
    """Identifier that claims use in `rating:`."""
    label: Text
    """Verdict as readers see it, for example "Partly confirmed"."""
    value: int = Field(ge=1, le=100)
    """Number for structured data: the best rating has the highest value, the worst at least 1."""
    definition: Text
    """One paragraph: when this verdict applies."""


class Qualifier(Record):
    """A reusable verification note, shown as a badge next to the verdict."""

    id: Slug
    """Identifier that claims use in `qualifiers:`."""
    label: Text
    """Badge text, for example "Video not independently verified"."""
    definition: Text
    """When the note applies and what it tells a reader."""
    test: QualifierTest | None = None
    """A condition that `check` tests on every claim carrying the note, with a warning when
    it fails: `single-supporting-source` (exactly one evidence source supports the claim),
    `verdict-fell` (the verdict is now lower on the scale than it was at some earlier date of
    the reconstruction or the history), `quoted-words` (an appearance puts words in quotation
    marks), `appearance-errors` (an appearance lists errors of fact). Leave it out when no
    such test fits the definition."""


class Confidence(Record):
    """How sure the site is of its own assessment, kept apart from the verdict."""

    id: Slug
    """Identifier that claims use in `confidence:`."""
    label: Text
    """Level as readers see it, for example "High"."""
    definition: Text
    """What the level means in terms of the evidence behind the assessment."""


class Source(Record):
    """A document cited by claims, either on the web or as a seed article in `seeds/`."""

    id: Slug
    """Identifier that appearances and evidence use in `source:`."""
    title: Text
    """The document's headline, or the editors' description of it: `title_kind` says which."""
    title_kind: TitleKind
    """`headline` when `title` is the document's own headline, checked against the document or
    the research notes; `description` when it is the editors' description, which readers see
    marked as such. A title guessed from a URL is a description."""
    publisher: Text | None = None
    """Outlet or body that published the page; leave out when the document names none."""
    original_publisher: Text | None = None
    """For a copy of another outlet's story: the outlet that wrote it (AFP, Reuters, ...).
    Readers see the page as a copy of that outlet's story, carried by `publisher`."""
    mirror: bool = False
    """True when the page is an unofficial copy of `original_publisher`'s story on a scraper or
    aggregator site, rather than a syndicated text the site carries by agreement."""
    date: datetime.date | None = None
    """Publication date, when known."""
    url: Url | None = None
    """Where the document can be read: http or https only."""
    archive_url: Url | None = None
    """An archived copy of `url`."""
    kind: SourceKind
    """What sort of document it is."""
    seed: str | None = None
    """For a seed article: its file under `seeds/`, for example `seeds/000_99cca0feeca0d213.txt`."""

    @property
    def shown_title(self) -> str:
        """The title as readers see it: a headline in quotation marks, a description of ours
        in square brackets, as the methodology says."""
        return f"\u201c{self.title}\u201d" if self.title_kind == "headline" else f"[{self.title}]"


class Claimant(Record):
    """A person or body that made claims."""

    id: Slug
    """Identifier that claims use in `claimant:`."""
    name: Text
    """Name as readers see it."""
    kind: ClaimantKind
    """What sort of claimant it is."""
    named: bool = True
    """Whether `name` is the claimant's name. Write false when it only describes a claimant
    whose name is not known, such as the publisher of an article that names none: structured
    data then names no author, as for `unattributed` claimants, and `same_as` is refused."""
    same_as: WikipediaUrl | None = None
    """Wikipedia article about the claimant, for structured data."""
    other_names: list[Text] = []
    """Other spellings of the name that readers may search for, such as "Zelensky" for
    "Zelenskyy". Pages show them beside the name, so search finds the claimant's claims by
    any of them, and structured data gives them as alternate names."""


class Appearance(Record):
    """A place where the claim was published, with its exact words and how well it reported it."""

    source: Slug
    """The source it appeared in."""
    quote: Text
    """The words exactly as published."""
    accuracy: Slug
    """How accurately this source reported the claim, as a rating id from the scale. It rates
    the source's own sentence, not the claim: a source that accurately reports what the
    claimant said gets the best rating even when the claim itself is wrong. The source's
    scorecard and annotated text show this rating."""
    note: Text | None = None
    """How this appearance differs from the others, if it does."""
    errors: list[Text] = []
    """Errors of fact in this source's wording (a wrong date, a misspelt place, a misattributed
    or inflated quote, a missing part of what the claimant said). Each is listed on the source's
    page."""


class Evidence(Record):
    """A source weighed in the assessment."""

    source: Slug
    """The source cited."""
    stance: Stance
    """Whether it supports or contradicts the claim, or gives context."""
    note: Text
    """What the source shows, in the site's own words."""


class HistoryEntry(Record):
    """A verdict the desk published. The first entry is the first publication; the latest entry
    is the current verdict."""

    date: datetime.date
    """When the desk published the verdict: the first entry is dated `published`."""
    rating: Slug
    """The verdict from that date on."""
    note: Text
    """What changed, or why the verdict was given."""
    correction: bool = False
    """True when the entry corrects an error of ours; it then appears in the corrections log."""


class ReconstructedVerdict(Record):
    """What the evidence showed on a date before the desk first published the claim.

    Written at or after publication, looking back: readers see it as "What the evidence showed
    on 20 October 2024 (reconstructed)", apart from the verdicts the desk published. It never
    reaches the feed, the corrections log or the dates of structured data.
    """

    date: datetime.date
    """The day whose evidence the entry describes; before `published`."""
    rating: Slug
    """The verdict the evidence of that day supported."""
    note: Text
    """What the evidence showed on that day."""


class Claim(Record):
    """One checked claim: one page of the site."""

    id: Slug
    """Stable identifier and URL slug, in kebab case."""
    claim: Text
    """The claim as stated, in the site's own words."""
    short: ShortText
    """The claim in at most 74 characters, without the verdict, for listings and structured data."""
    claimant: Slug
    """Who made the words being checked. When an article misquotes, inflates or adds to what
    someone said, the article's words are the claim and its publisher is the claimant; the
    person it quoted is not. ClaimReview names the claimant as the claim's author, unless the
    claimant is `unattributed` or has `named: false`."""
    claimed: datetime.date
    """When the claim was made."""
    appearances: list[Appearance] = Field(min_length=1)
    """Where the claim appeared, with quotes."""
    rating: Slug
    """The current verdict; it must match the latest history entry."""
    confidence: Slug
    """How sure the site is of the verdict."""
    qualifiers: list[Slug] = []
    """Verification notes shown as badges."""
    summary: Text
    """The conclusion in one to three sentences."""
    analysis: Text
    """The reasoning, in Markdown."""
    unknowns: list[Text] = []
    """What we don't know."""
    evidence: list[Evidence] = Field(min_length=1)
    """Sources weighed, with their stance."""
    published: datetime.date
    """When the desk first published this fact check. ClaimReview's `datePublished`, the feed
    and the corrections log never give an earlier date. Never backdate it."""
    history: list[HistoryEntry] = Field(min_length=1)
    """The verdicts the desk published, oldest first: the first entry is the first publication,
    dated `published`; each later entry is a published change."""
    reconstruction: list[ReconstructedVerdict] = []
    """What the evidence showed on dates before publication, oldest first, reconstructed when
    the check was written. Labelled as a reconstruction on the claim page."""
    reviewed: datetime.date
    """When the claim was last reviewed; not before `published`."""
    tags: list[Slug] = []
    """Topics, for browsing and filtering."""


class Retired(Record):
    """A claim taken off the site or renamed. Its old address keeps a page that says so."""

    id: Slug
    """The id the claim had; no claim may use it again."""
    date: datetime.date
    """When the claim was retired."""
    note: Text
    """Why: the error corrected, the reason for withdrawing it, or the rename."""
    redirect: Slug | None = None
    """For a renamed or merged claim: the id of the claim that replaces it."""


class Catalog(Record):
    """A whole claims.yaml file, after validation."""

    version: Literal[2]
    """Schema version of the file. Version 1 files are converted by
    `python -m generator migrate`."""
    include: list[str] = []
    """More files of claims, sources and claimants, as paths or patterns beside this file
    (for example `claims/*.yaml`); their lists are added to this file's."""
    publisher: Publisher
    """Who publishes the site."""
    ratings: list[Rating] = Field(min_length=2)
    """The verdict scale, best first."""
    qualifiers: list[Qualifier] = []
    """Verification notes available to claims."""
    confidence: list[Confidence] = Field(min_length=1)
    """Confidence levels, most confident first."""
    sources: list[Source] = []
    """Every document cited."""
    claimants: list[Claimant] = []
    """Every claimant."""
    claims: list[Claim] = []
    """The checked claims."""
    retired: list[Retired] = []
    """Claims taken off the site or renamed: the record of what was withdrawn, and why."""


def field_reference() -> list[tuple[str, list[tuple[str, bool, str]]]]:
    """Each record type with its fields: name, whether required, and the field's docstring."""
    models: list[type[BaseModel]] = [
        Catalog, Publisher, Editor, Rating, Qualifier, Confidence, Source, Claimant, Claim,
        Appearance, Evidence, HistoryEntry, ReconstructedVerdict, Retired,
    ]  # fmt: skip
    return [
        (
            model.__name__,
            [
                (name, info.is_required(), info.description or "")
                for name, info in model.model_fields.items()
            ],
        )
        for model in models
    ]
