"""The claims as an earlier version had them: from another file, or from a git revision."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.history import Published
from generator.load import Unchecked, read_leniently
from generator.migrate import MigrationError, migrate_text
from generator.model import Catalog
from generator.problems import Problem

VERSION_1 = re.compile(r"^version:[ \t]*1[ \t]*(#.*)?$", re.MULTILINE)


class RevisionError(Exception):
    """The earlier version cannot be read (an unknown revision, no git, not a repository)."""


@dataclass(frozen=True)
class Base:
    """The earlier version: what it published, and whether it was converted from schema
    version 1."""

    catalog: Catalog | None
    """Its catalog, if it passes today's checks."""
    published: Published | None
    """What it published, as far as it passes today's checks; None if it cannot be read."""
    problems: list[Problem]
    """Why it does not pass today's checks, if it does not."""
    is_migrated: bool


def load_base(base: str, path: Path) -> Base:
    """What `base` published: a claims file if one exists at that path, else a git revision.

    For a revision, the whole tree of that commit is read, so that the claims file finds its
    seed files (and any other file it names) as they were then. Problems in it are named
    against `REVISION:path/of/claims.yaml`. A base of schema version 1 (the target branch of
    the pull request that converts the file) is converted in memory, as `migrate` would.
    """
    if Path(base).is_file():
        return _read(Path(base), base)
    if base.startswith("-") or not base.strip():
        raise RevisionError(f"{base!r} is neither a file nor a git revision")
    absolute = path.resolve()
    try:
        top = Path(_git(absolute.parent, "rev-parse", "--show-toplevel").decode().strip())
    except RevisionError:
        raise RevisionError(
            f"{base!r} is not a file, and {absolute.parent} is not in a git repository; "
            "give the base as a file or a git revision"
        ) from None
    relative = absolute.relative_to(top).as_posix()
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{base}^{{tree}}")
    except RevisionError:
        raise RevisionError(
            f"{base!r} is neither a file nor a git revision; give a branch, tag or commit"
        ) from None
    archive = _git(top, "archive", "--format=tar", base)
    with tempfile.TemporaryDirectory(prefix="factcheck-base-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        copy = Path(folder) / relative
        if not copy.is_file():
            raise RevisionError(f"{base} has no {relative}; give another revision")
        return _read(copy, f"{base}:{relative}", prefix=f"{base}:")


def _read(path: Path, name: str, *, prefix: str = "") -> Base:
    try:
        text = path.read_text("utf-8")
        converted = migrate_text(text) if VERSION_1.search(text) else None
    except (OSError, UnicodeDecodeError, MigrationError):
        converted = None
    raw = None if converted is None else converted.text.encode("utf-8")
    read = read_leniently(path, name, prefix=prefix, raw=raw)
    if isinstance(read, Unchecked):
        published = Published.read(read) if read.data is not None else None
        return Base(None, published, read.problems, is_migrated=raw is not None)
    return Base(read.catalog, Published.of(read.catalog), [], is_migrated=raw is not None)


def _git(folder: Path, *arguments: str) -> bytes:
    try:
        result = subprocess.run(
            ["git", *arguments], cwd=folder, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed; give the base as a file instead") from None
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip()
        raise RevisionError(f"git {arguments[0]} failed: {said}")
    return result.stdout
