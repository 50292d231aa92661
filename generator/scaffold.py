"""Adding a claim, adding a source and changing a verdict, by editing the claims file as text.

Each command edits the text at the loader's positions (generator/textedit.py), writes it, and
loads the result. If the result does not pass the check, or differs from the catalog
expected in anything but the change, the file gets its old bytes back and the problems are
reported with the loader's own messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator import output
from generator.includes import find_includes
from generator.load import Loaded, load_located
from generator.model import Catalog, Claim, HistoryEntry, Source
from generator.problems import CatalogError, Problem, suggest
from generator.textedit import (
    Edit,
    EditError,
    append_item,
    append_section,
    apply,
    encode_lines,
    line_ending,
    replace_scalar,
    scalar_text,
)
from generator.yamlsource import Path as Where


class ScaffoldError(Exception):
    """The change was not made; `problems` are the check's, on the text it would have had."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass(frozen=True)
class Change:
    """What a command did, for its one-line report."""

    file: Path
    summary: str


def file_to_edit(loaded: Loaded, path: Where, *, chosen: Path | None = None) -> Path:
    """The file that an edit of the record or section at `path` changes.

    That is the file holding it, or `chosen` (the editor's --file) for a new record, which
    must be the claims file or one of the files it includes.
    """
    holder = Path(loaded.where(path)[0])
    files = [Path(name) for name in loaded.files]
    if chosen is not None and chosen.resolve() not in {file.resolve() for file in files}:
        named = ", ".join(str(file) for file in files)
        raise ScaffoldError(
            f"{chosen} is not a file the claims are read from ({named}); give one of them, "
            "or leave the option out"
        )
    return holder if chosen is None else chosen


def add_claim(
    path: Path, claim: dict[str, Any], *, file: Path | None = None, today: date | None = None
) -> Change:
    """Append `claim` (every field of a Claim, `published` and `history` included) to the claims.

    It goes into the claims file `path`, or into `file`.
    """
    return _add(path, "claims", Claim, claim, file=file, today=today)


def add_source(
    path: Path, source: dict[str, Any], *, file: Path | None = None, today: date | None = None
) -> Change:
    """Append `source` (the fields of a Source) to the sources, in `path` or in `file`."""
    return _add(path, "sources", Source, source, file=file, today=today)


def _add(
    path: Path,
    section: str,
    model: type[Claim] | type[Source],
    record: dict[str, Any],
    *,
    file: Path | None,
    today: date | None,
) -> Change:
    loaded = load_located(path, today=today)
    if file is not None and not file.exists():
        target = _new_file(loaded, path, file)
        edit = append_section("", section, record)
    else:
        target = file_to_edit(loaded, (section,), chosen=file)
        edit = _append(loaded, section, record, target)
    catalog = loaded.catalog

    def expected() -> Catalog:
        added = model.model_validate(record)
        return catalog.model_copy(update={section: [*getattr(catalog, section), added]})

    noun = section.removesuffix("s")
    _commit(path, target, [edit], expected, today, what=f"{noun} '{record['id']}'")
    return Change(target, f"added {noun} '{record['id']}' to {target}")


def update_verdict(
    path: Path,
    claim_id: str,
    rating: str,
    note: str,
    *,
    correction: bool = False,
    today: date | None = None,
) -> Change:
    """Append a history entry dated today, and move the claim's rating and reviewed to it."""
    day = today or date.today()
    loaded = load_located(path, today=today)
    claims = loaded.catalog.claims
    index = next((number for number, claim in enumerate(claims) if claim.id == claim_id), None)
    if index is None:
        hint = suggest(claim_id, [claim.id for claim in claims])
        raise ScaffoldError(f"unknown claim '{claim_id}'{hint}")
    claim = claims[index]
    if claim.history[-1].date == day:
        raise ScaffoldError(
            f"'{claim_id}' already has a history entry of today ({day}), and the history holds "
            "one entry a day. If that entry is not published yet (it is only on your branch), "
            "change its rating there and say why at the end of its note; once it is published, "
            "it may only grow, and the new verdict is recorded tomorrow"
        )
    entry: dict[str, Any] = {"date": day, "rating": rating, "note": note}
    if correction:
        entry["correction"] = True
    where = ("claims", index)
    target = file_to_edit(loaded, where)
    text = target.read_bytes().decode("utf-8")
    history_end = ("claims", index, "history", len(claim.history) - 1)
    try:
        edits = [
            _replace(loaded, text, (*where, "rating"), scalar_text(rating)),
            _replace(loaded, text, (*where, "reviewed"), day.isoformat()),
            append_item(text, loaded.where(history_end)[1], entry),
        ]
    except EditError as error:
        raise ScaffoldError(f"{target}: {error}") from None

    def expected() -> Catalog:
        history = [*claim.history, HistoryEntry.model_validate(entry)]
        updated = claim.model_copy(update={"rating": rating, "reviewed": day, "history": history})
        return loaded.catalog.model_copy(
            update={"claims": [*claims[:index], updated, *claims[index + 1 :]]}
        )

    _commit(path, target, edits, expected, today, what=f"the verdict of '{claim_id}'")
    if claim.rating == rating:
        return Change(target, f"recorded a review of '{claim_id}' ({rating}) in {target}")
    return Change(
        target, f"changed the verdict of '{claim_id}' from {claim.rating} to {rating} in {target}"
    )


def _replace(loaded: Loaded, text: str, path: Where, value: str) -> Edit:
    return replace_scalar(text, loaded.where(path)[1], value)


