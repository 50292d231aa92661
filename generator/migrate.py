"""Schema version 1 to version 2: the same data, with the fields version 2 adds.

The conversion edits the text of the file, so comments, quoting, blank lines and the order of
keys stay as the editor wrote them. Each new field is a line inserted beside a key of the same
mapping, with that key's indentation. Only where no such key stands on a line of its own (a
mapping written inline, like `{id: x, title: y}`) is the file written out again by PyYAML, which
drops comments and quoting: the command says so when it happens.

What version 2 adds, and what the conversion writes for it:

- `published` on each claim. Without `--published`, version 1's `history` is taken for what it
  says it is, the verdicts the desk published: `published` is the date of its first entry.
  With `--published DATE`, the history is instead a reconstruction written on DATE: it moves
  to `reconstruction:`, and `history:` gets one entry, the publication on DATE of the current
  verdict.
- `accuracy` on each appearance: version 1 showed the claim's verdict on the source's
  scorecard, so the conversion writes the claim's `rating`. Review it: a source that reported
  a false statement accurately deserves the best rating.
- `title_kind` on each source: `description`, which claims nothing the editors did not
  check. Set it to `headline` where the title is the document's own headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from generator import yamlsource
from generator.model import SCHEMA_VERSION

HEADER = (
    "# Converted from schema version 1 by `python -m generator migrate`. Review each\n"
    "# appearance's `accuracy` (copied from its claim's rating) and each source's\n"
    "# `title_kind` (set to `description`).\n"
)
FIRST_PUBLICATION_NOTE = "First publication."


class MigrationError(Exception):
    """The file cannot be converted; the message says why and what to do."""


@dataclass(frozen=True)
class Result:
    """The converted text, and whether it had to be written out again (losing comments)."""

    text: str
    is_reserialised: bool


@dataclass(frozen=True)
class _Edit:
    offset: int
    remove: int
    insert: str


class _PlainDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing shared values out: claims.yaml refuses anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _unreadable(error: yamlsource.SourceError) -> MigrationError:
    issue = error.issues[-1]
    return MigrationError(
        f"{issue.position.line}:{issue.position.column}: {issue.message}; "
        "fix it, then convert the file"
    )


class _NotInPlace(Exception):
    """A field cannot be inserted as a line of its own: fall back to writing the file out."""


def decode(raw: bytes) -> str:
    """The text of a claims file to convert, with '\n' line endings."""
    try:
        return yamlsource.read_text(raw).replace("\r\n", "\n")
    except yamlsource.SourceError as error:
        raise _unreadable(error) from None


def migrate_text(text: str, *, published: date | None = None) -> Result:
    """The version 2 text of a version 1 claims file."""
    try:
        document = yamlsource.parse(text)
    except yamlsource.SourceError as error:
        raise _unreadable(error) from None
    data = document.data
    if not isinstance(data, dict) or data.get("version") != 1:
        version = data.get("version") if isinstance(data, dict) else None
        if version == SCHEMA_VERSION:
            raise MigrationError(f"the file is already schema version {SCHEMA_VERSION}")
        raise MigrationError("the file does not start with 'version: 1'; nothing to convert")
    try:
        migrated = _migrate_data(data, published)
        edits = _Editor(text, document, published).edits(data)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise MigrationError(
            "a value does not have the shape that version 1 gives it (sources, claims and "
            "their history are lists of entries, each a mapping with its id and date); fix "
            "it, then convert the file"
        ) from None
    except _NotInPlace:
        dumped = yaml.dump(
            migrated, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100
        )
        return Result(HEADER + dumped, is_reserialised=True)
    for edit in sorted(edits, key=lambda edit: edit.offset, reverse=True):
        text = text[: edit.offset] + edit.insert + text[edit.offset + edit.remove :]
    return Result(text, is_reserialised=False)


def _migrate_data(data: dict[str, Any], published: date | None) -> dict[str, Any]:
    """The version 2 data: what the text edits produce, for the fallback and for tests."""
    result = {**data, "version": SCHEMA_VERSION}
    result["sources"] = [
        _insert_after(source, "title", "title_kind", "description")
        for source in data.get("sources", [])
    ]
    result["claims"] = [_migrate_claim(claim, published) for claim in data.get("claims", [])]
    return result


def _migrate_claim(claim: dict[str, Any], published: date | None) -> dict[str, Any]:
    rating = claim.get("rating")
    appearances = [
        _insert_after(item, "quote", "accuracy", rating) for item in claim.get("appearances", [])
    ]
    result = {**claim, "appearances": appearances}
    history = claim.get("history", [])
    if published is None:
        first = history[0]["date"] if history else None
        return _insert_before(result, "history", {"published": first})
    _check_reconstructable(claim, published)
    fields = {
        "published": published,
        "history": [{"date": published, "rating": rating, "note": FIRST_PUBLICATION_NOTE}],
        "reconstruction": history,
    }
    result = {key: value for key, value in result.items() if key != "history"}
    return _insert_before(result, "reviewed", fields) if "reviewed" in result else result | fields


def _check_reconstructable(claim: dict[str, Any], published: date) -> None:
    for entry in claim.get("history", []):
        day = entry.get("date")
        if entry.get("correction") is True:
            raise MigrationError(
                f"claim {claim.get('id')!r}: its history holds a correction, so the desk "
                "published those verdicts; convert without --published"
            )
        if isinstance(day, date) and day >= published:
            raise MigrationError(
                f"claim {claim.get('id')!r}: history entry of {day} is not before "
                f"--published {published}; give a later publication date"
            )


def _insert_after(mapping: Any, key: str, new: str, value: Any) -> Any:
    if not isinstance(mapping, dict) or new in mapping:
        return mapping
    items = list(mapping.items())
    at = next((n + 1 for n, (name, _) in enumerate(items) if name == key), len(items))
    return dict([*items[:at], (new, value), *items[at:]])


def _insert_before(mapping: dict[str, Any], key: str, fields: dict[str, Any]) -> dict[str, Any]:
    items = list(mapping.items())
    at = next((n for n, (name, _) in enumerate(items) if name == key), len(items))
    return dict([*items[:at], *fields.items(), *items[at:]])


class _Editor:
    """Text edits that turn a version 1 file into version 2, keeping everything else."""

    def __init__(self, text: str, document: yamlsource.Document, published: date | None):
        self.text = text
        self.document = document
        self.published = published
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def edits(self, data: dict[str, Any]) -> list[_Edit]:
        version = self._offset(self.document.position_of(("version",)))
        version_line = self._offset(self.document.position_of(("version",), key=True))
        edits = [_Edit(version, 1, str(SCHEMA_VERSION)), _Edit(version_line, 0, HEADER)]
        for index, source in enumerate(data.get("sources", [])):
            if isinstance(source, dict) and "title_kind" not in source:
                edits.append(
                    self._field(("sources", index), source, "title", "title_kind: description")
                )
        for index, claim in enumerate(data.get("claims", [])):
            if isinstance(claim, dict):
                edits.extend(self._claim(("claims", index), claim))
        return edits

    def _claim(self, path: yamlsource.Path, claim: dict[str, Any]) -> list[_Edit]:
        edits = []
        rating = claim.get("rating")
        for number, item in enumerate(claim.get("appearances") or []):
            if isinstance(item, dict) and isinstance(rating, str) and "accuracy" not in item:
                where = (*path, "appearances", number)
                edits.append(self._field(where, item, "quote", f"accuracy: {rating}"))
        history = claim.get("history")
        if not isinstance(history, list):
            return edits
        if self.published is None:
            first = history[0].get("date") if history and isinstance(history[0], dict) else None
            if isinstance(first, date):
                edits.append(self._before(path, "history", [f"published: {first}"]))
            return edits
        _check_reconstructable(claim, self.published)
        key = self._offset(self.document.position_of((*path, "history"), key=True))
        edits.append(_Edit(key, len("history"), "reconstruction"))
        edits.append(
            self._before(
                path,
                "history",
                [
                    f"published: {self.published}",
                    "history:",
                    f"  - date: {self.published}",
                    f"    rating: {rating}",
                    f"    note: {FIRST_PUBLICATION_NOTE}",
                ],
            )
        )
        return edits

    def _field(
        self, path: yamlsource.Path, mapping: dict[str, Any], after: str, line: str
    ) -> _Edit:
        """An edit adding `line` to the mapping at `path`, after the key `after` if it can."""
        keys = list(mapping)
        following = keys[keys.index(after) + 1 :] if after in keys else []
        for key in [*following, *keys]:
            try:
                return self._before(path, key, [line])
            except _NotInPlace:
                continue
        raise _NotInPlace

    def _before(self, path: yamlsource.Path, key: str, lines: list[str]) -> _Edit:
        """An edit adding `lines` just above `key` of the mapping at `path`, indented like it."""
        position = self.document.keys.get((*path, key))
        if position is None:
            raise _NotInPlace
        start = self.line_starts[position.line - 1]
        indent = self.text[start : self._offset(position)]
        if indent.strip():
            raise _NotInPlace
        return _Edit(start, 0, "".join(f"{indent}{line}\n" for line in lines))

    def _offset(self, position: yamlsource.Position) -> int:
        return self.line_starts[position.line - 1] + position.column - 1
