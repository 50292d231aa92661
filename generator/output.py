"""Writing generated files: only what changed, each replaced atomically, stale ones removed."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def sync_tree(root: Path, files: Mapping[str, str | bytes]) -> dict[str, Path]:
    """Make `root` hold exactly `files`; unchanged files keep their mtime, for `mkdocs --dirty`."""
    root.mkdir(parents=True, exist_ok=True)
    written = {}
    for relative, content in files.items():
        target = root / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if not target.is_file() or target.read_bytes() != data:
            write_atomically(target, data)
        written[relative] = target
    wanted = {path.resolve() for path in written.values()}
    for existing in sorted(root.rglob("*"), reverse=True):
        if existing.is_file() and existing.resolve() not in wanted:
            existing.unlink()
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return written


def write_atomically(target: Path, data: bytes) -> None:
    """Replace `target` in one step, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


class Staging:
    """A build folder beside the site folder that replaces it only after a clean build."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self.folder = self.target.with_name(f".{self.target.name}.building")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.warnings = _WarningCounter()
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def publish(self, *, is_strict: bool) -> None:
        """Swap the built folder in; in strict mode a build that warned publishes nothing."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if is_strict and self.warnings.count:
            self.discard()
            return
        retired = self.target.with_name(f".{self.target.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        if self.target.exists():
            os.replace(self.target, retired)
        os.replace(self.folder, self.target)
        shutil.rmtree(retired, ignore_errors=True)

    def discard(self) -> None:
        """Remove the partial build; the published folder stays as it was."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        shutil.rmtree(self.folder, ignore_errors=True)


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
