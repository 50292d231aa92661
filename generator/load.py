"""claims.yaml in, a validated Catalog or the full list of problems out."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator import yamlsource
from generator.model import (
    SCHEMA_VERSION,
    Catalog,
    Claim,
    Claimant,
    Confidence,
    Publisher,
    Qualifier,
    Rating,
    Source,
)
from generator.yamlsource import Document, Position, SourceError

SECTIONS: dict[str, type[BaseModel]] = {
    "ratings": Rating,
    "qualifiers": Qualifier,
    "confidence": Confidence,
    "sources": Source,
    "claimants": Claimant,
    "claims": Claim,
}
TOP_LEVEL = ("version", "publisher", *SECTIONS)
REQUIRED_TOP_LEVEL = ("version", "publisher", "ratings", "confidence")
MIN_ENTRIES = {"ratings": "two entries", "confidence": "one entry"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, at a line and column."""

    file: str
    position: Position
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.file}:{self.position.line}:{self.position.column}:{where} {self.message}"


class CatalogError(Exception):
    """claims.yaml has problems; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def load_catalog(path: Path, *, today: date | None = None) -> Catalog:
    """Read and validate a claims file; raise CatalogError listing every problem."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise CatalogError(
            [Problem(name, Position(1, 1), "", f"cannot read the file: {error.strerror}")]
        ) from None
    if size > yamlsource.MAX_BYTES:
        limit = yamlsource.MAX_BYTES // (1024 * 1024)
        message = f"the file is {size / 1024 / 1024:.1f} MiB, over the {limit} MiB limit"
        raise CatalogError([Problem(name, Position(1, 1), "", message)])
    return parse_catalog(path.read_bytes(), name, base_dir=path.parent, today=today)


def parse_catalog(raw: bytes, name: str, *, base_dir: Path, today: date | None = None) -> Catalog:
    """Validate the bytes of a claims file named `name`; seed paths resolve from `base_dir`."""
    try:
        document = yamlsource.parse(yamlsource.read_text(raw))
    except SourceError as error:
        raise CatalogError([Problem(name, error.position, "", error.message)]) from None
    checker = _Checker(name, document, base_dir, today or date.today())
    catalog = checker.check()
    if checker.problems or catalog is None:
        problems = sorted(checker.problems, key=lambda problem: problem.position.line)
        raise CatalogError(problems)
    return catalog