def _new_file(loaded: Loaded, path: Path, file: Path) -> Path:
    """`file`, when a pattern under the claims file's `include:` would read it once it exists:
    a new record may start a file of its own (one file per claim, or per month)."""
    patterns = loaded.document.data.get("include") or []
    folder = path.parent
    if not file.parent.is_dir():
        raise ScaffoldError(f"{file}: there is no folder {file.parent}; create it first")
    try:
        file.write_bytes(b"")  # an empty file matches the patterns as the new one would
        included = file.resolve() in {
            match.resolve() for match in find_includes(folder, path, patterns)[0]
        }
    finally:
        file.unlink(missing_ok=True)
    if not included:
        raise ScaffoldError(
            f"{file} is not a file the claims are read from, and no pattern under 'include:' "
            f"in {path} matches it; give a name that one matches, or add a pattern for it"
        )
    return file


def _append(loaded: Loaded, section: str, record: dict[str, Any], target: Path) -> Edit:
    """The edit that appends `record` to `section` in `target`, after its last entry there."""
    records = getattr(loaded.catalog, section)
    text = target.read_bytes().decode("utf-8")
    in_target = [
        position
        for index in range(len(records))
        for file, position in [loaded.where((section, index))]
        if Path(file).resolve() == target.resolve()
    ]
    try:
        if in_target:
            return append_item(text, in_target[-1], record)
        names = {Path(name).resolve(): name for name in loaded.files}
        if (section,) not in loaded.keys_of(names[target.resolve()]):
            return append_section(text, section, record)
    except EditError as error:
        raise ScaffoldError(f"{target}: {error}") from None
    raise ScaffoldError(
        f"{target}: '{section}' is written without entries; delete that line and run the "
        "command again"
    )


def _by_id(catalog: Catalog) -> Catalog:
    """The catalog with its records in id order: a record added to one of several files
    reads back in that file's place, not necessarily last."""
    return catalog.model_copy(
        update={
            section: sorted(getattr(catalog, section), key=lambda record: record.id)
            for section in ("sources", "claimants", "claims")
        }
    )


def _commit(
    path: Path,
    target: Path,
    edits: list[Edit],
    expected: Callable[[], Catalog],
    today: date | None,
    *,
    what: str,
) -> None:
    """Write the edited text; keep it only if the claims then load as `expected()` says.

    `expected` is called once the edited file passed the check, so the new record is valid.
    """
    original = target.read_bytes() if target.exists() else None
    ending = line_ending(original or path.read_bytes())
    edited = encode_lines(apply((original or b"").decode("utf-8"), edits), ending)
    output.write_atomically(target, edited)

    def restore() -> None:
        if original is None:
            target.unlink(missing_ok=True)
        else:
            output.write_atomically(target, original)

    unchanged = "was not created" if original is None else "was left unchanged"
    try:
        is_expected = _by_id(load_located(path, today=today).catalog) == _by_id(expected())
    except CatalogError as error:
        restore()
        raise ScaffoldError(
            f"{target} {unchanged}: with {what}, it would have these problems "
            "(lines as they would have been):",
            error.problems,
        ) from None
    except BaseException:
        restore()
        raise
    if not is_expected:
        restore()
        raise ScaffoldError(
            f"{target} {unchanged}: the edit did not read back as {what} alone; "
            "make the change by hand"
        )


def claim_record(
    values: Mapping[str, str | None],
    *,
    qualifiers: list[str] | None = None,
    tags: list[str] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """A complete claim from the answers of `new`, its fields in the model's order.

    The desk publishes it today: `published`, its first history entry and `reviewed` are
    today's date.
    """
    day = today or date.today()
    appearance = {
        "source": values["source"],
        "quote": values["quote"],
        "accuracy": values["accuracy"],
    }
    record: dict[str, Any] = {
        "id": values["id"],
        "claim": values["claim"],
        "short": values["short"],
        "claimant": values["claimant"],
        "claimed": _date("claimed", values["claimed"]),
        "appearances": [appearance],
        "rating": values["rating"],
        "confidence": values["confidence"],
    }
    if qualifiers:
        record["qualifiers"] = list(qualifiers)
    record |= {
        "summary": values["summary"],
        "analysis": values["analysis"],
        "evidence": [
            {
                "source": values["evidence"],
                "stance": values["stance"],
                "note": values["evidence-note"],
            }
        ],
        "published": day,
        "history": [{"date": day, "rating": values["rating"], "note": values["note"]}],
        "reviewed": day,
    }
    if tags:
        record["tags"] = list(tags)
    return record


def source_record(values: Mapping[str, str | None]) -> dict[str, Any]:
    """A source from the answers of `new-source`, in the order the claims file writes them:
    the model's, except that `kind` comes before the addresses."""
    record: dict[str, Any] = {
        "id": values["id"],
        "title": values["title"],
        "title_kind": values["title-kind"],
    }
    if values.get("publisher"):
        record["publisher"] = values["publisher"]
    if values.get("original-publisher"):
        record["original_publisher"] = values["original-publisher"]
    if _yes("mirror", values.get("mirror")):
        record["mirror"] = True
    if values.get("date"):
        record["date"] = _date("date", values["date"])
    record["kind"] = values["kind"]
    record["url"] = values["url"]
    if values.get("archive-url"):
        record["archive_url"] = values["archive-url"]
    return record


def _yes(option: str, text: str | None) -> bool:
    if text in (None, "", "no"):
        return False
    if text == "yes":
        return True
    raise ScaffoldError(f"--{option}: {text!r} is neither yes nor no; answer yes or no")


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    problem = date_problem(text)
    if problem is not None:
        raise ScaffoldError(f"--{option}: {problem}")
    return date.fromisoformat(text)


def date_problem(text: str) -> str | None:
    """Why `text` is not a date as claims files write it, or None."""
    try:
        if len(text) == 10:
            date.fromisoformat(text)
            return None
    except ValueError:
        pass
    return f"{text!r} is not a date; write it as YYYY-MM-DD, like 2024-10-18"
