"""The fields that `new` and `new-source` ask for, and asking for them in a terminal.

In a terminal, each missing field is asked for in turn; Tab completes ids from the claims
file (claimants, sources, ratings, confidence levels) and the allowed kinds, title kinds
and stances. An answer that cannot stand (an unknown or taken id, a badly written id, date or
address, a short form that is too long) is refused at once and asked again. Without a
terminal, every required field must come as an option, and a missing one is an error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from generator.model import Catalog, ShortText, Slug, SourceKind, Stance, TitleKind, Url
from generator.problems import suggest
from generator.scaffold import date_problem


@dataclass(frozen=True)
class Ask:
    """One field: its option (without --), the question, and where completions come from."""

    option: str
    question: str
    choices: Callable[[Catalog], list[str]] | None = None
    required: bool = True
    needs: str | None = None
    """In a terminal, ask only when this other field has an answer."""
    closed: bool = True
    """An answer must be one of the choices (an existing id, an allowed kind); with
    `closed` False, the choices are ids already taken, and an answer must not be one."""
    check: Callable[[str], str | None] | None = None
    """Why an answer cannot stand (a badly written id, date or address), or None."""


def _ids(section: str) -> Callable[[Catalog], list[str]]:
    return lambda catalog: [record.id for record in getattr(catalog, section)]


def _fixed(values: tuple[str, ...]) -> Callable[[Catalog], list[str]]:
    return lambda catalog: list(values)


def _passes(form: Any) -> Callable[[str], str | None]:
    """A check that an answer is what the model takes as `form` (an id, a URL)."""
    adapter: TypeAdapter[Any] = TypeAdapter(form)

    def check(answer: str) -> str | None:
        try:
            adapter.validate_python(answer)
        except ValidationError as error:
            detail = error.errors()[0]
            message = str((detail.get("ctx") or {}).get("error", detail["msg"]))
            # The model's messages name the value, or start with what is wrong with it.
            return f"the answer {message}" if message.startswith("is ") else message
        return None

    return check


CLAIM_FIELDS = (
    Ask(
        "id",
        "Id of the new claim (lowercase words joined by hyphens)",
        _ids("claims"),
        closed=False,
        check=_passes(Slug),
    ),
    Ask("claim", "The claim, in your own words"),
    Ask(
        "short", "The claim in at most 74 characters, without the verdict", check=_passes(ShortText)
    ),
    Ask("claimant", "Who made it (claimant id)", _ids("claimants")),
    Ask("claimed", "When it was made (YYYY-MM-DD)", check=date_problem),
    Ask("source", "Where it appeared (source id)", _ids("sources")),
    Ask("quote", "The words exactly as published there"),
    Ask("accuracy", "How accurately that source reported the claim (rating id)", _ids("ratings")),
    Ask("rating", "Verdict (rating id)", _ids("ratings")),
    Ask("confidence", "Confidence (id)", _ids("confidence")),
    Ask("summary", "Summary: the conclusion in one to three sentences"),
    Ask("analysis", "Analysis: the reasoning (Markdown)"),
    Ask("evidence", "A source weighed as evidence (source id)", _ids("sources")),
    Ask("stance", "Its stance", _fixed(get_args(Stance))),
    Ask("evidence-note", "What that source shows"),
    Ask("note", "Why this verdict (the first history entry's note)"),
)

SOURCE_FIELDS = (
    Ask(
        "id",
        "Id of the new source (lowercase words joined by hyphens)",
        _ids("sources"),
        closed=False,
        check=_passes(Slug),
    ),
    Ask("title", "Headline or title"),
    Ask(
        "title-kind",
        "Title kind: headline (the document's own headline, checked against it) or "
        "description (your words for the document, or a title guessed from its URL)",
        _fixed(get_args(TitleKind)),
    ),
    Ask("kind", "Kind of document", _fixed(get_args(SourceKind))),
    Ask("url", "Address of the page (https://...)", check=_passes(Url)),
    Ask(
        "archive-url",
        "Address of an archived copy (Enter for none)",
        required=False,
        check=_passes(Url),
    ),
    Ask("publisher", "Publisher (Enter for none)", required=False),
    Ask(
        "original-publisher",
        "For a copy of another outlet's story: the outlet that wrote it (Enter for none)",
        required=False,
    ),
    Ask(
        "mirror",
        "Is the page an unofficial copy on a scraper or aggregator site, rather than a "
        "story carried by agreement? yes or no (Enter for no)",
        _fixed(("yes", "no")),
        required=False,
        needs="original-publisher",
    ),
    Ask(
        "date",
        "Publication date, YYYY-MM-DD (Enter if unknown)",
        required=False,
        check=date_problem,
    ),
)


class MissingFields(Exception):
    """Fields are missing: there is no terminal to ask in, or the editor stopped answering."""


def complete_fields(
    fields: tuple[Ask, ...], given: Mapping[str, str | None], catalog: Catalog
) -> dict[str, str | None]:
    """`given`, with every missing field asked for in a terminal; MissingFields without one."""
    values = dict(given)
    missing = [field for field in fields if values.get(field.option) is None]
    if not missing:
        return values
    if not sys.stdin.isatty():
        required = [f"--{field.option}" for field in missing if field.required]
        if required:
            raise MissingFields(
                f"missing {', '.join(required)}; give them as options, or run the command "
                "in a terminal to be asked for each"
            )
        return values
    try:
        for field in missing:
            if field.needs is not None and not values.get(field.needs):
                continue
            choices = field.choices(catalog) if field.choices else []
            answer = _ask(field.question, choices)
            while True:
                refusal = _refusal(field, answer, choices)
                if refusal is not None:
                    print(refusal, file=sys.stderr)
                elif answer or not field.required:
                    break
                answer = _ask(field.question, choices)
            values[field.option] = answer or None
    except (EOFError, KeyboardInterrupt):
        raise MissingFields(
            "stopped before every field was answered; nothing was written"
        ) from None
    return values


def _refusal(field: Ask, answer: str, choices: list[str]) -> str | None:
    """Why `answer` cannot stand, said at once rather than after the last question."""
    if not answer:
        return None
    if choices and field.closed and answer not in choices:
        return f"'{answer}' is not one of the choices{suggest(answer, choices)}; Tab lists them"
    if choices and not field.closed and answer in choices:
        return f"'{answer}' is taken; choose another id"
    if field.check is not None:
        return field.check(answer)
    return None


def _ask(question: str, choices: list[str]) -> str:
    try:
        import readline
    except ImportError:  # not on every platform; completion is a convenience
        readline = None  # type: ignore[assignment]
    if readline is not None:
        readline.set_completer(_completer(choices))
        readline.set_completer_delims(" \t\n")
        readline.parse_and_bind("tab: complete")
    count = len(choices)
    hint = f" [Tab: {count} choice{'s' if count != 1 else ''}]" if choices else ""
    return input(f"{question}{hint}: ").strip()


def _completer(choices: list[str]) -> Callable[[str, int], str | None]:
    def complete(text: str, state: int) -> str | None:
        matches = [choice for choice in choices if choice.startswith(text)]
        return matches[state] if state < len(matches) else None

    return complete
