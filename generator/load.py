"""claims.yaml in, a validated Catalog or the full list of problems out."""

from __future__ import annotations

import difflib
import errno
import itertools
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
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
    Retired,
    Source,
)
from generator.yamlsource import Document, Position, SourceError, clip

SECTIONS: dict[str, type[BaseModel]] = {
    "ratings": Rating,
    "qualifiers": Qualifier,
    "confidence": Confidence,
    "sources": Source,
    "claimants": Claimant,
    "claims": Claim,
    "retired": Retired,
}
TOP_LEVEL = ("version", "publisher", *SECTIONS)
REQUIRED_TOP_LEVEL = ("version", "publisher", "ratings", "confidence")
MIN_ENTRIES = {"ratings": 2, "confidence": 1}
MAX_PROBLEMS = 100
SEED_PATH = re.compile(r"seeds/[A-Za-z0-9._-]{1,100}")
# Seed texts reach the page like text fields; a form feed from a PDF export is allowed.
SEED_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\f\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# Anchors that the scale page gives qualifiers and confidence levels, beside the ratings' own.
SCALE_ANCHORS = {"qualifiers": "qualifier-", "confidence": "confidence-"}


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


@dataclass(frozen=True)
class Loaded:
    """A validated catalog, and where each of its values was written."""

    catalog: Catalog
    file: str
    document: Document

    def where(self, path: Where, *, key: bool = False) -> tuple[str, Position]:
        """The file that holds the value at `path` (a path in the catalog), and its position."""
        return self.file, self.document.position_of(path, key=key)


def load_catalog(path: Path, *, today: date | None = None) -> Catalog:
    """Read and validate a claims file; raise CatalogError listing every problem."""
    return load_located(path, today=today).catalog


def load_located(path: Path, *, today: date | None = None) -> Loaded:
    """Like load_catalog, keeping the position of every value for later messages and edits."""
    name = str(path)
    try:
        raw = _read_limited(path)
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"cannot read the file: {reason}"
        if isinstance(error, FileNotFoundError):
            message = "no such file; give the path of the claims file (claims.yaml)"
        elif isinstance(error, IsADirectoryError):
            message = "this is a folder; give the path of the claims file inside it"
        elif isinstance(error, PermissionError):
            message = "permission denied; make the file readable"
        raise CatalogError([Problem(name, Position(1, 1), "", message)]) from None
    except _TooBig as error:
        message = yamlsource.too_big_message(error.size)
        raise CatalogError([Problem(name, Position(1, 1), "", message)]) from None
    return parse_located(raw, name, base_dir=path.parent, today=today)


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_limited(path: Path) -> bytes:
    """The file's bytes; the size limit is checked before reading, and again while reading."""
    status = path.stat()
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "not a regular file; give the path of the claims file")
    if status.st_size > yamlsource.MAX_BYTES:
        raise _TooBig(status.st_size)
    with path.open("rb") as stream:
        raw = stream.read(yamlsource.MAX_BYTES + 1)
    if len(raw) > yamlsource.MAX_BYTES:  # the file grew after stat()
        raise _TooBig(len(raw))
    return raw


def parse_catalog(raw: bytes, name: str, *, base_dir: Path, today: date | None = None) -> Catalog:
    """Validate the bytes of a claims file named `name`; seed paths resolve from `base_dir`."""
    return parse_located(raw, name, base_dir=base_dir, today=today).catalog


def parse_located(raw: bytes, name: str, *, base_dir: Path, today: date | None = None) -> Loaded:
    """Like parse_catalog, keeping the position of every value."""
    try:
        document = yamlsource.parse(yamlsource.read_text(raw))
    except SourceError as error:
        raise CatalogError(
            _sorted([Problem(name, i.position, dotted(i.path), i.message) for i in error.issues])
        ) from None
    checker = _Checker(name, document, base_dir, today or date.today())
    try:
        catalog = checker.check()
    except _TooMany:
        catalog = None
    if checker.problems or catalog is None:
        raise CatalogError(checker.finish())
    return Loaded(catalog, name, document)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: (problem.position.line, problem.position.column))


class _TooMany(Exception):
    """The problem limit was reached: stop checking."""


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


Where = tuple[str | int, ...]


