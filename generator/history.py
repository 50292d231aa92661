"""The append-only rule: what an earlier version published stays on the record.

Compared with the base version (the target branch of a pull request):
- each claim's past history entries stay as they were, and new ones only follow them. A claim
  has one entry a date, so an entry dated today may grow: its note kept and added to, and
  `correction: true` set when what is added corrects an error;
- a claim that is gone is listed under `retired:`, with the date and a note saying why;
- a claim whose id changed is retired with `redirect:` naming its new id;
- entries under `retired:` stay as they were.

It also warns of changes that the record would miss: a source edited since the base changes
the page of every claim citing it, and each such claim should say so in an entry of today.

A base that does not pass today's checks (a rule was added since, or the target branch is
broken) is still compared: each claim's history wherever the history and the claim's id pass
them, and the ids of every claim and retired entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator import clock
from generator.load import Loaded, Unchecked
from generator.lookups import cited_sources
from generator.model import Catalog, Claim, HistoryEntry, Retired, Source
from generator.problems import Problem, dotted
from generator.yamlsource import Path as Where
from generator.yamlsource import clip

_FIELDS = ("date", "rating", "note", "correction")
_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class PublishedClaim:
    """A claim as the append-only rule sees it: its id and the verdicts it published."""

    id: str
    history: list[HistoryEntry] | None
    """None when its history or id fails today's checks: then only its id counts."""


@dataclass(frozen=True)
class Published:
    """What a version of the claims published, as the append-only rule compares it."""

    claims: list[PublishedClaim]
    retired: dict[str, Retired | None]
    """Retired entries by id; None for one that does not pass today's checks."""
    sources: list[Source]
    """The sources that pass today's checks."""
    unread: list[str]
    """What the rule cannot compare in full, for the editor: `claim 'its-id'`, `file NAME`."""

    @classmethod
    def of(cls, catalog: Catalog) -> Published:
        """What a catalog that passes today's checks published."""
        claims = [PublishedClaim(claim.id, claim.history) for claim in catalog.claims]
        return cls(claims, {entry.id: entry for entry in catalog.retired}, catalog.sources, [])

    @classmethod
    def read(cls, unchecked: Unchecked) -> Published:
        """What a version that fails today's checks published: each entry, and each claim's
        history, that passes them; the id of every other entry; and what could not be read."""
        data = unchecked.data if isinstance(unchecked.data, dict) else {}
        # A path is troubled when a problem is at it or inside it.
        troubled = {path[:length] for path in unchecked.flawed for length in range(len(path) + 1)}
        unread: list[str] = []

        def entries(section: str) -> Iterator[tuple[Where, str | None, object]]:
            items = data.get(section)
            if section in data and (not isinstance(items, list) or (section,) in unchecked.flawed):
                unread.append(f"the {section} section")
                return
            for index, item in enumerate(items or []):
                entry_id = item.get("id") if isinstance(item, dict) else None
                shown = str(entry_id) if isinstance(entry_id, str | int) else None
                yield (section, index), shown, item

        def sound(path: Where, model: type[_Model], item: object) -> _Model | None:
            return None if path in troubled else _valid(model, item)

        found = list(entries("claims"))
        counts = Counter(claim_id for _, claim_id, _ in found)
        histories: dict[str, list[HistoryEntry] | None] = {}
        for path, claim_id, item in found:
            history = None
            fields = item if isinstance(item, dict) else {}
            is_sound = not {(*path, "id"), (*path, "history")} & troubled
            if is_sound and counts[claim_id] == 1 and isinstance(fields.get("history"), list):
                history = _all_valid(HistoryEntry, fields["history"])
            if history is None:
                unread.append(f"claim '{claim_id}'" if claim_id else "a claim without an id")
            if claim_id is not None:
                histories.setdefault(claim_id, history)
        retired: dict[str, Retired | None] = {}
        for path, entry_id, item in entries("retired"):
            entry = sound(path, Retired, item)
            if entry is None:
                unread.append(f"retired '{entry_id}'" if entry_id else "a retired entry")
            if entry_id is not None:
                retired.setdefault(entry_id, entry)
        sources = [
            source
            for path, _, item in entries("sources")
            if (source := sound(path, Source, item)) is not None
        ]
        unread += [f"file {name}" for name in unchecked.unread_files]
        claims = [PublishedClaim(claim_id, history) for claim_id, history in histories.items()]
        return cls(claims, retired, sources, list(dict.fromkeys(unread)))


def _all_valid(model: type[_Model], items: list[Any]) -> list[_Model] | None:
    valid = [record for item in items if (record := _valid(model, item)) is not None]
    return valid if len(valid) == len(items) else None


def _valid(model: type[_Model], item: object) -> _Model | None:
    try:
        return model.model_validate(item)
    except ValidationError:
        return None


