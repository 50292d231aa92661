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
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from generator import contradictions, yamlsource
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
from generator.storage import Fingerprint, ParseCache, fingerprint
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
TOP_LEVEL = ("version", "publisher", "include", *SECTIONS)
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
    """One thing wrong with a claims file, at a line and column."""

    file: str
    position: Position
    where: str
    message: str
    is_warning: bool = False
    """A warning: the data may contradict itself, but the file is valid and builds."""

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        warning = " warning:" if self.is_warning else ""
        line, column = self.position.line, self.position.column
        return f"{self.file}:{line}:{column}:{warning}{where} {self.message}"


class CatalogError(Exception):
    """The claims files have problems; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Project:
    """A validated catalog, and what incremental builds need to know about where it came from."""

    catalog: Catalog
    fingerprints: dict[str, dict[str, Fingerprint]]
    """For sources, claimants and claims: a digest of each record's data, by id."""
    files: tuple[Path, ...]
    """Every claims file read, the root file first."""
    warnings: list[Problem]
    """Where the data may contradict itself, when asked for; the catalog is valid and builds."""


@dataclass(frozen=True)
class _File:
    """A claims file's text, under the name that messages give it."""

    name: str
    path: Path
    text: str


@dataclass(frozen=True)
class Loaded:
    """A validated catalog, and where each of its values was written, for messages and edits."""

    catalog: Catalog
    merged: _Merged
    warnings: list[Problem]
    """Where the data may contradict itself; the catalog is valid and builds."""

    @property
    def file(self) -> str:
        """The root claims file, as messages name it."""
        return self.merged.files[0][0]

    @property
    def document(self) -> Document:
        """The root claims file's values and their positions."""
        return self.merged.files[0][1]

    @property
    def files(self) -> list[str]:
        """Every claims file read, as messages name them, the root file first."""
        return [name for name, _ in self.merged.files]

    def keys_of(self, file: str) -> dict[Where, Position]:
        """Where each mapping key of `file` is written."""
        return dict(self.merged.files)[file].keys

    def where(self, path: Where, *, key: bool = False) -> tuple[str, Position]:
        """The file that holds the value at `path` (a path in the catalog), and its position."""
        name, position, _ = self.merged.locate(path, key=key)
        return name, position


def load_located(path: Path, *, today: date | None = None, name: str | None = None) -> Loaded:
    """Like load_catalog, keeping the position of every value for later messages and edits.

    `name` is what messages call the file, when not its path.
    """
    root = _read_file(name or str(path), path)
    return _load_exact(root, path.parent, today or date.today())[1]


def parse_located(raw: bytes, name: str, *, base_dir: Path, today: date | None = None) -> Loaded:
    """Like parse_catalog, keeping the position of every value."""
    root = _File(name, base_dir / Path(name).name, _decode(raw, name))
    return _load_exact(root, base_dir, today or date.today())[1]


def load_catalog(
    path: Path, *, today: date | None = None, warnings: list[Problem] | None = None
) -> Catalog:
    """Read and validate a claims file and the files it includes; raise CatalogError.

    When the files are valid and `warnings` is a list, the warnings of `check` are added to it.
    """
    project = load_project(path, today=today, with_warnings=warnings is not None)
    if warnings is not None:
        warnings.extend(project.warnings)
    return project.catalog


def load_project(
    path: Path,
    *,
    today: date | None = None,
    cache: ParseCache | None = None,
    with_warnings: bool = False,
) -> Project:
    """Read and validate a claims file and the files it includes, reusing `cache`.

    The project's warnings are listed only `with_warnings`: their positions take the exact
    (slower) way of reading, which a build does not need.
    """
    root = _read_file(str(path), path)
    return _load(root, path.parent, today or date.today(), cache or ParseCache(), with_warnings)


def parse_catalog(
    raw: bytes,
    name: str,
    *,
    base_dir: Path,
    today: date | None = None,
    warnings: list[Problem] | None = None,
) -> Catalog:
    """Validate the bytes of a claims file named `name`; other files resolve from `base_dir`."""
    root = _File(name, base_dir / Path(name).name, _decode(raw, name))
    project = _load(root, base_dir, today or date.today(), ParseCache(), warnings is not None)
    if warnings is not None:
        warnings.extend(project.warnings)
    return project.catalog


def _read_file(name: str, path: Path) -> _File:
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
    return _File(name, path, _decode(raw, name))