def dotted(path: tuple[str | int, ...]) -> str:
    """`('claims', 3, 'rating')` as `claims[3].rating`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def suggest(value: object, choices: Iterable[str]) -> str:
    """A "did you mean" hint, or nothing."""
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


class _Checker:
    def __init__(self, name: str, document: Document, base_dir: Path, today: date) -> None:
        self.name = name
        self.document = document
        self.base_dir = base_dir
        self.today = today
        self.problems: list[Problem] = []

    def report(self, path: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        position = self.document.position_of(path, key=key)
        self.problems.append(Problem(self.name, position, dotted(path), message))

    def check(self) -> Catalog | None:
        data = self.document.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            self.report(
                (), f"the file holds {kind}; it must be a mapping that starts with 'version: 1'"
            )
            return None
        if not self._check_top_level(data):
            return None
        publisher = self._validate(Publisher, data.get("publisher"), ("publisher",))
        sections = {
            name: self._validate_section(name, model, data.get(name, []))
            for name, model in SECTIONS.items()
        }
        for name, records in sections.items():
            self._check_unique_ids(name, records)
        self._check_scale(sections["ratings"])
        for index, source in sections["sources"]:
            self._check_source(index, source)
        ids = {name: {record.id for _, record in records} for name, records in sections.items()}
        for index, claim in sections["claims"]:
            self._check_claim(index, claim, ids)
        if self.problems or publisher is None:
            return None
        return Catalog(
            version=1,
            publisher=publisher,
            **{name: [record for _, record in records] for name, records in sections.items()},
        )

    def _check_top_level(self, data: dict[Any, Any]) -> bool:
        if "version" not in data:
            self.report((), "missing 'version: 1' at the top of the file")
            return False
        if data["version"] != SCHEMA_VERSION or isinstance(data["version"], bool):
            self.report(
                ("version",),
                f"unsupported schema version {data['version']!r}; this generator reads version 1",
            )
            return False
        for key in data:
            if key not in TOP_LEVEL:
                self.report((key,), f"unknown section '{key}'{suggest(key, TOP_LEVEL)}", key=True)
        for key in REQUIRED_TOP_LEVEL:
            if key not in data:
                self.report((), f"missing required section '{key}'")
        return True

    def _validate_section(
        self, name: str, model: type[BaseModel], items: object
    ) -> list[tuple[int, Any]]:
        if not isinstance(items, list):
            self.report((name,), f"'{name}' must be a list of entries, each starting with '- '")
            return []
        if not items and name in REQUIRED_TOP_LEVEL:
            self.report((name,), f"'{name}' needs at least {MIN_ENTRIES[name]}")
        records = []
        for index, item in enumerate(items):
            record = self._validate(model, item, (name, index))
            if record is not None:
                records.append((index, record))
        return records

    def _validate(self, model: type[BaseModel], item: object, path: tuple[str | int, ...]) -> Any:
        try:
            return model.model_validate(item)
        except ValidationError as error:
            for detail in error.errors():
                self._report_validation(model, path, detail)
            return None

    def _report_validation(
        self, model: type[BaseModel], path: tuple[str | int, ...], detail: Any
    ) -> None:
        loc = tuple(detail["loc"])
        full = (*path, *loc)
        kind = detail["type"]
        value = detail.get("input")
        if kind == "missing":
            self.report(full[:-1], f"missing required field '{loc[-1]}'")
            return
        if kind == "extra_forbidden":
            known = _field_names(model, loc[:-1])
            self.report(full, f"unknown field '{loc[-1]}'{suggest(loc[-1], known)}", key=True)
            return
        self.report(full, _explain(kind, value, detail))

    def _check_unique_ids(self, section: str, records: list[tuple[int, Any]]) -> None:
        seen: dict[str, int] = {}
        for index, record in records:
            if record.id in seen:
                first = self.document.position_of((section, seen[record.id], "id"))
                self.report(
                    (section, index, "id"),
                    f"duplicate id '{record.id}' (first used at line {first.line}); "
                    "ids must be unique",
                )
            else:
                seen[record.id] = index

    def _check_scale(self, ratings: list[tuple[int, Rating]]) -> None:
        for (_, better), (index, worse) in itertools.pairwise(ratings):
            if worse.value >= better.value:
                self.report(
                    ("ratings", index, "value"),
                    f"value {worse.value} must be lower than {better.value} of '{better.id}': "
                    "list ratings best first, with falling values",
                )

    def _check_source(self, index: int, source: Source) -> None:
        path: tuple[str | int, ...] = ("sources", index)
        if source.kind == "seed-article":
            if source.seed is None:
                self.report(path, "a seed-article needs 'seed:', the path of its file in seeds/")
            elif not _is_seed_path(source.seed) or not (self.base_dir / source.seed).is_file():
                self.report(
                    (*path, "seed"), f"no seed file '{source.seed}'; give a file under seeds/"
                )
        elif source.seed is not None:
            self.report((*path, "seed"), "only a source of kind 'seed-article' takes 'seed:'")
        if source.url is None and source.seed is None:
            self.report(path, "a source needs 'url:' (or 'seed:' for a seed article)")
        if source.archive_url is not None and source.url is None:
            self.report((*path, "archive_url"), "'archive_url' is a copy of 'url'; add 'url' too")
        self._check_not_future((*path, "date"), source.date)

    def _check_claim(self, index: int, claim: Claim, ids: dict[str, set[str]]) -> None:
        path: tuple[str | int, ...] = ("claims", index)
        self._check_reference((*path, "claimant"), claim.claimant, "claimant", ids["claimants"])
        self._check_reference((*path, "rating"), claim.rating, "rating", ids["ratings"])
        self._check_reference(
            (*path, "confidence"), claim.confidence, "confidence level", ids["confidence"]
        )
        for number, qualifier in enumerate(claim.qualifiers):
            where = (*path, "qualifiers", number)
            self._check_reference(where, qualifier, "qualifier", ids["qualifiers"])
            if qualifier in claim.qualifiers[:number]:
                self.report(where, f"qualifier '{qualifier}' is listed twice")
        for number, appearance in enumerate(claim.appearances):
            where = (*path, "appearances", number, "source")
            self._check_reference(where, appearance.source, "source", ids["sources"])
        for number, evidence in enumerate(claim.evidence):
            where = (*path, "evidence", number, "source")
            self._check_reference(where, evidence.source, "source", ids["sources"])
        self._check_not_future((*path, "claimed"), claim.claimed)
        self._check_not_future((*path, "reviewed"), claim.reviewed)
        self._check_history(path, claim, ids["ratings"])

    def _check_history(self, path: tuple[str | int, ...], claim: Claim, ratings: set[str]) -> None:
        for number, entry in enumerate(claim.history):
            where = (*path, "history", number)
            self._check_reference((*where, "rating"), entry.rating, "rating", ratings)
            self._check_not_future((*where, "date"), entry.date)
            if number and entry.date <= claim.history[number - 1].date:
                self.report(
                    (*where, "date"),
                    f"{entry.date} is not after the entry before it "
                    f"({claim.history[number - 1].date}); "
                    "list history oldest first, one entry a date",
                )
        latest = claim.history[-1]
        if claim.rating != latest.rating:
            self.report(
                (*path, "rating"),
                f"'{claim.rating}' differs from the latest history entry ('{latest.rating}' on "
                f"{latest.date}); the latest history entry is the current verdict",
            )
        if claim.reviewed < latest.date:
            self.report(
                (*path, "reviewed"),
                f"{claim.reviewed} is before the latest history entry ({latest.date}); "
                "a claim is reviewed when its verdict changes",
            )

    def _check_reference(
        self, path: tuple[str | int, ...], value: str, kind: str, known: set[str]
    ) -> None:
        if value not in known:
            self.report(path, f"unknown {kind} '{value}'{suggest(value, sorted(known))}")

    def _check_not_future(self, path: tuple[str | int, ...], value: date | None) -> None:
        if value is not None and value > self.today:
            self.report(path, f"{value} is in the future (today is {self.today})")


def _is_seed_path(value: str) -> bool:
    parts = value.split("/")
    return len(parts) == 2 and parts[0] == "seeds" and parts[1] not in ("", ".", "..")


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields accepted at `loc` inside `model`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next(iter(_models_in(annotation)), None)
        if current is None:
            return []
    return list(current.model_fields)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()):
        yield from _models_in(argument)


def _explain(kind: str, value: object, detail: Any) -> str:
    """A pydantic error as an editor's message."""
    shown = _show(value)
    context = detail.get("ctx") or {}
    if kind == "value_error":
        return str(context.get("error", detail["msg"]))
    if kind == "string_type":
        if isinstance(value, bool):
            return f"expected text, got {shown}: YAML reads yes/no/on/off as true/false; quote it"
        if isinstance(value, date):
            return f"expected text, got the date {value}; quote it"
        return f"expected text, got {shown}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date written as YYYY-MM-DD without quotes, got {shown}"
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        choices = [choice.strip() for choice in expected.replace(" or ", ", ").split(",")]
        return f"{shown} is not one of: {', '.join(choices)}{suggest(value, choices)}"
    if kind in ("list_type", "too_short") and detail["loc"] and not isinstance(value, list):
        return f"expected a list (lines starting with '- '), got {shown}"
    if kind == "too_short":
        return f"needs at least {context.get('min_length')} entry"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields (key: value lines), got {shown}"
    if kind == "int_type":
        return f"expected a whole number, got {shown}"
    if kind == "bool_type":
        return f"expected true or false, got {shown}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{shown} is out of range: {detail['msg'].lower()}"
    if kind == "literal_error" or kind.endswith("_type"):
        return f"{detail['msg']}, got {shown}"
    return str(detail["msg"])


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