class _Checker:
    """Validates each record, then checks across records.

    The checks across records read the raw data, not the validated records, so that a record
    with a wrong type still has its references and dates checked: the editor sees every
    problem at once. A path that validation reported is not checked again.
    """

    def __init__(self, name: str, document: Document, base_dir: Path, today: date) -> None:
        self.name = name
        self.document = document
        self.base_dir = base_dir
        self.today = today
        self.problems = [
            Problem(name, issue.position, dotted(issue.path), issue.message)
            for issue in document.issues
        ]
        self.reported: set[Where] = set()

    def report(self, path: Where, message: str, *, key: bool = False) -> None:
        # A value already reported while reading stands as INVALID: say nothing more about it.
        if self.document.is_reported(path):
            return
        position = self.document.position_of(path, key=key)
        if len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem(self.name, position, "", yamlsource.TOO_MANY))
            raise _TooMany
        self.problems.append(Problem(self.name, position, dotted(path), message))
        self.reported.add(path)

    def report_once(self, path: Where, message: str) -> None:
        """Report a problem found across records, unless `path` already has one."""
        if path not in self.reported:
            self.report(path, message)

    def finish(self) -> list[Problem]:
        """Every problem, in file order; the note that checking stopped stays last."""
        if len(self.problems) > MAX_PROBLEMS:
            return [*_sorted(self.problems[:MAX_PROBLEMS]), self.problems[MAX_PROBLEMS]]
        return _sorted(self.problems)

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
        publisher = None
        if "publisher" in data:
            publisher = self._validate(Publisher, data["publisher"], ("publisher",))
        records = {
            name: self._validate_section(name, model, data[name])
            for name, model in SECTIONS.items()
            if name in data
        }
        # A section that is not a list of entries, or a missing required one, is reported
        # already: references to it are not checked. A missing optional section has no ids.
        raw = {name: _entries(data.get(name, [])) for name in SECTIONS}
        ids = {
            name: None
            if entries is None or (name not in data and name in MIN_ENTRIES)
            else {entry["id"] for _, entry in entries if isinstance(entry.get("id"), str)}
            for name, entries in raw.items()
        }
        for name, entries in raw.items():
            self._check_unique_ids(name, entries or [])
        self._check_scale(raw)
        for index, source in raw["sources"] or []:
            self._check_source(index, source)
        for index, claim in raw["claims"] or []:
            self._check_claim(index, claim, ids)
        for index, retired in raw["retired"] or []:
            self._check_retired(index, retired, ids["claims"])
        if self.problems or publisher is None:
            return None
        try:
            return Catalog(
                version=1,
                publisher=publisher,
                **{name: [record for _, record in entries] for name, entries in records.items()},
            )
        except ValidationError as error:  # a rule on the whole catalog that no check above has
            for detail in error.errors():
                self._report_validation(Catalog, (), detail)
            return None

    def _check_top_level(self, data: dict[Any, Any]) -> bool:
        """Report missing, unknown and misspelt sections; False when the version is not ours."""
        version = data.get("version")
        if "version" not in data:
            self.report((), "missing 'version: 1' at the top of the file; add it")
        elif version == str(SCHEMA_VERSION):
            self.report(
                ("version",), "the version is the text '1'; write version: 1 without quotes"
            )
        elif version != SCHEMA_VERSION or isinstance(version, bool):
            self.report(
                ("version",),
                f"unsupported schema version {_show(version)}; this generator reads version 1: "
                "write version: 1 and the fields of version 1",
            )
            return False
        for key in data:
            if key not in TOP_LEVEL:
                self.report((key,), f"unknown section {clip(key)}{_hint(key, TOP_LEVEL)}", key=True)
        for key in REQUIRED_TOP_LEVEL[1:]:
            if key not in data:
                self.report((), f"missing required section '{key}'; add it")
        return True

    def _validate_section(
        self, name: str, model: type[BaseModel], items: object
    ) -> list[tuple[int, Any]]:
        if not isinstance(items, list):
            self.report((name,), f"'{name}' must be a list of entries, each starting with '- '")
            return []
        minimum = MIN_ENTRIES.get(name, 0)
        if len(items) < minimum:
            entries = "entries" if minimum > 1 else "entry"
            self.report((name,), f"'{name}' needs at least {minimum} {entries}; add them")
        records = []
        for index, item in enumerate(items):
            record = self._validate(model, item, (name, index))
            if record is not None:
                records.append((index, record))
        return records

    def _validate(self, model: type[BaseModel], item: object, path: Where) -> Any:
        try:
            return model.model_validate(item)
        except ValidationError as error:
            for detail in error.errors():
                self._report_validation(model, path, detail)
            return None

    def _report_validation(self, model: type[BaseModel], path: Where, detail: Any) -> None:
        loc = tuple(detail["loc"])
        full = (*path, *loc)
        kind = detail["type"]
        value = detail.get("input")
        if kind == "missing":
            self.report(full[:-1], f"missing required field '{loc[-1]}'; add it")
            return
        if kind == "extra_forbidden":
            known = _field_names(model, loc[:-1])
            self.report(full, f"unknown field {clip(loc[-1])}{_hint(loc[-1], known)}", key=True)
            return
        self.report(full, _explain(kind, value, detail))

    def _check_unique_ids(self, section: str, entries: list[tuple[int, dict[Any, Any]]]) -> None:
        seen: dict[str, int] = {}
        for index, entry in entries:
            entry_id = _text(entry, "id")
            if entry_id is None:
                continue
            if entry_id in seen:
                first = self.document.position_of((section, seen[entry_id], "id"))
                self.report_once(
                    (section, index, "id"),
                    f"duplicate id '{entry_id}' (first used at line {first.line}); "
                    "ids must be unique: rename one of them",
                )
            else:
                seen[entry_id] = index

    def _check_scale(self, raw: dict[str, list[tuple[int, dict[Any, Any]]] | None]) -> None:
        ratings = raw["ratings"] or []
        values = [
            (index, entry.get("id"), entry["value"])
            for index, entry in ratings
            if type(entry.get("value")) is int
        ]
        for (_, better_id, better), (index, _, worse) in itertools.pairwise(values):
            if worse >= better:
                self.report_once(
                    ("ratings", index, "value"),
                    f"value {worse} must be lower than {better} of {_show(better_id)}: "
                    "list ratings best first, with falling values",
                )
        for section, prefix in SCALE_ANCHORS.items():
            taken = {
                prefix + entry_id: entry_id
                for _, entry in raw[section] or []
                if (entry_id := _text(entry, "id")) is not None
            }
            for index, entry in ratings:
                rating_id = _text(entry, "id")
                if rating_id in taken:
                    self.report_once(
                        ("ratings", index, "id"),
                        f"'{rating_id}' is also the scale page's anchor for the "
                        f"{section} entry '{taken[rating_id]}'; choose another id",
                    )

    def _check_source(self, index: int, source: dict[Any, Any]) -> None:
        path: Where = ("sources", index)
        seed = source.get("seed")
        if source.get("kind") == "seed-article":
            if seed is None:
                self.report_once(
                    path, "a seed-article needs 'seed:', the path of its file in seeds/"
                )
            elif isinstance(seed, str):
                problem = _check_seed(self.base_dir, seed)
                if problem:
                    self.report_once((*path, "seed"), problem)
        elif seed is not None and isinstance(source.get("kind"), str):
            self.report_once(
                (*path, "seed"),
                "only a source of kind 'seed-article' takes 'seed:'; remove it, "
                "or set kind: seed-article",
            )
        if "url" not in source and "seed" not in source:
            self.report_once(path, "a source needs 'url:' (or 'seed:' for a seed article)")
        if "archive_url" in source and "url" not in source:
            self.report_once(
                (*path, "archive_url"), "'archive_url' is a copy of 'url'; add 'url' too"
            )
        self._check_not_future((*path, "date"), _day(source, "date"))

    def _check_claim(
        self, index: int, claim: dict[Any, Any], ids: dict[str, set[str] | None]
    ) -> None:
        path: Where = ("claims", index)
        for field, section, kind in (
            ("claimant", "claimants", "claimant"),
            ("rating", "ratings", "rating"),
            ("confidence", "confidence", "confidence level"),
        ):
            self._check_reference((*path, field), _text(claim, field), kind, ids[section])
        qualifiers = claim.get("qualifiers")
        qualifiers = qualifiers if isinstance(qualifiers, list) else []
        for number, qualifier in enumerate(qualifiers):
            where = (*path, "qualifiers", number)
            self._check_reference(where, qualifier, "qualifier", ids["qualifiers"])
            if isinstance(qualifier, str) and qualifier in qualifiers[:number]:
                self.report_once(where, f"qualifier '{qualifier}' is listed twice; remove one")
        for field in ("appearances", "evidence"):
            for number, item in _entries(claim.get(field)) or []:
                where = (*path, field, number, "source")
                self._check_reference(where, _text(item, "source"), "source", ids["sources"])
        self._check_not_future((*path, "claimed"), _day(claim, "claimed"))
        self._check_not_future((*path, "reviewed"), _day(claim, "reviewed"))
        self._check_history(path, claim, ids["ratings"])

    def _check_history(self, path: Where, claim: dict[Any, Any], ratings: set[str] | None) -> None:
        entries = _entries(claim.get("history")) or []
        before: date | None = None
        for number, entry in entries:
            where = (*path, "history", number)
            self._check_reference((*where, "rating"), _text(entry, "rating"), "rating", ratings)
            day = _day(entry, "date")
            self._check_not_future((*where, "date"), day)
            if day is not None and before is not None and day <= before:
                self.report_once(
                    (*where, "date"),
                    f"{day} is not after the entry before it ({before}); "
                    "list history oldest first, one entry a date",
                )
            before = day
        if not entries or len(entries) != len(claim.get("history") or []):
            return
        latest = entries[-1][1]
        latest_rating, latest_date = _text(latest, "rating"), _day(latest, "date")
        rating, reviewed = _text(claim, "rating"), _day(claim, "reviewed")
        if (
            rating is not None
            and latest_rating is not None
            and rating != latest_rating
            and (ratings is None or rating in ratings)
        ):
            self.report_once(
                (*path, "rating"),
                f"'{rating}' differs from the latest history entry ('{latest_rating}' on "
                f"{latest_date}), which is the current verdict; set rating: {latest_rating}, "
                "or add a history entry for the new verdict",
            )
        if reviewed is not None and latest_date is not None and reviewed < latest_date:
            self.report_once(
                (*path, "reviewed"),
                f"{reviewed} is before the latest history entry ({latest_date}); "
                f"a claim is reviewed when its verdict changes: set it to {latest_date} or later",
            )

    def _check_retired(self, index: int, retired: dict[Any, Any], claims: set[str] | None) -> None:
        path: Where = ("retired", index)
        retired_id = _text(retired, "id")
        if claims is not None and retired_id in claims:
            self.report_once(
                (*path, "id"),
                f"'{retired_id}' is retired, but a claim still has this id; "
                "give the claim a new id, or remove this entry",
            )
        self._check_reference((*path, "redirect"), _text(retired, "redirect"), "claim", claims)
        self._check_not_future((*path, "date"), _day(retired, "date"))

    def _check_reference(
        self, path: Where, value: object, kind: str, known: set[str] | None
    ) -> None:
        section = _SECTION_OF[kind]
        if known is not None and isinstance(value, str) and value not in known:
            hint = _hint(value, sorted(known), section=section)
            self.report_once(path, f"unknown {kind} '{value}'{hint}")

    def _check_not_future(self, path: Where, value: date | None) -> None:
        if value is not None and value > self.today:
            self.report_once(path, f"{value} is in the future (today is {self.today}); correct it")