def _decode(raw: bytes, name: str) -> str:
    try:
        return yamlsource.read_text(raw)
    except SourceError as error:
        raise CatalogError(_reading_problems(name, error)) from None


def _reading_problems(name: str, error: SourceError) -> list[Problem]:
    problems = [Problem(name, i.position, dotted(i.path), i.message) for i in error.issues]
    return sorted(problems, key=lambda problem: problem.position)


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


def _load(
    root: _File, base_dir: Path, today: date, cache: ParseCache, with_warnings: bool
) -> Project:
    """The fast way when the files are sound; else the exact way, which reports every problem."""
    project = _load_fast(root, base_dir, today, cache, with_warnings)
    if project is None:
        project = _load_exact(root, base_dir, today)[0]
    return project


def _load_fast(
    root: _File, base_dir: Path, today: date, cache: ParseCache, with_warnings: bool
) -> Project | None:
    """Records from the parse cache, checked without positions; None at the first problem."""
    records = cache.read_records(root.name, root.text)
    if records is None or not isinstance(records.data, dict):
        return None
    included, include_problems = find_includes(base_dir, root, records.data.get("include"))
    if include_problems:
        return None
    files = [(root.name, records)]
    for path in included:
        try:
            file = _read_file(_included_name(root, base_dir, path), path)
        except CatalogError:
            return None
        file_records = cache.read_records(file.name, file.text)
        if file_records is None:
            return None
        files.append((file.name, file_records))
    document, merge_problems = _merge(
        [(name, Document(data=records.data)) for name, records in files]
    )
    if merge_problems:
        return None
    known = {
        section: [
            files[number][1].fingerprints[section][index]
            for number, index in (
                document.origin[(section, position)] for position in range(len(entries))
            )
        ]
        for section in INCLUDED_SECTIONS
        if isinstance(entries := document.data.get(section), list)
    }
    checker = _Checker(document, base_dir, today, cache.validated, known, cache.passed)
    try:
        catalog = checker.check()
    except _TooMany:
        return None
    if catalog is None or checker.problems or (checker.warnings and with_warnings):
        return None  # the exact way gives every problem and warning its position
    fingerprints = {
        section: {
            entry["id"]: fingerprint
            for entry, fingerprint in zip(
                document.data.get(section) or [], known.get(section, []), strict=True
            )
        }
        for section in INCLUDED_SECTIONS
    }
    cache.keep_validated({fp for ids in fingerprints.values() for fp in ids.values()})
    return Project(catalog, fingerprints, (root.path, *included), [])


def _load_exact(root: _File, base_dir: Path, today: date) -> tuple[Project, Loaded]:
    """Parse every file with positions and check it all; raise CatalogError with every problem."""
    try:
        root_document = yamlsource.parse(root.text)
    except SourceError as error:
        raise CatalogError(_reading_problems(root.name, error)) from None
    data = root_document.data
    include = data.get("include") if isinstance(data, dict) else None
    included, include_problems = find_includes(base_dir, root, include)
    documents = [(root.name, root_document)]
    reading: list[Problem] = []
    for path in included:
        name = _included_name(root, base_dir, path)
        try:
            documents.append((name, yamlsource.parse(_read_file(name, path).text)))
        except CatalogError as error:
            reading.extend(error.problems)
        except SourceError as error:
            reading.extend(_reading_problems(name, error))
    if reading:
        raise CatalogError(reading)
    document, merge_problems = _merge(documents)
    checker = _Checker(document, base_dir, today)
    for where, message in include_problems:
        checker.report(where, message)
    for name, where, message, is_key in merge_problems:
        checker.report_in(name, where, message, key=is_key)
    try:
        catalog = checker.check()
    except _TooMany:
        catalog = None
    if checker.problems or catalog is None:
        raise CatalogError(checker.finish())
    fingerprints = {
        section: {entry["id"]: fingerprint(entry) for entry in document.data.get(section) or []}
        for section in INCLUDED_SECTIONS
    }
    project = Project(catalog, fingerprints, (root.path, *included), checker.finish_warnings())
    return project, Loaded(catalog, document, project.warnings)


