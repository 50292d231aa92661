"""The `check` command: errors, hygiene warnings and the append-only rule, printed in one style."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TextIO

from generator import clock, history, hygiene
from generator.load import load_located
from generator.model import Catalog
from generator.problems import CatalogError, Problem, counted
from generator.report import Finding, Severity, Style, escape_data, format_finding
from generator.revisions import Base, RevisionError, load_base

REPEATS = 3
"""How many warnings of one kind `check` prints; it counts the others."""


@dataclass(frozen=True)
class CheckOptions:
    """How strict `check` is, and what it compares with."""

    style: Style = "text"
    strict: bool = False
    """Count hygiene warnings as errors."""
    every_warning: bool = False
    """Print every warning, not only the first REPEATS of each kind."""
    stale_days: int = hygiene.DEFAULT_STALE_DAYS
    base: str | None = None
    """A claims file or git revision that the append-only rule compares with."""
    today: date | None = None


def run_check(
    path: Path, options: CheckOptions, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Check `path`; print what was found; return the exit status (1 on any error)."""
    out = out or sys.stdout
    err = err or sys.stderr
    today = options.today or clock.latest_today()
    try:
        loaded = load_located(path, today=today)
    except CatalogError as error:
        if options.base is not None:
            # The history is compared with the base only once the file reads as a catalog.
            note = (
                f"the history was not compared with {options.base}, because of the problems "
                "below; fix them and check again"
            )
            _note(note, options.style, out, err, title="check --base")
        return _finish([Finding(p, "error") for p in error.problems], options, out, err)
    errors = []
    logged: list[Problem] = []
    changed: set[str] = set()
    if options.base is not None:
        try:
            base = load_base(options.base, path)
        except RevisionError as error:
            print(f"error: {error}", file=err)
            return 1
        for note in _base_notes(base, options.base):
            _note(note, options.style, out, err, title="check --base")
        if base.published is not None:
            errors = history.check_append_only(base.published, loaded, today=today)
            logged = history.unlogged_source_changes(base.published, loaded, today=today)
        if base.catalog is not None:
            changed = changed_records(base.catalog, loaded.catalog)
    warnings = [
        *(replace(warning, is_warning=False) for warning in loaded.warnings),
        *hygiene.find_warnings(loaded, today=today, stale_days=options.stale_days),
        *logged,
    ]
    severity: Severity = "error" if options.strict else "warning"
    findings = sorted(
        [Finding(p, "error") for p in errors] + [Finding(p, severity) for p in warnings],
        key=lambda finding: _order(finding.problem),
    )
    if any(finding.severity == "error" for finding in findings):
        return _finish(findings, options, out, err, changed)
    _print(findings, options, out, err, changed)
    catalog = loaded.catalog
    warned = f", {counted(len(warnings), 'warning')}" if warnings else ""
    print(
        f"{path}: {len(catalog.claims)} claims, {len(catalog.sources)} sources: "
        f"no problems{warned}",
        file=out,
    )
    return 0


_NAMED = 10
"""How many records a note names that were not compared; it counts the others."""


def _note(note: str, style: Style, out: TextIO, err: TextIO, title: str) -> None:
    """A note line; on GitHub, a notice that the workflow run shows with the annotations."""
    if style == "github":
        print(f"::notice title={title}::{escape_data(note)}", file=out)
    else:
        print(f"note: {note}", file=err)


def _base_notes(base: Base, name: str) -> list[str]:
    """What an editor should know about how the history was compared with `base`."""
    notes = []
    if base.is_migrated:
        notes.append(
            f"{name} is schema version 1; it was converted in memory, as `migrate` converts a "
            "file, to compare histories"
        )
    if base.problems:
        first = f"{counted(len(base.problems), 'problem')}, the first: {base.problems[0]}"
        if base.published is None:
            notes.append(f"the history was not compared with {name}: it cannot be read ({first})")
        else:
            unread = base.published.unread
            more = [f"and {len(unread) - _NAMED} more"] if len(unread) > _NAMED else []
            listed = f"; not compared: {', '.join([*unread[:_NAMED], *more])}" if unread else ""
            notes.append(
                f"{name} does not pass today's checks ({first}); its history was compared "
                f"wherever it passes them{listed}"
            )
    return notes


def changed_records(base: Catalog, catalog: Catalog) -> set[str]:
    """The records of `catalog` added or changed since `base`, as the start of the `where` of
    a problem about them: `sources[4]`."""
    changed = set()
    for section in ("sources", "claimants", "claims"):
        before = {record.id: record for record in getattr(base, section)}
        for index, record in enumerate(getattr(catalog, section)):
            if before.get(record.id) != record:
                changed.add(f"{section}[{index}]")
    return changed


def warnings_about(path: Path, section: str, record_id: str, *, today: date) -> list[Problem]:
    """The hygiene warnings about one record, such as the source an editor has just added."""
    loaded = load_located(path, today=today)
    ids = [record.id for record in getattr(loaded.catalog, section)]
    where = f"{section}[{ids.index(record_id)}]"
    return [p for p in hygiene.find_warnings(loaded, today=today) if _record(p) == where]


def _record(problem: Problem) -> str:
    """The record a problem is about, as `changed_records` names it: `sources[4]`."""
    return problem.where.split(".", 1)[0]


def _finish(
    findings: list[Finding],
    options: CheckOptions,
    out: TextIO,
    err: TextIO,
    changed: set[str] | None = None,
) -> int:
    _print(findings, options, out, err, changed or set())
    errors = sum(finding.severity == "error" for finding in findings)
    print(f"{counted(errors, 'problem')} found; nothing was written", file=err)
    return 1


def _print(
    findings: list[Finding], options: CheckOptions, out: TextIO, err: TextIO, changed: set[str]
) -> None:
    """Annotations go to standard output, where GitHub reads them; lines to standard error.

    A warning that recurs, such as a missing archived copy on every source of a new desk,
    would bury the others: past REPEATS of a kind, its lines are counted in a note instead.
    Warnings about records `changed` since the base are all printed: they are the pull
    request's own.
    """
    stream = out if options.style == "github" else err
    times: Counter[str] = Counter()
    for finding in findings:
        is_own = _record(finding.problem) in changed
        if finding.severity == "warning" and not options.every_warning and not is_own:
            kind = _kind(finding.problem)
            times[kind] += 1
            if times[kind] > REPEATS:
                continue
        print(format_finding(finding, options.style), file=stream)
    for kind, count in times.items():
        if count > REPEATS:
            note = (
                f"{counted(count - REPEATS, 'more warning')} like those above ({kind}); "
                "`check --every-warning` prints each"
            )
            _note(note, options.style, out, err, title="check")


def _kind(problem: Problem) -> str:
    """What a warning is counted with: its group, or the same message."""
    return problem.group or problem.message.split(";")[0]


def _order(problem: Problem) -> tuple[str, int, int]:
    return problem.file, problem.position.line, problem.position.column