_SECTION_OF = {
    "claim": "claims",
    "claimant": "claimants",
    "rating": "ratings",
    "confidence level": "confidence",
    "qualifier": "qualifiers",
    "source": "sources",
}


def _entries(items: object) -> list[tuple[int, dict[Any, Any]]] | None:
    """The mappings in a list, with their indexes; None when `items` is not a list."""
    if not isinstance(items, list):
        return None
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _text(entry: dict[Any, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) else None


def _day(entry: dict[Any, Any], key: str) -> date | None:
    value = entry.get(key)
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def _hint(value: object, choices: Iterable[str], *, section: str = "") -> str:
    """A "did you mean", else what is allowed when that is a short list, else where to add it.

    With `section`, `choices` are ids written there; without, they are names from the schema.
    """
    choices = list(choices)
    close = suggest(value, choices)
    if close:
        return close
    if choices and (len(choices) <= 10 or not section):
        return f"; use one of: {', '.join(choices)}"
    return f"; correct it, or add it under '{section}:'"


def _check_seed(base_dir: Path, seed: str) -> str | None:
    """What is wrong with the seed file `seed`, or None: it must be UTF-8 text inside seeds/."""
    if not SEED_PATH.fullmatch(seed) or seed.endswith(("/.", "/..")):
        return (
            f"{clip(seed)} is not a plain file name in seeds/; use letters, digits, '.', '-' "
            "and '_', like seeds/article.txt"
        )
    path = base_dir / seed
    try:
        if not path.is_file():
            return f"no seed file {clip(seed)}; add the file or correct the path"
        if path.resolve().parent != (base_dir / "seeds").resolve():
            return f"{clip(seed)} links to a file outside seeds/; copy the article into seeds/"
        if path.stat().st_size > yamlsource.MAX_BYTES:
            return f"{clip(seed)} is over the {yamlsource.MAX_BYTES // 2**20} MiB limit"
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        return f"cannot read {clip(seed)}: {error.strerror}; check the file"
    except UnicodeDecodeError as error:
        return f"{clip(seed)} is not UTF-8 text (byte {error.start}); save it as UTF-8"
    bad = SEED_NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return (
            f"{clip(seed)} holds the control character U+{ord(bad.group()):04X} "
            f"on line {line}; remove it"
        )
    return None


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
    if isinstance(value, datetime):
        return f"expected a date without a time, like {value.date()}, got {shown}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date written as YYYY-MM-DD without quotes, got {shown}"
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        choices = [choice.strip() for choice in expected.replace(" or ", ", ").split(",")]
        return f"{shown} is not one of: {', '.join(choices)}{suggest(value, choices)}"
    if kind in ("list_type", "too_short") and detail["loc"] and not isinstance(value, list):
        return f"expected a list (lines starting with '- '), got {shown}"
    if kind == "too_short":
        return f"needs at least {context.get('min_length')} entry; add one"
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
    return clip(value)