def find_includes(
    base_dir: Path, root: _File, patterns: object
) -> tuple[list[Path], list[tuple[Where, str]]]:
    """The files that the root file's `include:` names, in order, and what is wrong with it."""
    if patterns is None:
        return [], []
    if not isinstance(patterns, list):
        return [], [(("include",), INCLUDE_SHAPE)]
    found: dict[Path, None] = {}
    problems: list[tuple[Where, str]] = []
    top = base_dir.resolve()
    for number, pattern in enumerate(patterns):
        where: Where = ("include", number)
        if not isinstance(pattern, str):
            problems.append((where, INCLUDE_SHAPE))
            continue
        parts = PurePosixPath(pattern).parts
        if not parts or pattern.startswith("/") or "\\" in pattern or ".." in parts:
            problems.append(
                (where, f"{clip(pattern)} must be a path inside this folder, like claims/*.yaml")
            )
            continue
        matches = [
            path
            for path in sorted(base_dir.glob(pattern))
            if path.suffix in (".yaml", ".yml") and path.is_file()
        ]
        matches = [path for path in matches if path.resolve() != root.path.resolve()]
        if not matches:
            problems.append(
                (where, f"{clip(pattern)} matches no .yaml file; correct it, or remove it")
            )
        for path in matches:
            if not path.resolve().is_relative_to(top):
                problems.append((where, f"{clip(str(path))} links to a file outside this folder"))
            else:
                found.setdefault(path)
    return list(found), problems


INCLUDE_SHAPE = "'include' must be a list of file patterns, like '- claims/*.yaml'"
INCLUDED_SECTIONS = ("sources", "claimants", "claims")


def _included_name(root: _File, base_dir: Path, path: Path) -> str:
    """An included file as messages name it: beside the root file as editors typed it."""
    return str(Path(root.name).parent / path.relative_to(base_dir))


@dataclass
class _Merged:
    """The data of every claims file as one catalog, remembering where each entry came from."""

    data: Any
    files: list[tuple[str, Document]]
    origin: dict[tuple[str, int], tuple[int, int]]
    """(section, index in the merged list) → (file number, index in that file's list)."""

    def locate(self, path: Where, *, key: bool = False) -> tuple[str, Position, Where]:
        """The file, position and path in that file of a merged path."""
        number, local = self._local(path)
        name, document = self.files[number]
        return name, document.position_of(local, key=key), local

    def is_reported(self, path: Where) -> bool:
        number, local = self._local(path)
        return self.files[number][1].is_reported(local)

    def _local(self, path: Where) -> tuple[int, Where]:
        if len(path) >= 2 and (origin := self.origin.get((path[0], path[1]))):  # type: ignore[arg-type]
            return origin[0], (path[0], origin[1], *path[2:])
        return 0, path


def _merge(
    documents: list[tuple[str, Document]],
) -> tuple[_Merged, list[tuple[str, Where, str, bool]]]:
    """The root file's data with the included files' lists appended to its own."""
    root = documents[0][1].data
    merged = _Merged(dict(root) if isinstance(root, dict) else root, documents, {})
    problems: list[tuple[str, Where, str, bool]] = []
    if not isinstance(root, dict):
        return merged, problems
    for section in INCLUDED_SECTIONS:
        entries: list[Any] = []
        for number, (name, document) in enumerate(documents):
            data = document.data
            if number and not isinstance(data, dict):
                if section == INCLUDED_SECTIONS[0]:
                    problems.append((name, (), INCLUDED_SHAPE, False))
                continue
            items = data.get(section)
            if items is None or (number == 0 and not isinstance(items, list)):
                continue
            if not isinstance(items, list):
                problems.append((name, (section,), f"'{section}' must be a list of entries", False))
                continue
            for index, item in enumerate(items):
                merged.origin[(section, len(entries))] = (number, index)
                entries.append(item)
        if section in root and not isinstance(root[section], list):
            continue
        if section in root or entries:
            merged.data[section] = entries
    for name, document in documents[1:]:
        if isinstance(document.data, dict):
            for key in document.data:
                if key not in INCLUDED_SECTIONS:
                    problems.append((name, (key,), _misplaced(key), True))
    return merged, problems


INCLUDED_SHAPE = (
    "an included file must be a mapping of 'claims:', 'sources:' and 'claimants:' lists"
)