def check_append_only(base: Published, loaded: Loaded, *, today: date) -> list[Problem]:
    """Every way `loaded` rewrites what `base` recorded, in file order."""
    current = loaded.catalog
    found: list[tuple[Where, str]] = []
    index_of = {claim.id: index for index, claim in enumerate(current.claims)}
    for old in base.claims:
        if old.id in index_of and old.history is not None:
            index = index_of[old.id]
            new = current.claims[index]
            found.extend(_history_changes(old.history, new, ("claims", index), today))
    found.extend(_missing_claims(base, current, index_of))
    retired_now = {entry.id: (index, entry) for index, entry in enumerate(current.retired)}
    for retired_id, old_entry in base.retired.items():
        if retired_id not in retired_now:
            found.append(
                (
                    ("retired",),
                    f"the retired entry '{retired_id}' was removed; retired entries stay, "
                    "so that the old address keeps saying what happened: restore it",
                )
            )
        elif old_entry is not None and retired_now[retired_id][1] != old_entry:
            found.append(
                (
                    ("retired", retired_now[retired_id][0]),
                    f"the retired entry '{retired_id}' was changed; retired entries stay "
                    "as they were published: restore it",
                )
            )
    problems = []
    for path, message in found:
        file, position = loaded.where(path, key=len(path) == 1)
        problems.append(Problem(file, position, dotted(path), message))
    return sorted(problems, key=lambda p: (p.file, p.position.line, p.position.column))


def _history_changes(
    old: list[HistoryEntry], new: Claim, path: Where, today: date
) -> list[tuple[Where, str]]:
    if len(new.history) < len(old):
        kept = new.history
        removed = next((entry for entry in old if entry not in kept), old[len(kept)])
        return [
            (
                (*path, "history"),
                f"the history entry of {removed.date} ({removed.rating}) was removed; history "
                "is append-only: restore it, and add a new entry for the change",
            )
        ]
    for number, entry in enumerate(old):
        changed = _changed_field(entry, new.history[number])
        if changed is None or _grows_today(entry, new.history[number], today):
            continue
        advice = "and add a new entry (correction: true if it corrects our error)"
        if clock.is_today(entry.date, today):
            advice = (
                "an entry of today may only grow: keep its note as it was and add to its end "
                "(with correction: true if the addition corrects our error)"
            )
        return [
            (
                (*path, "history", number, changed),
                f"the history entry of {entry.date} was edited ({changed} was "
                f"{clip(getattr(entry, changed))}); history is append-only: restore it, {advice}",
            )
        ]
    return []


def _grows_today(old: HistoryEntry, new: HistoryEntry, today: date) -> bool:
    """Whether `new` is today's entry `old` with more said: its note extended, its verdict
    the same, and marked a correction if `old` was."""
    return (
        old.date == new.date
        and clock.is_today(old.date, today)
        and old.rating == new.rating
        and new.note.startswith(old.note)
        and (new.correction or not old.correction)
    )


def _changed_field(old: HistoryEntry, new: HistoryEntry) -> str | None:
    return next((name for name in _FIELDS if getattr(old, name) != getattr(new, name)), None)


def _missing_claims(
    base: Published, current: Catalog, index_of: dict[str, int]
) -> list[tuple[Where, str]]:
    """Claims of `base` that are gone: each needs a retired entry, a renamed one a redirect."""
    base_ids = {claim.id for claim in base.claims}
    retired = {entry.id: (index, entry) for index, entry in enumerate(current.retired)}
    found: list[tuple[Where, str]] = []
    for old in base.claims:
        if old.id in index_of:
            continue
        successor = _successor(old, current, base_ids)
        if old.id not in retired:
            if successor is not None:
                found.append(
                    (
                        ("claims", index_of[successor], "id"),
                        f"claim '{old.id}' was renamed to '{successor}' without a redirect; "
                        f"add under retired: an entry with id: {old.id}, the date, a note "
                        f"and redirect: {successor}",
                    )
                )
            else:
                found.append(
                    (
                        ("claims",),
                        f"claim '{old.id}' was deleted without a correction record; add "
                        f"under retired: an entry with id: {old.id}, the date and a note "
                        "saying why it was withdrawn",
                    )
                )
            continue
        index, entry = retired[old.id]
        if successor is not None and entry.redirect is None:
            found.append(
                (
                    ("retired", index, "id"),
                    f"claim '{old.id}' was renamed to '{successor}', which carries its "
                    f"history; add redirect: {successor}",
                )
            )
    return found


def _successor(old: PublishedClaim, current: Catalog, base_ids: set[str]) -> str | None:
    """The new claim that carries `old`'s history, if one does: `old` was renamed to it."""
    if old.history is None:
        return None
    for claim in current.claims:
        if claim.id not in base_ids and claim.history[: len(old.history)] == old.history:
            return claim.id
    return None


def unlogged_source_changes(base: Published, loaded: Loaded, *, today: date) -> list[Problem]:
    """Warnings for sources changed since `base` that citing claims do not log today."""
    before = {source.id: source for source in base.sources}
    problems = []
    for index, source in enumerate(loaded.catalog.sources):
        if before.get(source.id, source) == source:
            continue
        unlogged = [
            claim.id
            for claim in loaded.catalog.claims
            if source.id in cited_sources(claim)
            and not clock.is_today(claim.history[-1].date, today)
        ]
        if unlogged:
            file, position = loaded.where(("sources", index))
            problems.append(
                Problem(
                    file,
                    position,
                    dotted(("sources", index)),
                    f"source '{source.id}' changed, and so did the pages of the claims citing "
                    f"it; say what changed in an entry of today in each: {', '.join(unlogged)}",
                )
            )
    return problems
