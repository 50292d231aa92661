"""claims.yaml in, a validated Catalog or the full list of problems out."""

from __future__ import annotations

import errno
import stat
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from generator import clock, yamlsource
from generator.includes import INCLUDED_SECTIONS, Merged, find_includes, merge
from generator.model import SCHEMA_VERSION, Catalog
from generator.problems import CatalogError, Problem, Where, dotted
from generator.rules import Checker, TooMany
from generator.storage import Fingerprint, ParseCache, fingerprint
from generator.yamlsource import Document, Position, SourceError


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
    prefix: str = ""
    """What starts the name of this file and of those it includes, like `main:` for a file
    of a git revision."""


@dataclass(frozen=True)
class Loaded:
    """A validated catalog, and where each of its values was written, for messages and edits."""

    catalog: Catalog
    merged: Merged
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
    return _load_exact(root, path.parent, today or clock.latest_today())[1]


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
    return _load(
        root, path.parent, today or clock.latest_today(), cache or ParseCache(), with_warnings
    )


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
    project = _load(
        root, base_dir, today or clock.latest_today(), ParseCache(), warnings is not None
    )
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
    included, include_problems = find_includes(base_dir, root.path, records.data.get("include"))
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
    document, merge_problems = merge(
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
    checker = Checker(document, base_dir, today, cache.validated, known, cache.passed)
    try:
        catalog = checker.check()
    except TooMany:
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


@dataclass(frozen=True)
class Unchecked:
    """A claims file that fails the checks, as far as it can still be read."""

    problems: list[Problem]
    """Why it fails the checks."""
    data: Any
    """The values of the files that read as YAML, merged; None if the root file does not."""
    flawed: frozenset[Where]
    """Where in `data` the problems are: a value that holds a problem, or holds one inside."""
    unread_files: list[str]
    """Included files whose entries are missing from `data`: they do not read as YAML, or do
    not hold lists of entries."""


def read_leniently(
    path: Path,
    name: str,
    *,
    prefix: str = "",
    raw: bytes | None = None,
    today: date | None = None,
) -> Loaded | Unchecked:
    """A claims file (or `raw`, its text converted) as load_located reads it when it passes
    the checks; else what can be read of it, and where its problems are. For an earlier
    version of the file, which today's checks may refuse. Messages call it `name`, and the
    files it includes by their paths after `prefix` (`main:` for a file of a git revision)."""
    today = today or clock.latest_today()
    try:
        if raw is None:
            root = replace(_read_file(name, path), prefix=prefix)
        else:
            root = _File(name, path, _decode(raw, name), prefix)
        documents, _, include_problems, reading = _parse_files(root, path.parent)
    except CatalogError as error:
        return Unchecked(error.problems, None, frozenset(), [])
    checker, catalog, document, merge_problems = _check(
        documents, include_problems, path.parent, today, is_limited=False
    )
    if catalog is not None and not (reading or checker.problems):
        return Loaded(catalog, document, checker.finish_warnings())
    problems = [*reading, *checker.finish()]
    version = document.data.get("version") if isinstance(document.data, dict) else None
    if version != SCHEMA_VERSION or isinstance(version, bool):
        return Unchecked(problems, None, frozenset(), [])  # its records were not checked
    flawed: set[Where] = set(checker.reported)
    # Problems found while reading are in their own file's entries: find their merged paths.
    for (section, merged), (number, index) in document.origin.items():
        for issue in document.files[number][1].issues:
            if issue.path[:2] == (section, index):
                flawed.add((section, merged, *issue.path[2:]))
    dropped = [name for name, where, _, is_key in merge_problems if len(where) < 2 and not is_key]
    unread = [name for name, doc in documents if doc is None] + dropped
    return Unchecked(problems, document.data, frozenset(flawed), list(dict.fromkeys(unread)))


def _check(
    documents: list[tuple[str, Document | None]],
    include_problems: list[tuple[Where, str]],
    base_dir: Path,
    today: date,
    *,
    is_limited: bool = True,
) -> tuple[Checker, Catalog | None, Merged, list[tuple[str, Where, str, bool]]]:
    """The files that could be read, merged and checked: the checker, the catalog if they
    pass, the merged data, and what merging them found."""
    readable = [(name, doc) for name, doc in documents if doc is not None]
    document, merge_problems = merge(readable)
    checker = Checker(document, base_dir, today, is_limited=is_limited)
    for where, message in include_problems:
        checker.report(where, message)
    for name, where, message, is_key in merge_problems:
        checker.report_in(name, where, message, key=is_key)
    try:
        catalog = checker.check()
    except TooMany:
        catalog = None
    return checker, catalog, document, merge_problems


def _parse_files(
    root: _File, base_dir: Path
) -> tuple[list[tuple[str, Document | None]], list[Path], list[tuple[Where, str]], list[Problem]]:
    """Every claims file parsed with positions (None for an included file that cannot be
    read), the included files, what is wrong with `include:`, and why files cannot be read.
    Raise CatalogError when the root file does not read as YAML."""
    try:
        root_document = yamlsource.parse(root.text)
    except SourceError as error:
        raise CatalogError(_reading_problems(root.name, error)) from None
    data = root_document.data
    include = data.get("include") if isinstance(data, dict) else None
    included, include_problems = find_includes(base_dir, root.path, include)
    documents: list[tuple[str, Document | None]] = [(root.name, root_document)]
    reading: list[Problem] = []
    for path in included:
        name = _included_name(root, base_dir, path)
        try:
            documents.append((name, yamlsource.parse(_read_file(name, path).text)))
            continue
        except CatalogError as error:
            reading.extend(error.problems)
        except SourceError as error:
            reading.extend(_reading_problems(name, error))
        documents.append((name, None))
    return documents, included, include_problems, reading


def _load_exact(root: _File, base_dir: Path, today: date) -> tuple[Project, Loaded]:
    """Parse every file with positions and check it all; raise CatalogError with every problem."""
    documents, included, include_problems, reading = _parse_files(root, base_dir)
    if reading:
        raise CatalogError(reading)
    checker, catalog, document, _ = _check(documents, include_problems, base_dir, today)
    if checker.problems or catalog is None:
        raise CatalogError(checker.finish())
    fingerprints = {
        section: {entry["id"]: fingerprint(entry) for entry in document.data.get(section) or []}
        for section in INCLUDED_SECTIONS
    }
    project = Project(catalog, fingerprints, (root.path, *included), checker.finish_warnings())
    return project, Loaded(catalog, document, project.warnings)


def _included_name(root: _File, base_dir: Path, path: Path) -> str:
    """An included file as messages name it: beside the root file as editors typed it."""
    folder = Path(root.name.removeprefix(root.prefix)).parent
    return f"{root.prefix}{folder / path.relative_to(base_dir)}"
