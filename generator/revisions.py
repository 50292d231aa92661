"""The claims as an earlier version had them: from another file, or from a git revision."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from generator.load import Loaded, load_located


class RevisionError(Exception):
    """The earlier version cannot be read (an unknown revision, no git, not a repository)."""


def load_base(base: str, path: Path) -> Loaded:
    """The catalog of `base`: a claims file if one exists at that path, else a git revision.

    For a revision, the whole tree of that commit is read, so that the claims file finds its
    seed files (and any other file it names) as they were then. Problems in it are reported
    against `REVISION:path/of/claims.yaml`.
    """
    if Path(base).is_file():
        return load_located(Path(base))
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
        return load_located(copy, name=f"{base}:{relative}")


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