def _misplaced(key: object) -> str:
    if key in TOP_LEVEL:
        return f"'{key}' belongs in the root claims file; an included file holds only lists"
    return f"unknown section {clip(key)}; an included file holds only claims, sources and claimants"


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

    def __init__(
        self,
        document: _Merged,
        base_dir: Path,
        today: date,
        validated: dict[Fingerprint, BaseModel] | None = None,
        known: dict[str, list[Fingerprint]] | None = None,
        passed: set[bytes] | None = None,
    ) -> None:
        self.document = document
        # Records validated before, by the fingerprint of their data, and the fingerprint of
        # each entry of a section: a record that did not change is not validated again.
        self.validated = {} if validated is None else validated
        self.known = known or {}
        # Claims that passed the checks across records, by their data and what they refer to.
        self.passed = set() if passed is None else passed
        self.base_dir = base_dir
        self.today = today
        self.problems = [
            Problem(name, issue.position, dotted(issue.path), issue.message)
            for name, file in document.files
            for issue in file.issues
        ]
        self.reported: set[Where] = set()
        self.warnings: list[Problem] = []

    def report(self, path: Where, message: str, *, key: bool = False) -> None:
        # A value already reported while reading stands as INVALID: say nothing more about it.
        if self.document.is_reported(path):
            return
        name, position, local = self.document.locate(path, key=key)
        self._add(Problem(name, position, dotted(local), message))
        self.reported.add(path)

    def warn(self, path: Where, message: str) -> None:
        """Note data that may contradict itself; it does not stop the build."""
        name, position, local = self.document.locate(path)
        self.warnings.append(Problem(name, position, dotted(local), message, is_warning=True))

    def finish_warnings(self) -> list[Problem]:
        ranks = {name: rank for rank, (name, _) in enumerate(self.document.files)}
        return sorted(self.warnings, key=lambda w: (ranks.get(w.file, 0), w.position))

    def report_in(self, name: str, path: Where, message: str, *, key: bool = False) -> None:
        """Report a problem at `path` inside the file `name`."""
        document = dict(self.document.files)[name]
        if not document.is_reported(path):
            self._add(Problem(name, document.position_of(path, key=key), dotted(path), message))

    def _add(self, problem: Problem) -> None:
        if len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem(problem.file, problem.position, "", yamlsource.TOO_MANY))
            raise _TooMany
        self.problems.append(problem)

    def report_once(self, path: Where, message: str) -> None:
        """Report a problem found across records, unless `path` already has one."""
        if path not in self.reported:
            self.report(path, message)

    def finish(self) -> list[Problem]:
        """Every problem, file by file in reading order; the note that checking stopped is last."""
        ranks = {name: rank for rank, (name, _) in enumerate(self.document.files)}

        def order(problem: Problem) -> tuple[int, Position]:
            return ranks.get(problem.file, 0), problem.position

        if len(self.problems) > MAX_PROBLEMS:
            return [*sorted(self.problems[:MAX_PROBLEMS], key=order), self.problems[MAX_PROBLEMS]]
        return sorted(self.problems, key=order)

    def check(self) -> Catalog | None:
        data = self.document.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            self.report(
                (),
                f"the file holds {kind}; it must be a mapping that starts with "
                f"'version: {SCHEMA_VERSION}'",
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
        self._check_claims(raw["claims"] or [], ids)
        for index, retired in raw["retired"] or []:
            self._check_retired(index, retired, ids["claims"])
        if not self.problems:
            contradictions.check(data, self.warn)
        if self.problems or publisher is None:
            return None
        try:
            return Catalog(
                version=2,
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
        current = SCHEMA_VERSION
        if "version" not in data:
            self.report((), f"missing 'version: {current}' at the top of the file; add it")
        elif version == str(current):
            self.report(
                ("version",),
                f"the version is the text '{current}'; write version: {current} without quotes",
            )
        elif version == 1 and not isinstance(version, bool):
            name = self.document.files[0][0]
            self.report(
                ("version",),
                f"this file is schema version 1; convert it to version {current} with "
                f"'python -m generator migrate {name}', which keeps every value and "
                "comment, then check it again",
            )
            return False
        elif version != current or isinstance(version, bool):
            self.report(
                ("version",),
                f"unsupported schema version {_show(version)}; this generator reads version "
                f"{current}: write version: {current} and the fields of version {current}",
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
        known = self.known.get(name, [])
        records = []
        for index, item in enumerate(items):
            fingerprint = known[index] if index < len(known) else None
            record = self.validated.get(fingerprint) if fingerprint else None
            if record is None:
                record = self._validate(model, item, (name, index))
                if record is not None and fingerprint:
                    self.validated[fingerprint] = record
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
                first_file, first, _ = self.document.locate((section, seen[entry_id], "id"))
                this_file, _, _ = self.document.locate((section, index, "id"))
                at = f"line {first.line}"
                if first_file != this_file:
                    at = f"{first_file}:{first.line}"
                self.report_once(
                    (section, index, "id"),
                    f"duplicate id '{entry_id}' (first used at {at}); "
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
        if source.get("mirror") is True and "original_publisher" not in source:
            self.report_once(
                (*path, "mirror"),
                "a mirror copies another outlet's story: add 'original_publisher', the outlet "
                "that wrote it",
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
        for number, item in _entries(claim.get("appearances")) or []:
            where = (*path, "appearances", number, "accuracy")
            self._check_reference(where, _text(item, "accuracy"), "rating", ids["ratings"])
        for field in ("claimed", "published", "reviewed"):
            self._check_not_future((*path, field), _day(claim, field))
        self._check_history(path, claim, ids["ratings"])
        self._check_publication(path, claim, ids["ratings"])

    def _check_claims(
        self, claims: list[tuple[int, dict[Any, Any]]], ids: dict[str, set[str] | None]
    ) -> None:
        """Check each claim against the other records.

        A claim that passed before, with the same data, the same ids to refer to and the same
        date today, passes again without being checked: after an edit, only what it touched.
        """
        if any(known is None for known in ids.values()):
            # A section that is not a list leaves references to it unchecked: check again.
            self.passed.clear()
            for index, claim in claims:
                self._check_claim(index, claim, ids)
            return
        referable = sorted((name, sorted(known or ())) for name, known in ids.items())
        context = fingerprint((referable, self.today))
        known = self.known.get("claims", [])
        passed: set[bytes] = set()
        for index, claim in claims:
            key = known[index] + context if index < len(known) else None
            if key is not None and key in self.passed:
                passed.add(key)
                continue
            before = len(self.problems)
            self._check_claim(index, claim, ids)
            if key is not None and len(self.problems) == before:
                passed.add(key)
        self.passed.clear()
        self.passed.update(passed)

    def _check_history(self, path: Where, claim: dict[Any, Any], ratings: set[str] | None) -> None:
        entries = _entries(claim.get("history")) or []
        before: date | None = None
        for number, entry in entries:
            where = (*path, "history", number)
            self._check_reference((*where, "rating"), _text(entry, "rating"), "rating", ratings)
            day = _day(entry, "date")
            self._check_not_future((*where, "date"), day)
            self._check_order((*where, "date"), day, before, "history")
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
        # A history entry dated in the future is reported already: no advice to follow it.
        if (
            reviewed is not None
            and latest_date is not None
            and reviewed < latest_date <= self.today
        ):
            self.report_once(
                (*path, "reviewed"),
                f"{reviewed} is before the latest history entry ({latest_date}); "
                f"a claim is reviewed when its verdict changes: set it to {latest_date} or later",
            )

    def _check_publication(
        self, path: Where, claim: dict[Any, Any], ratings: set[str] | None
    ) -> None:
        """The first history entry is the publication; the reconstruction comes before it."""
        published, claimed = _day(claim, "published"), _day(claim, "claimed")
        if published is None:
            return
        # A claim dated in the future is reported already; its publication is not compared.
        if claimed is not None and published < claimed <= self.today:
            self.report_once(
                (*path, "published"),
                f"{published} is before the claim was made ({claimed}); a fact check is "
                "published after its claim: correct the date",
            )
        history = _entries(claim.get("history")) or []
        first = _day(history[0][1], "date") if history else None
        if first is not None and first != published and published <= self.today:
            self.report_once(
                (*path, "history", history[0][0], "date"),
                f"the first history entry is the first publication, so it is dated "
                f"{published} like 'published', not {first}; move what the evidence showed "
                "earlier to 'reconstruction:'",
            )
        before: date | None = None
        for number, entry in _entries(claim.get("reconstruction")) or []:
            where = (*path, "reconstruction", number)
            self._check_reference((*where, "rating"), _text(entry, "rating"), "rating", ratings)
            day = _day(entry, "date")
            if day is not None and day >= published:
                self.report_once(
                    (*where, "date"),
                    f"{day} is not before publication ({published}); a reconstruction "
                    "describes earlier dates: put published verdicts under 'history:'",
                )
            else:
                self._check_order((*where, "date"), day, before, "the reconstruction")
            before = day

    def _check_order(self, where: Where, day: date | None, before: date | None, what: str) -> None:
        """Dated entries come oldest first, one a date."""
        if day is not None and before is not None and day <= before:
            self.report_once(
                where,
                f"{day} is not after the entry before it ({before}); "
                f"list {what} oldest first, one entry a date",
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
